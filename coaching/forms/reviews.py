"""Forms of the development review pages: scheduling, recording the conversation, a next step,
the list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.selectors import agents_visible_to
from qa_platform.names import person_name

from ..models import ReviewStatus
from ..permissions.reviews import access_for
from ..selectors.reviews import OVERDUE, PERIOD_RE
from ..services.reviews import writer_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj.first_name, obj.last_name, obj.username)


class PeriodField(forms.RegexField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("error_messages", {"invalid": _("Write the half-year as 2026-H1 or 2026-H2.")})
        super().__init__(PERIOD_RE, **kwargs)


class ScheduleForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("agent"), queryset=None)
    period = PeriodField(label=_("half-year"), help_text=_("For example 2026-H2."))
    due_on = forms.DateField(
        label=_("due"), required=False, widget=DATE, help_text=_("Blank: the 15th of the half-year's last month.")
    )
    reviewer = PersonChoiceField(
        label=_("reviewer"), queryset=None, required=False, help_text=_("Blank: the team's supervisor.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        access = access_for(user)
        agents = agents_visible_to(user).filter(active=True).order_by("name")
        if not access.wide:
            agents = agents.filter(team_id__in=access.team_ids)
        if access.agent_id is not None:
            agents = agents.exclude(pk=access.agent_id)
        self.fields["agent"].queryset = agents
        self.fields["reviewer"].queryset = _writers()


def _writers():
    from django.contrib.auth import get_user_model

    ids = [u.pk for u in writer_choices()]
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


class RecordForm(forms.Form):
    reviewer = PersonChoiceField(label=_("reviewer"), queryset=None)
    due_on = forms.DateField(label=_("due"), widget=DATE)
    held_on = forms.DateField(
        label=_("held on"), required=False, widget=DATE, help_text=_("Blank while the conversation is still to come.")
    )
    interests = forms.CharField(label=_("interests"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.CharField(label=_("skills"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    career_direction = forms.CharField(
        label=_("career direction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _writers()


class StepForm(forms.Form):
    text = forms.CharField(label=_("next step"), max_length=255)
    due_on = forms.DateField(label=_("due"), widget=DATE)


class ReviewFilterForm(forms.Form):
    period = PeriodField(label=_("half-year"), required=False)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("any")), *ReviewStatus.choices, (OVERDUE, _("Overdue"))],
    )
    q = forms.CharField(label=_("agent"), required=False, max_length=100)
