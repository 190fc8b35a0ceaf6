"""The one filter of evaluation lists: the evaluation list page and `GET /api/evaluations/` both
use `EvaluationFilter`, so a link from a dashboard figure and an API call ask the same question.

Besides the agent, status and kind, it narrows to what the QA dashboard counts and groups by:
the month of the call (the center's time zone, as every monthly figure), the month a dispute
was raised or resolved in, team, line of business,
shift, direction, service type, method and CSAT; to evaluations that lost points on a criterion
(by its wording, across the scorecard's versions) or a category (a Pareto bar); to a band of scores; to critical failures; and to random or
targeted picks (`RANDOM_PICK`, the rule the random-sample estimate uses). `status=scored` means
any final state (`SCORED`), what the dashboard counts.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from monitoring.models import AssignmentReason, Direction, LineOfBusiness, Shift, Team
from monitoring.selectors import Period, month_or_none
from qa_platform.filters import DateTimeFilter, IdFilter, IntegerFilter, KnownChoiceFilter, StrictBooleanFilter
from qa_platform.schema import MONTH_PATTERN

from .models import SCORED, Answer, Evaluation, Kind, Method, Scorecard, Status

# A randomly sampled evaluation: drawn by the sampler with its inclusion probability recorded.
# Everything else (line top-up, coaching follow-up, by hand, ad hoc) is targeted.
RANDOM_PICK = Q(assignment__reason=AssignmentReason.RANDOM, assignment__inclusion_probability__gt=0)
PICKS = [("random", _("Random sample")), ("targeted", _("Targeted (top-up, coaching, flagged, by hand, ad hoc)"))]
SCORED_STATUS = "scored"


class MonthField(forms.CharField):
    """A calendar month written 2026-11, as a `Period`."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        period = month_or_none(value)
        if period is None:
            raise ValidationError(_("Use a month like 2026-11."), code="invalid")
        return period


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN})
class MonthFilter(django_filters.Filter):
    """`field_name` (a datetime) falls in the month, in the center's time zone."""

    field_class = MonthField

    def __init__(self, *args, also: dict | None = None, **kwargs):
        self.also = also or {}  # further conditions on the same related row
        super().__init__(*args, **kwargs)

    def filter(self, qs, value: Period | None):
        if value is None:
            return qs
        bounds = {f"{self.field_name}__gte": value.start, f"{self.field_name}__lt": value.end}
        qs = qs.filter(**bounds, **self.also)
        return qs.distinct() if self.distinct else qs


def _lost_points_on(**criterion) -> Exists:
    """The evaluation has an answer losing points on a criterion matching `criterion`."""
    return Exists(
        Answer.objects.filter(
            evaluation=OuterRef("pk"),
            is_na=False,
            value__lt=F("criterion__scale_max"),
            **{f"criterion__{k}": v for k, v in criterion.items()},
        )
    )


class EvaluationFilter(django_filters.FilterSet):
    agent = django_filters.CharFilter(
        method="filter_agent",
        label=_("Agent"),
        help_text=_("The agent's employee id (exact) or part of their name."),
        max_length=100,
    )
    month = MonthFilter(
        field_name="call__start_time", label=_("Month"), help_text=_("The month of the call, e.g. 2026-11.")
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        label=_("Status"),
        choices=[(SCORED_STATUS, _("Scored (any final state)")), *Status.choices],
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    # A team, line, shift or scorecard that does not exist matches nothing (qa_platform.filters).
    team = KnownChoiceFilter(field_name="agent__team", label=_("Team"), queryset=Team.objects.order_by("name"))
    line_of_business = KnownChoiceFilter(
        field_name="call__line_of_business",
        to_field_name="code",
        label=_("Line of business"),
        queryset=LineOfBusiness.objects.order_by("name"),
    )
    shift = KnownChoiceFilter(
        field_name="call__shift", to_field_name="code", label=_("Shift"), queryset=Shift.objects.order_by("name")
    )
    direction = django_filters.ChoiceFilter(
        field_name="call__direction", label=_("Direction"), choices=Direction.choices
    )
    service_type = django_filters.CharFilter(field_name="call__service_type", label=_("Service type"), max_length=64)
    method = django_filters.ChoiceFilter(label=_("Method"), choices=Method.choices)
    csat = IntegerFilter(field_name="call__csat", label=_("CSAT"), min_value=0, max_value=10)
    critical_failed = StrictBooleanFilter(label=_("Critical failure"))
    pick = django_filters.ChoiceFilter(method="filter_pick", label=_("Picked"), choices=PICKS)
    scorecard = KnownChoiceFilter(
        field_name="version__scorecard", label=_("Scorecard"), queryset=Scorecard.objects.order_by("name")
    )
    criterion = django_filters.CharFilter(
        method="filter_criterion",
        label=_("Lost points on criterion"),
        help_text=_("The criterion's wording, as on the scorecard (every version of it)."),
        max_length=255,
    )
    category = django_filters.CharFilter(method="filter_category", label=_("Lost points in category"), max_length=64)
    score_from = django_filters.NumberFilter(
        field_name="total", lookup_expr="gte", label=_("Score from"), min_value=0, max_value=100
    )
    score_below = django_filters.NumberFilter(
        field_name="total", lookup_expr="lt", label=_("Score below"), min_value=0, max_value=101
    )
    # Disputes as the dashboard counts them: the agent's first-level dispute (an appeal is the
    # same dispute's second stage).
    disputed_in = MonthFilter(
        field_name="disputes__raised_at",
        also={"disputes__level": 1},
        distinct=True,
        label=_("Disputed in"),
        help_text=_("A month, e.g. 2026-11."),
    )
    dispute_resolved_in = MonthFilter(
        field_name="disputes__resolved_at",
        also={"disputes__level": 1},
        distinct=True,
        label=_("Dispute resolved in"),
        help_text=_("A month, e.g. 2026-11."),
    )
    evaluator = django_filters.CharFilter(
        field_name="evaluator__username", label=_("Evaluator"), help_text=_("The evaluator's username."), max_length=150
    )
    call = IdFilter(field_name="call_id", label=_("Call id"))
    submitted_after = DateTimeFilter(field_name="submitted_at", lookup_expr="gte", label=_("Submitted after"))
    submitted_before = DateTimeFilter(field_name="submitted_at", lookup_expr="lt", label=_("Submitted before"))

    # The page shows these at once and the rest under "More filters".
    PRIMARY = ("agent", "month", "status", "kind", "team", "line_of_business", "shift", "direction", "method")

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def filter_agent(self, queryset, name, value):
        return queryset.filter(Q(agent__employee_id__iexact=value) | Q(agent__name__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=SCORED) if value == SCORED_STATUS else queryset.filter(status=value)

    def filter_pick(self, queryset, name, value):
        return queryset.filter(RANDOM_PICK) if value == "random" else queryset.exclude(RANDOM_PICK)

    def filter_criterion(self, queryset, name, value):
        return queryset.filter(_lost_points_on(text=value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(_lost_points_on(category=value))

    def primary_fields(self):
        return [self.form[name] for name in self.PRIMARY]

    def more_fields(self):
        return [self.form[name] for name in self.form.fields if name not in self.PRIMARY]

    def more_in_use(self) -> bool:
        return any(self.data.get(name) not in (None, "") for name in self.form.fields if name not in self.PRIMARY)
