"""Forms of the training-needs pages, and the one filter of need lists (the page and
`GET /api/v1/training-needs/` both use `NeedFilter`)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from qa_platform.schema import WEEK_PATTERN
from qa_platform.settings_rows import SettingsRowForm
from scoring.models import Category

from ..models import GroupKind, NeedDimension, NeedStatus, TrainingNeed, TrainingNeedPolicy
from ..selectors.needs import parse_week
from ..services.needs import ATTACHMENT_TYPES, POLICY_FIELDS

COMMON, INDIVIDUAL = "common", "individual"
SCOPES = [(COMMON, _("Common to a group")), (INDIVIDUAL, _("Individual"))]


class WeekField(forms.CharField):
    """An ISO week written 2026-W47, as its Monday."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        week = parse_week(value)
        if week is None:
            raise forms.ValidationError(_("Use an ISO week like 2026-W47."), code="invalid")
        return week


@extend_schema_field({"type": "string", "pattern": WEEK_PATTERN})
class WeekFilter(django_filters.Filter):
    field_class = WeekField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(week_start=value)


class NeedFilter(django_filters.FilterSet):
    week = WeekFilter(label=_("Week"), help_text="ISO week, e.g. 2026-W47 (weeks 1-52; 53 where the year has it).")
    group_kind = django_filters.ChoiceFilter(label=_("Group"), choices=GroupKind.choices)
    scope = django_filters.ChoiceFilter(
        label=_("Common or individual"), choices=SCOPES, method="filter_scope", help_text="common or individual"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NeedStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    dimension = django_filters.ChoiceFilter(label=_("Problem on"), choices=NeedDimension.choices)

    class Meta:
        model = TrainingNeed
        fields = ["week", "group_kind", "scope", "status", "category", "dimension"]

    def filter_scope(self, qs, name, value):
        if value == INDIVIDUAL:
            return qs.filter(group_kind=GroupKind.AGENT)
        if value == COMMON:
            return qs.exclude(group_kind=GroupKind.AGENT)
        return qs


class NeedPolicyForm(SettingsRowForm):
    """The thresholds page's fields; `services.needs.need_policy_update` saves them."""

    class Meta:
        model = TrainingNeedPolicy
        fields = list(POLICY_FIELDS)


class AgentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.employee_id}, {obj.team.name})"


class TrainingSessionForm(forms.Form):
    """A group training session; attendees are chosen among `agents` (the need's group, else the
    agents the trainer sees), the affected ones ticked by default."""

    topic = forms.CharField(label=_("Topic"), max_length=200)
    scheduled_for = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    location = forms.CharField(label=_("Place"), max_length=120, required=False)
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the session covers, links to the guidance, exercises."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("At most 10 MB: a document, slides, a sheet, an image, audio or video."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{t}" for t in sorted(ATTACHMENT_TYPES))}),
    )
    attendees = AgentChoices(label=_("Attendees"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = agents
