"""Weeks and months of the monitoring plan, in the center's time zone (DESIGN.md §3).

The one week parser and the one set of period bounds: pages, API, command, sampler and
progress all use these. A week is the ISO week, Monday 00:00 to the next Monday 00:00; a month
is `monitoring.selectors.Period`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from monitoring.selectors import Period, month_or_none

ISO_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # weeks outside these years are refused (no date overflow at the edges)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    return start, start + dt.timedelta(days=7)


def month_bounds(month_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    period = Period(month_start.year, month_start.month)
    return period.start, period.end


def months_of_week(week_start: dt.date) -> list[dt.date]:
    """The first day of each month the week [week_start, +7 days) touches, in order."""
    return sorted({week_start.replace(day=1), (week_start + dt.timedelta(days=6)).replace(day=1)})


def parse_iso_week(value: str | None) -> dt.date | None:
    """'2026-W46' → the Monday of that ISO week; None when blank, malformed, not a week of that
    year, or outside the years 2000–2100. The one week parser (pages, API, command)."""
    match = ISO_WEEK_RE.match(value or "")
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


# Kept under the name the progress pages have always used.
parse_week = parse_iso_week


def week_label(week_start: dt.date) -> str:
    year, week, _day = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def month_of_week(week_start: dt.date) -> Period:
    """The month a week belongs to: its Thursday's (the ISO rule for years, applied to months)."""
    thursday = week_start + dt.timedelta(days=3)
    return Period(thursday.year, thursday.month)


def parse_month(value: str | None) -> Period | None:
    return month_or_none(value)


def last_complete_week(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return monday(today) - dt.timedelta(weeks=1)


def elapsed_share(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> float:
    """How much of [start, end] has passed at `now`, clamped to 0..1."""
    if end <= start:
        return 1.0 if now >= end else 0.0
    return min(1.0, max(0.0, (now - start) / (end - start)))
