"""`python manage.py export_bonus --month 2026-11 --format csv|xlsx [--output FILE]`: the HR
export, the same file the page and the API give."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from monitoring.selectors import month_or_none
from reports import export


class Command(BaseCommand):
    help = "Write a month's HR export (per agent: QA figures, component scores, total, band, bonus multiplier)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", help="File to write (default: bonus-YYYY-MM.csv|xlsx here; '-' for standard output)."
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="Language of the column headings.")

    def handle(self, *args, month: str, format: str, output: str | None, language: str, **options):
        period = month_or_none(month)
        if period is None:
            raise CommandError(f"--month {month!r}: give the month as YYYY-MM, e.g. 2026-11.")
        with translation.override(language):
            table = export.bonus_export(period)
            content = export.render(table, format)
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        path = Path(output or export.filename(period, format))
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        state = "closed" if table.closed else "open, live figures"
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path}: {period.label} ({state}), {table.result_count} agents, "
                f"{table.adjustment_count} adjustments."
            )
        )
