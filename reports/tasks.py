"""Celery tasks of the reports: thin, they parse their arguments and call `services.generate`.

Names are fixed (beat and other tools rely on them): reports.generate_month (1st of the month,
04:00, for the previous month), reports.daily_summary (06:30, yesterday), reports.weekly_summary
(Mondays 06:45, the week that just ended). Regenerating replaces a report, so a redelivered
task (acks_late) only writes the same reports again.
"""

from __future__ import annotations

import datetime as dt
import time

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from monitoring.selectors import Period, month_or_none
from planning.periods import last_complete_week

from .services.generate import MONTHLY_KINDS, daily_summary_generate, reports_generate, weekly_summary_generate


def previous_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.year, today.month).previous


def _user(by: int | None):
    return get_user_model().objects.filter(pk=by).first() if by else None


@shared_task(name="reports.generate_month", acks_late=True, reject_on_worker_lost=True)
def generate_month(
    *,
    month: str | None = None,
    kinds: list[str] | None = None,
    language: str | None = None,
    by: int | None = None,
    **kwargs,
) -> dict:
    """The month's PDF reports (default: the previous month), by user id `by` if given."""
    period = month_or_none(month) if month else previous_month()
    if period is None:
        raise ValueError(f"month {month!r}: use a month like 2026-11")
    started = time.monotonic()
    reports = reports_generate(month=period, kinds=kinds or MONTHLY_KINDS, language=language, by=_user(by))
    return {"month": period.label, "reports": len(reports), "seconds": round(time.monotonic() - started, 2)}


@shared_task(name="reports.daily_summary", acks_late=True, reject_on_worker_lost=True)
def daily_summary(*, day: str | None = None, language: str | None = None, by: int | None = None, **kwargs) -> dict:
    """The daily summary of `day` (ISO date; default yesterday)."""
    when = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    report = daily_summary_generate(day=when, language=language, by=_user(by))
    return {"day": when.isoformat(), "report": report.pk}


@shared_task(name="reports.weekly_summary", acks_late=True, reject_on_worker_lost=True)
def weekly_summary(*, week: str | None = None, language: str | None = None, by: int | None = None, **kwargs) -> dict:
    """The weekly summary of the week containing `week` (ISO date; default the last complete week)."""
    week_start = dt.date.fromisoformat(week) if week else last_complete_week()
    report = weekly_summary_generate(week_start=week_start, language=language, by=_user(by))
    return {"week_start": report.period_start.isoformat(), "report": report.pk}
