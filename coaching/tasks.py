"""Celery tasks of the coaching app: thin, each calls a service. Scheduled in
qa_platform/settings.py (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .models import TrainingNeedPolicy
from .selectors.needs import last_complete_week
from .services import needs, plans, recognition, reviews


# Not acks_late: the reminder is claimed with reminded_at in the same transaction, and a run
# after a crash marks and mails what the last one missed.
@shared_task(name="coaching.mark_overdue_plans")
def mark_overdue_plans(**kwargs) -> int:
    """Daily: unfinished plans past their deadline → overdue; their owners and the agents'
    supervisors are e-mailed once."""
    return plans.mark_overdue_plans()


@shared_task(name="coaching.find_training_needs")
def find_training_needs(week: str | None = None, **kwargs) -> int:
    """Monday: the training needs of the week that just ended (idempotent; off when the policy's
    `weekly_job` is). `week` is an ISO date in the week, to run another one."""
    if week is None and not TrainingNeedPolicy.current().weekly_job:
        return 0
    day = dt.date.fromisoformat(week) if week else last_complete_week()
    return needs.find_training_needs(week_start=day - dt.timedelta(days=day.weekday()))


# Not acks_late: run again after a crash it could mail twice; each review and step is reminded once.
@shared_task(name="coaching.send_review_reminders")
def send_review_reminders(**kwargs) -> int:
    """Daily: e-mail reviewers about reviews and next steps due within a week or overdue (once each)."""
    return reviews.review_reminders_send()


@shared_task(name="coaching.award_badges")
def award_badges(week: str | None = None, **kwargs) -> int:
    """Monday: the recognition badges earned in the week that just ended (idempotent; nothing while
    recognition is switched off). `week` is an ISO date in the week, to run another one."""
    day = dt.date.fromisoformat(week) if week else last_complete_week()
    return recognition.award_badges(week_start=day - dt.timedelta(days=day.weekday()))
