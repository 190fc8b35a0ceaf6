"""`python manage.py analyze_calls [--since DATE] [--line CODE] [--again]`: the automatic QA
analysis for a backfill, synchronously, with a progress bar (monitoring/services_analytics.py).
By default only calls not analysed yet (or by an older version of the analysis); `--again`
analyses every matching call once more. Idempotent."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from monitoring.models import Call, LineOfBusiness
from monitoring.services_analytics import ANALYSIS_VERSION, BATCH, analysable, analyze_calls


class Command(BaseCommand):
    help = "Analyse calls with a recording or a transcript: audio measures and phrase rules, with evidence."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only calls that started on or after this date (YYYY-MM-DD).")
        parser.add_argument("--line", help="Only calls of this line of business (its code).")
        parser.add_argument("--again", action="store_true", help="Analyse calls already analysed too.")

    def handle(self, *args, since=None, line=None, again=False, verbosity=1, **options):
        calls = analysable(Call.objects.all())
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since {since!r}: use a date like 2026-11-01") from None
            calls = calls.filter(start_time__gte=timezone.make_aware(dt.datetime.combine(day, dt.time.min)))
        if line:
            if not LineOfBusiness.objects.filter(code=line).exists():
                raise CommandError(f"--line {line!r}: no line of business has this code")
            calls = calls.filter(line_of_business__code=line)
        if not again:
            calls = calls.filter(Q(analysis__isnull=True) | Q(analysis__version__lt=ANALYSIS_VERSION))
        ids = list(calls.order_by("pk").values_list("pk", flat=True))
        totals: dict[str, int] = {}
        with tqdm(
            total=len(ids), unit=" calls", disable=verbosity == 0 or not self.stderr.isatty(), file=self.stderr
        ) as bar:
            for i in range(0, len(ids), BATCH):
                for status, n in analyze_calls(ids[i : i + BATCH]).items():
                    totals[status] = totals.get(status, 0) + n
                bar.update(len(ids[i : i + BATCH]))
        summary = ", ".join(f"{n} {status}" for status, n in sorted(totals.items()) if n) or "nothing to analyse"
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} calls: {summary}."))
