"""`python manage.py run_sampling [--week 2026-W47] [--seed S]`: the weekly plan, synchronously.

The same service the Celery task runs (planning.services.plan.plan_week): tiers, agent quotas for the
week's calls, then the line top-up. Prints what it added and how long it took.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from planning.periods import last_complete_week, parse_iso_week
from planning.services.plan import plan_week


def parse_week(value: str) -> dt.date:
    week = parse_iso_week(value)
    if week is None:
        raise CommandError(f"--week {value!r}: use an ISO week of the years 2000–2100, like 2026-W47")
    return week


class Command(BaseCommand):
    help = "Sample and route the calls of a week (default: the last complete week), then top up small lines."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: last complete week).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (the same seed picks the same calls).")

    def handle(self, *args, week=None, seed=0, **options):
        week_start = parse_week(week) if week else last_complete_week()
        plan = plan_week(week_start=week_start, seed=seed)
        year, number, _ = week_start.isocalendar()
        a = plan.agents
        self.stdout.write(
            f"Week {year}-W{number:02d} ({week_start} to {week_start + dt.timedelta(days=6)}), seed {seed}"
        )
        self.stdout.write(f"  tiers computed          {plan.tiers:>8,}")
        self.stdout.write(f"  eligible calls          {a.eligible_calls:>8,}")
        self.stdout.write(f"  agents considered       {a.units:>8,}  (short of eligible calls: {a.units_short})")
        reasons = ", ".join(f"{str(k)} {v}" for k, v in sorted(a.by_reason.items()))
        roles = ", ".join(f"{str(k)} {v}" for k, v in sorted(a.by_role.items()))
        self.stdout.write(f"  agent-quota assignments {a.added:>8,}  ({reasons}; by role: {roles})")
        for report in plan.lines:
            self.stdout.write(
                f"  line top-up {report.period_start:%Y-%m}     {report.added:>8,}  "
                f"(lines short of calls: {report.units_short})"
            )
        unrouted = a.unrouted + sum(r.unrouted for r in plan.lines)
        if unrouted:
            self.stdout.write(self.style.WARNING(f"  not routed: {unrouted} picks (no evaluator with capacity)"))
        self.stdout.write(self.style.SUCCESS(f"Added {plan.added:,} assignments in {plan.seconds:.2f} s."))
