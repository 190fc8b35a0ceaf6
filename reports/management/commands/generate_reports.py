"""`python manage.py generate_reports --month 2026-11 [--scope center|teams|agents|lines|all]
[--language en|zh-hans] [--day 2026-11-30] [--week 2026-W48]`: the month's PDF reports,
synchronously — the same service the month-end task runs (`reports.services.generate`). With
--day or --week it also writes that day's or week's summary. Prints what it wrote and how long it
took; a bad month, day, week or language is a clear error and a non-zero exit."""

from __future__ import annotations

import datetime as dt
import sys
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from monitoring.selectors import month_or_none
from planning.periods import parse_iso_week
from reports.models import ReportKind
from reports.services.generate import (
    MONTHLY_KINDS,
    daily_summary_generate,
    reports_generate,
    weekly_summary_generate,
)
from reports.tasks import previous_month

SCOPES = {
    "center": (ReportKind.CENTER,),
    "lines": (ReportKind.LINE,),
    "teams": (ReportKind.TEAM,),
    "agents": (ReportKind.AGENT,),
    "all": MONTHLY_KINDS,
}


class Command(BaseCommand):
    help = "Generate the month's PDF reports (agents, teams, lines of business, the center's QA analysis)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="Month, e.g. 2026-11 (default: the previous month).")
        parser.add_argument("--scope", choices=sorted(SCOPES), default="all", help="Which reports (default: all).")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"Report language: {', '.join(code for code, _name in settings.LANGUAGES)} (default {settings.LANGUAGE_CODE}).",
        )
        parser.add_argument("--day", help="Also write the daily summary of this day (YYYY-MM-DD).")
        parser.add_argument("--week", help="Also write the weekly summary of this ISO week (e.g. 2026-W48).")

    def handle(self, *args, month=None, scope="all", language=None, day=None, week=None, verbosity=1, **options):
        period = month_or_none(month) if month else previous_month()
        if period is None:
            raise CommandError(f"--month {month!r}: use a month like 2026-11 (years 2000–2100).")
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"--language {language!r}: use one of {', '.join(dict(settings.LANGUAGES))}.")
        summary_day = self._day(day) if day else None
        week_start = self._week(week) if week else None

        started = time.monotonic()
        try:
            reports = reports_generate(
                month=period, kinds=SCOPES[scope], language=language, progress=self._progress(verbosity)
            )
            if summary_day:
                reports.append(daily_summary_generate(day=summary_day, language=language))
            if week_start:
                reports.append(weekly_summary_generate(week_start=week_start, language=language))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        elapsed = time.monotonic() - started

        if verbosity:
            counts: dict[str, int] = {}
            for r in reports:
                counts[r.get_kind_display()] = counts.get(r.get_kind_display(), 0) + 1
            width = max((len(k) for k in counts), default=0)
            for kind, n in counts.items():
                self.stdout.write(f"  {kind:<{width}}  {n:>6,}")
            if verbosity > 1:
                for r in reports:
                    self.stdout.write(f"    {r.file.name}  ({r.size:,} bytes)")
            total = sum(r.size for r in reports)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {len(reports):,} reports for {period.label} ({language}, {total / 1024:,.0f} KiB) "
                    f"in {elapsed:.1f} s."
                )
            )

    def _day(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--day {value!r}: use a date like 2026-11-30.") from None

    def _week(self, value: str) -> dt.date:
        week = parse_iso_week(value)
        if week is None:
            raise CommandError(f"--week {value!r}: use an ISO week of the years 2000–2100, like 2026-W48.")
        return week

    def _progress(self, verbosity: int):
        stream = getattr(self.stderr, "_out", sys.stderr)
        disable = verbosity == 0 or not (hasattr(stream, "isatty") and stream.isatty())

        def factory(total: int, desc: str):
            return tqdm(total=total, desc=desc, unit=" reports", file=stream, disable=disable, leave=False)

        return factory
