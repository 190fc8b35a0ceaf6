"""The `--week` option the coaching commands share: an ISO week, the last complete one by default."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from coaching.selectors.needs import last_complete_week, parse_week


def add_week_argument(parser) -> None:
    parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: last complete week).")


def week_start_of(week: str | None) -> dt.date:
    """The Monday of `--week`, or of the last complete week; a bad week is a usage error."""
    if not week:
        return last_complete_week()
    week_start = parse_week(week)
    if week_start is None:
        raise CommandError(f"--week {week!r}: use an ISO week of the years 2000–2100, like 2026-W47")
    return week_start
