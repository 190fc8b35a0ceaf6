"""Scoring's filter on the call search (monitoring.filters.CallFilter, page and API):
`evaluated`, whether the call has a regular evaluation — any status, a draft included, since a
call has at most one (`evaluation_one_regular_per_call`) and one being scored is taken.
Registered from ScoringConfig.ready(): monitoring, below scoring, cannot import it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from monitoring.filters import either_select, register_call_filter
from qa_platform.filters import StrictBooleanFilter

from .models import Evaluation, Kind


def filter_evaluated(queryset, name, value):
    regular = Exists(Evaluation.objects.filter(call=OuterRef("pk"), kind=Kind.REGULAR))
    return queryset.filter(regular if value else ~regular)


def register() -> None:
    register_call_filter(
        "evaluated",
        StrictBooleanFilter(
            method=filter_evaluated,
            label=_("Evaluated"),
            help_text=_("The call has a regular evaluation (any status, a draft included)."),
            widget=either_select(),
        ),
    )
