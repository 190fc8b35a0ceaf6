"""`python manage.py bench_analysis [--limit 200]`: how fast the audio analysis runs, as a
multiple of real time per CPU core, on the recordings in the database (the demo's after
`seed_demo`), and what a month of 1 M calls of 5 minutes would cost in core-hours.

CPU time (`time.process_time`, one process on one core) is what is measured, so the figure
does not depend on how busy the machine's other cores are. Reading the file from storage is
included; writing the result to the database is not (that is `analyze_calls`)."""

import time

from django.core.management.base import BaseCommand

from monitoring.analytics import audio
from monitoring.models import Call

MONTH_CALLS = 1_000_000
CALL_SECONDS = 300


class Command(BaseCommand):
    help = "Measure the audio analysis speed (× real time per core) and project the core-hours of 1 M 5-minute calls."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="How many recordings to analyse (default 200).")

    def handle(self, *args, limit: int, **options):
        calls = Call.objects.exclude(recording="").order_by("pk")[: max(1, limit)]
        audio_seconds = cpu = 0.0
        by_source: dict[str, int] = {}
        for call in calls:
            began = time.process_time()
            try:
                with call.recording.open("rb") as fh:
                    result = audio.analyze_recording(fh, transcript=call.transcript)
            except (ValueError, OSError, EOFError):
                continue
            cpu += time.process_time() - began
            audio_seconds += result.measures.duration
            by_source[result.source] = by_source.get(result.source, 0) + 1
        analysed = sum(by_source.values())
        if not analysed or cpu <= 0:
            self.stdout.write("No recording could be analysed (seed_demo first).")
            return
        speed = audio_seconds / cpu
        core_hours = MONTH_CALLS * CALL_SECONDS / speed / 3600
        sources = ", ".join(f"{n} from {source}" for source, n in sorted(by_source.items()))
        self.stdout.write(
            f"{analysed} recordings ({sources}), {audio_seconds:,.0f} s of audio in {cpu:.2f} s of CPU: "
            f"{speed:,.0f} × real time per core.\n"
            f"A month of {MONTH_CALLS:,} calls of {CALL_SECONDS // 60} minutes: {core_hours:,.1f} core-hours "
            f"({core_hours / 24 / 30:.2f} cores busy all month)."
        )
