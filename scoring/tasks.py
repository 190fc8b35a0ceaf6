"""Celery tasks for scoring: thin, they call a service."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from monitoring import sampling

from . import planning, services


@shared_task(name="scoring.send_feedback_reminders")
def send_feedback_reminders(**kwargs) -> int:
    """E-mail reminders for feedback due within the hour or overdue (each evaluation once)."""
    return services.feedback_reminders_send()


@shared_task(name="planning.sample_week", acks_late=True)
def sample_week(*, week: str | None = None, seed: int = 0, **kwargs) -> dict:
    """The weekly plan for `week` (ISO date of any day in it; default the last complete week).

    Safe to run twice or concurrently: runs of a week take the week's lock in turn."""
    week_start = dt.date.fromisoformat(week) if week else planning.last_complete_week()
    plan = planning.plan_week(week_start=week_start, seed=seed)
    return {
        "week_start": plan.week_start.isoformat(),
        "tiers": plan.tiers,
        "added": plan.added,
        "agents": plan.agents.as_dict(),
        "lines": [r.as_dict() for r in plan.lines],
    }


@shared_task(name="planning.topup_month", acks_late=True)
def topup_month(*, month: str | None = None, seed: int = 0, **kwargs) -> dict:
    """Final top-up of a month's small lines (default: the previous month)."""
    if month:
        first = dt.date.fromisoformat(f"{month}-01")
    else:
        first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start, end = sampling.month_bounds(first)
    report = sampling.topup_line_month(
        month_start=first,
        seed=seed,
        excluded_calls=planning.evaluated_calls(),
        done_by_line=planning.done_by_line(start, end),
    )
    return report.as_dict()
