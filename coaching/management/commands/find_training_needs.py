"""`python manage.py find_training_needs [--week 2026-W47]`: the weekly training-needs job,
synchronously (the same service the Celery task runs: coaching.services.needs.find_training_needs).
Idempotent: a rerun refreshes the week's open needs and keeps the ones already acted on."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coaching.models import GroupKind, TrainingNeed
from coaching.selectors.needs import last_complete_week, parse_week, week_label
from coaching.services.needs import find_training_needs


class Command(BaseCommand):
    help = "Flag the common and individual training needs of a week (default: the last complete week)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: last complete week).")

    def handle(self, *args, week=None, **options):
        if week:
            week_start = parse_week(week)
            if week_start is None:
                raise CommandError(f"--week {week!r}: use an ISO week of the years 2000–2100, like 2026-W47")
        else:
            week_start = last_complete_week()
        total = find_training_needs(week_start=week_start)
        needs = TrainingNeed.objects.filter(week_start=week_start)
        individual = needs.filter(group_kind=GroupKind.AGENT).count()
        self.stdout.write(
            f"Week {week_label(week_start)} ({week_start} to {week_start + dt.timedelta(days=6)}): "
            f"{total} needs, {total - individual} common to a group, {individual} individual"
        )
