"""Months for reports: the month asked for, or the latest month that has scored evaluations
(pages open on a month with data, never on an empty current month)."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from monitoring.selectors import Period, month_or_none
from scoring.models import SCORED, Evaluation, Kind


def latest_scored_month() -> Period | None:
    """The month of the latest call with a scored (regular) evaluation; None when there is none."""
    latest = Evaluation.objects.filter(kind=Kind.REGULAR, status__in=SCORED).aggregate(m=Max("call__start_time"))["m"]
    if latest is None:
        return None
    day = timezone.localtime(latest).date()
    return Period(day.year, day.month)


def latest_month_with_data() -> Period:
    """The latest month with scored evaluations, else the current month."""
    if (period := latest_scored_month()) is not None:
        return period
    today = timezone.localdate()
    return Period(today.year, today.month)


def month_or_latest(value: str | None) -> Period:
    return month_or_none(value) or latest_month_with_data()


def months_back(period: Period, count: int) -> list[Period]:
    """`count` months ending with `period`, oldest first."""
    out = [period]
    while len(out) < count:
        out.insert(0, out[0].previous)
    return out
