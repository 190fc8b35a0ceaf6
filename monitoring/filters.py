"""The call search: one FilterSet, `CallFilter`, for the call list page and `GET /api/v1/calls/`,
so a link from a figure and an API call ask the same question.

Every filter is a query parameter of the page's URL (GET), so a search is a link: bookmark it,
send it, page through it. A value the search cannot read is a 400 naming the field, on the page
(the form, with the field's label) and in the API ({"field": ["reason"]}).

- `agent`: the agent's employee id (exact, any case) or part of their name, one box;
- `team` (id), `line_of_business` (code), `shift` (code): selects on the page; one that names
  nothing matches nothing;
- `date_from` / `date_to`: the call's start date in the center's time zone, both ends included
  (a month's link is the 1st to the last day, exactly the calls a monthly figure counts);
- `talk_seconds_min` / `talk_seconds_max`: talk time in seconds, both ends included;
- `csat_min` / `csat_max`: the customer's rating 1–5, both ends included (a call without a rating
  is outside any CSAT range);
- `has_recording`, and the filters other apps register (`register_call_filter`: scoring's
  `evaluated`), yes / no / either.

Monitoring owns no call analytics yet (DESIGN.md §9), so there is no "flagged" filter; the apps
that hold such facts add their filters through `register_call_filter`, since monitoring may not
import the apps above it (DESIGN.md §7).
"""

from __future__ import annotations

import calendar
import datetime as dt

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request as DrfRequest

from qa_platform.filters import DateTimeFilter, IdFilter, IntegerFilter, StrictBooleanFilter

from .models import Call, Direction, LineOfBusiness, Shift
from .selectors import teams_visible_to

# The largest value a PositiveIntegerField holds on every database.
MAX_SECONDS = 2_147_483_647


def either_select() -> forms.Select:
    """Yes / no / either, for a true-or-false filter on the page."""
    return forms.Select(choices=[("", _("Either")), ("true", _("Yes")), ("false", _("No"))])


class CodeSelect(forms.Select):
    """A select for a text filter: without the text box's `maxlength`, which a select has not."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs


def _lazy_select(empty_label, options) -> forms.Select:
    """A select whose options are read when the page renders (never for the API)."""
    return CodeSelect(choices=CallableChoiceIterator(lambda: [("", empty_label), *options()]))


def _day_start(day: dt.date) -> dt.datetime | None:
    """The center's midnight starting `day`; None past the range a date-time holds."""
    try:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def month_query(period) -> dict[str, str]:
    """The call search's date filters covering a month (`monitoring.selectors.Period`)."""
    last = calendar.monthrange(period.year, period.month)[1]
    return {
        "date_from": dt.date(period.year, period.month, 1).isoformat(),
        "date_to": dt.date(period.year, period.month, last).isoformat(),
    }


class CallSearchForm(forms.Form):
    """Ranges read from low to high: a high end below its low end is an error on the high end."""

    RANGES = (
        ("date_from", "date_to", _("The end date is before the start date.")),
        ("talk_seconds_min", "talk_seconds_max", _("The longest talk time is below the shortest.")),
        ("csat_min", "csat_max", _("The highest CSAT is below the lowest.")),
    )

    def clean(self):
        data = super().clean()
        for low, high, message in self.RANGES:
            if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
                self.add_error(high, message)
        return data


def _count(**kwargs):
    return IntegerFilter(min_value=0, max_value=MAX_SECONDS, **kwargs)


def _csat(**kwargs):
    return IntegerFilter(
        min_value=1,
        max_value=5,
        widget=forms.Select(choices=[("", _("Any")), *[(n, str(n)) for n in range(1, 6)]]),
        **kwargs,
    )


