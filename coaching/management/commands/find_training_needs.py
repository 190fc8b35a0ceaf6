"""`python manage.py find_training_needs [--week 2026-W47]`: the weekly training-needs job,
synchronously (the same service the Celery task runs: coaching.services.needs.find_training_needs).
Idempotent: a rerun refreshes the week's open needs and keeps the ones already acted on."""

import datetime as dt

from django.core.management.base import BaseCommand

from coaching.models import GroupKind, TrainingNeed
from coaching.selectors.needs import week_label
from coaching.services.needs import find_training_needs

from ._week import add_week_argument, week_start_of


class Command(BaseCommand):
    help = "Flag the common and individual training needs of a week (default: the last complete week)."

    def add_arguments(self, parser):
        add_week_argument(parser)

    def handle(self, *args, week=None, **options):
        week_start = week_start_of(week)
        total = find_training_needs(week_start=week_start)
        needs = TrainingNeed.objects.filter(week_start=week_start)
        individual = needs.filter(group_kind=GroupKind.AGENT).count()
        self.stdout.write(
            f"Week {week_label(week_start)} ({week_start} to {week_start + dt.timedelta(days=6)}): "
            f"{total} needs, {total - individual} common to a group, {individual} individual"
        )
