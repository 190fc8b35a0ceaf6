"""`python manage.py award_badges [--week 2026-W47]`: the weekly recognition job, synchronously
(the same service the Celery task runs: coaching.services.recognition.award_badges). Idempotent:
a rerun of a week gives no second badge."""

import datetime as dt

from django.core.management.base import BaseCommand

from coaching.models import RecognitionPolicy
from coaching.selectors.needs import week_label
from coaching.services.recognition import award_badges

from ._week import add_week_argument, week_start_of


class Command(BaseCommand):
    help = "Award the recognition badges earned in a week (default: the last complete week)."

    def add_arguments(self, parser):
        add_week_argument(parser)

    def handle(self, *args, week=None, **options):
        week_start = week_start_of(week)
        if not RecognitionPolicy.current().enabled:
            self.stdout.write("Recognition is switched off in this center: no badges awarded.")
            return
        total = award_badges(week_start=week_start)
        self.stdout.write(
            f"Week {week_label(week_start)} ({week_start} to {week_start + dt.timedelta(days=6)}): {total} new badges"
        )