class CallFilter(django_filters.FilterSet):
    agent = django_filters.CharFilter(
        method="filter_agent",
        label=_("Agent"),
        help_text=_("The agent's employee id (exact) or part of their name."),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or employee id"), "size": 18}),
    )
    # The page shows a select of the teams the user may see (`__init__`); the API takes the id.
    team = IdFilter(field_name="agent__team_id", label=_("Team"), help_text=_("The team (in the API, its id)."))
    line_of_business = django_filters.CharFilter(
        field_name="line_of_business__code",
        label=_("Line of business"),
        help_text=_("The line of business (in the API, its code)."),
        max_length=32,
        widget=_lazy_select(_("All lines"), lambda: LineOfBusiness.objects.values_list("code", "name")),
    )
    shift = django_filters.CharFilter(
        field_name="shift__code",
        label=_("Shift"),
        help_text=_("The shift (in the API, its code)."),
        max_length=32,
        widget=_lazy_select(_("All shifts"), lambda: Shift.objects.order_by("start").values_list("code", "name")),
    )
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Direction.choices, empty_label=_("Both directions")
    )
    service_type = django_filters.CharFilter(
        field_name="service_type",
        lookup_expr="iexact",
        label=_("Service type"),
        help_text=_("The queue or service type, as the telephony system names it (any case)."),
        max_length=64,
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from",
        label=_("From date"),
        help_text=_("The first day (the center's dates), included."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        label=_("To date"),
        help_text=_("The last day (the center's dates), included."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    talk_seconds_min = _count(
        field_name="talk_seconds",
        lookup_expr="gte",
        label=_("Talk time at least (seconds)"),
        help_text=_("In seconds: 600 is 10 minutes."),
    )
    talk_seconds_max = _count(
        field_name="talk_seconds",
        lookup_expr="lte",
        label=_("Talk time at most (seconds)"),
        help_text=_("In seconds: 60 is 1 minute."),
    )
    csat_min = _csat(field_name="csat", lookup_expr="gte", label=_("CSAT from"), help_text=_("1 to 5, included."))
    csat_max = _csat(field_name="csat", lookup_expr="lte", label=_("CSAT to"), help_text=_("1 to 5, included."))
    has_recording = StrictBooleanFilter(
        method="filter_has_recording",
        label=_("Has a recording"),
        help_text=_("Whether the call's recording is stored."),
        widget=either_select(),
    )
    # For integrations (not on the page): the source system, and start times to the second.
    source = django_filters.CharFilter(label=_("Source system"), max_length=32)
    start_after = DateTimeFilter(field_name="start_time", lookup_expr="gte", label=_("Started at or after"))
    start_before = DateTimeFilter(field_name="start_time", lookup_expr="lt", label=_("Started before"))

    # The page shows these at once and the rest under "More filters"; never these.
    PRIMARY = ("agent", "team", "line_of_business", "shift", "direction", "date_from", "date_to", "evaluated")
    NOT_ON_PAGE = ("source", "start_after", "start_before")

    class Meta:
        model = Call
        fields: list[str] = []
        form = CallSearchForm

    def get_form_class(self):
        """On the page an inverted range is an error under its high end; through the API it is a
        schema-valid question whose answer is no calls (an empty list, 200)."""
        form_class = super().get_form_class()
        if isinstance(self.request, DrfRequest):
            return type("CallApiSearchForm", (form_class,), {"RANGES": ()})
        return form_class

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            self.filters["team"].extra["widget"] = _lazy_select(
                _("All teams"), lambda: teams_visible_to(user).order_by("name").values_list("pk", "name")
            )

    def filter_agent(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(agent__employee_id__iexact=value) | Q(agent__name__icontains=value))

    def filter_date_from(self, queryset, name, value):
        start = _day_start(value)
        return queryset.filter(start_time__gte=start) if start is not None else queryset

    def filter_date_to(self, queryset, name, value):
        try:
            end = _day_start(value + dt.timedelta(days=1))
        except OverflowError:  # the last day there is: no upper bound
            return queryset
        return queryset.filter(start_time__lt=end) if end is not None else queryset

    def filter_has_recording(self, queryset, name, value):
        return queryset.exclude(recording="") if value else queryset.filter(recording="")

    # --- the page's layout ---------------------------------------------------------------------

    def _on_page(self):
        return [name for name in self.form.fields if name not in self.NOT_ON_PAGE]

    def primary_fields(self):
        return [self.form[name] for name in self._on_page() if name in self.PRIMARY]

    def more_fields(self):
        return [self.form[name] for name in self._on_page() if name not in self.PRIMARY]

    def more_in_use(self) -> bool:
        return any(self.data.get(name) not in (None, "") for name in self._on_page() if name not in self.PRIMARY)


def register_call_filter(name: str, filter_: django_filters.Filter) -> None:
    """Add a filter of another app's to the call search (page and API), from its
    AppConfig.ready(): scoring's `evaluated`. `filter_.method` is a function (queryset, name,
    value) -> queryset, since the FilterSet has no method of that app's."""
    if filter_.field_name is None:
        filter_.field_name = name
    CallFilter.base_filters[name] = filter_


# --- sorting (the page; the API sorts with `ordering`) ---------------------------------------

CALL_SORTS = {
    "-start_time": (F("start_time").desc(),),
    "start_time": (F("start_time").asc(),),
    "-talk": (F("talk_seconds").desc(),),
    "talk": (F("talk_seconds").asc(),),
    # Calls without a rating last either way: "lowest CSAT first" means the rated ones.
    "csat": (F("csat").asc(nulls_last=True),),
    "-csat": (F("csat").desc(nulls_last=True),),
    "agent": (F("agent__name").asc(),),
    "-agent": (F("agent__name").desc(),),
}
DEFAULT_SORT = "-start_time"


class CallSortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start_time", _("Newest first")),
            ("start_time", _("Oldest first")),
            ("-talk", _("Longest talk first")),
            ("talk", _("Shortest talk first")),
            ("csat", _("Lowest CSAT first")),
            ("-csat", _("Highest CSAT first")),
            ("agent", _("Agent name A–Z")),
            ("-agent", _("Agent name Z–A")),
        ],
    )

    def sort_key(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else None) or DEFAULT_SORT


def search_calls(request, calls):
    """The call list's search over `calls` (already scoped to the user): the filters, the sort,
    and the matching calls in order (none when a value is bad)."""
    filterset = CallFilter(request.GET, queryset=calls, request=request)
    sort_form = CallSortForm(request.GET)
    if filterset.is_valid() and sort_form.is_valid():
        ordered = filterset.qs.order_by(*CALL_SORTS[sort_form.sort_key()], "-pk")
    else:
        ordered = calls.none()
    return filterset, sort_form, ordered
