"""Forms of the coaching plan pages: the create form (the plan, its motivating evaluations and a
fixed number of goal rows — an empty row is ignored), the edit form, a session, completing, and
the list's filters. They parse; the rules are the service's (`services.plans`), whose refusals
`goal_errors` puts back under each goal row's fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from monitoring.models import Agent, Team
from qa_platform.names import person_name
from qa_platform.roles import SUPERVISOR, TRAINER
from scoring.models import Category, Criterion, Evaluation
from scoring.selectors import evaluations_visible_to

from ..models import LibraryCall, PlanStatus, SessionKind
from ..selectors import plans as sel
from ..services.plans import GoalInput

GOAL_ROWS = 3
DEFAULT_TARGET = 90
DEFAULT_WEEKS = 4
CRITERION, CATEGORY = "c", "cat"


def user_label(user) -> str:
    return person_name(user.first_name, user.last_name, user.username)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.employee_id}, {obj.team.name})"


class EvaluationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        when = date_format(timezone.localtime(obj.call.start_time), "SHORT_DATE_FORMAT")
        return f"{when} · {obj.call.external_id} · {obj.total if obj.total is not None else '–'}"


def owner_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[TRAINER, SUPERVISOR])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class AgentStepForm(forms.Form):
    """The first step when no agent is given: whom the plan is for."""

    agent = AgentChoiceField(queryset=Agent.objects.none(), label=_("Agent"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = sel.agents_for_new_plan(user).order_by("name")


class PlanForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=Agent.objects.none(), widget=forms.HiddenInput)
    owner = UserChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Owner"),
        help_text=_("A trainer, or a supervisor of the agent's team: who runs the plan."),
    )
    title = forms.CharField(label=_("Title"), max_length=160)
    proposal = forms.CharField(
        label=_("Improvement proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the agent is to work on, and how."),
    )
    evaluations = EvaluationChoiceField(
        queryset=Evaluation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Evaluations that motivated it"),
    )
    need = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, agent, extra_evaluations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = sel.agents_for_new_plan(user)
        self.fields["owner"].queryset = owner_choices()
        ids = [e.pk for e in sel.agent_evaluations(agent.pk)] + [e.pk for e in extra_evaluations]
        self.fields["evaluations"].queryset = (
            evaluations_visible_to(user)
            .filter(pk__in=ids, agent=agent)
            .select_related("call")
            .order_by("-call__start_time")
        )


class GoalForm(forms.Form):
    on = forms.ChoiceField(label=_("Goal on"), required=False)
    target = forms.FloatField(label=_("Target score (%)"), min_value=0, max_value=100, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service_types = forms.MultipleChoiceField(
        label=_("Follow-up service types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: follow-ups sample where the points were lost."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), service_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_scorecard: dict[str, list] = {}
        for c in criteria:
            by_scorecard.setdefault(c.section.version.scorecard.name, []).append((f"{CRITERION}:{c.pk}", c.text))
        self.fields["on"].choices = [
            ("", "—"),
            *((str(_("Criterion · %(s)s")) % {"s": name}, rows) for name, rows in by_scorecard.items()),
            (str(_("Category")), [(f"{CATEGORY}:{v}", label) for v, label in Category.choices]),
        ]
        self.fields["service_types"].choices = [(t, t) for t in service_types]

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("on") if hasattr(self, "cleaned_data") else False)

    def clean(self):
        data = super().clean()
        if data.get("on"):
            if data.get("target") is None:
                self.add_error("target", _("Give the goal a target."))
            if data.get("deadline") is None:
                self.add_error("deadline", _("Every goal has an explicit deadline."))
        return data

    def goal_input(self, criteria_by_id: dict[int, Criterion]) -> GoalInput | None:
        on = self.cleaned_data.get("on")
        if not on:
            return None
        kind, _sep, value = on.partition(":")
        common = {
            "target": self.cleaned_data["target"],
            "deadline": self.cleaned_data["deadline"],
            "service_types": self.cleaned_data["service_types"],
            "notes": self.cleaned_data["notes"],
        }
        if kind == CRITERION:
            return GoalInput(scope="criterion", criterion=criteria_by_id.get(int(value)), **common)
        return GoalInput(scope="category", category=value, **common)


class BaseGoalFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(f.cleaned_data.get("on") for f in self.forms):
            raise forms.ValidationError(_("A plan has at least one goal: choose what the first one is on."))


GoalFormSet = forms.formset_factory(GoalForm, formset=BaseGoalFormSet, extra=GOAL_ROWS, max_num=GOAL_ROWS)

# The service's goal fields → the row's field.
GOAL_FIELD = {"scope": "on", "criterion": "on", "category": "on"}
GOAL_ERROR_KEYS = tuple(
    f"goals.{i}.{name}"
    for i in range(GOAL_ROWS)
    for name in ("scope", "criterion", "category", "target", "deadline", "service_types", "notes")
)


def goal_errors(formset, field_errors: dict[str, list[str]], rows: list[int]) -> None:
    """Put the service's `goals.<i>.<field>` refusals under the row they came from (`rows[i]` is
    the formset index of the i-th non-empty goal)."""
    for name, reasons in field_errors.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = formset.forms[rows[int(parts[1])]]
            field = GOAL_FIELD.get(parts[2], parts[2])
            for reason in reasons:
                form.add_error(field if field in form.fields else None, reason)


def default_deadline() -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=DEFAULT_WEEKS)


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    proposal = forms.CharField(
        label=_("Improvement proposal"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    owner = UserChoiceField(queryset=get_user_model().objects.none(), label=_("Owner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices()


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    held_at = forms.DateTimeField(
        label=_("Held"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF, an image, an office document, a text file or audio; at most 10 MB."),
    )
    library_calls = forms.ModelMultipleChoiceField(
        label=_("Library calls"),
        queryset=LibraryCall.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_calls"].queryset = sel.curated_library_calls()
        self.fields["library_calls"].label_from_instance = lambda c: f"{c.title} ({c.get_kind_display()})"
        if not self.is_bound:
            self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the agent achieved, and what remains."),
    )


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *PlanStatus.choices])
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=get_user_model().objects.none())
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none())
    agent = AgentChoiceField(label=_("Agent"), required=False, queryset=Agent.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from monitoring.selectors import agents_visible_to, teams_visible_to

        self.fields["owner"].queryset = owner_choices()
        self.fields["team"].queryset = teams_visible_to(user).order_by("name")
        self.fields["agent"].queryset = agents_visible_to(user).order_by("name")
