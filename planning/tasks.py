"""Celery tasks of the monitoring plan: thin, they parse their arguments and call a service.

Names are fixed (beat and other tools rely on them): planning.sample_week,
planning.topup_month, planning.overdue_reminders.
"""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .periods import last_complete_week
from .services import assignments, plan, topup


@shared_task(name="planning.sample_week", acks_late=True, reject_on_worker_lost=True)
def sample_week(*, week: str | None = None, seed: int = 0, **kwargs) -> dict:
    """The weekly plan for `week` (ISO date of any day in it; default the last complete week).

    Safe to run twice or concurrently: runs of a week take the week's lock in turn."""
    week_start = dt.date.fromisoformat(week) if week else last_complete_week()
    result = plan.plan_week(week_start=week_start, seed=seed)
    return {
        "week_start": result.week_start.isoformat(),
        "tiers": result.tiers,
        "added": result.added,
        "agents": result.agents.as_dict(),
        "lines": [r.as_dict() for r in result.lines],
    }


@shared_task(name="planning.topup_month", acks_late=True, reject_on_worker_lost=True)
def topup_month(*, month: str | None = None, seed: int = 0, **kwargs) -> dict:
    """Final top-up of a month's small lines (default: the previous month)."""
    if month:
        first = dt.date.fromisoformat(f"{month}-01")
    else:
        first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return topup.topup_line_month(month_start=first, seed=seed).as_dict()


# Not acks_late: run again after a crash it could mail twice; tomorrow's run mails what it missed.
@shared_task(name="planning.overdue_reminders")
def overdue_reminders(**kwargs) -> int:
    """E-mail evaluators about their overdue assignments (once a day at most)."""
    return assignments.assignments_overdue_remind()
