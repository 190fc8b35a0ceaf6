"""Celery tasks for scoring: thin, they call a service."""

from celery import shared_task

from . import services


# Not acks_late: run again after a crash it could mail twice; the next run (15 min) mails what it missed.
@shared_task(name="scoring.send_feedback_reminders")
def send_feedback_reminders(**kwargs) -> int:
    """E-mail reminders for feedback due within the hour or overdue (each evaluation once)."""
    return services.feedback_reminders_send()


@shared_task(name="scoring.propose_calibration_sessions")
def propose_calibration_sessions(week: str | None = None, **kwargs) -> int:
    """Monday: one proposed calibration session per line of business from last week's calls
    (idempotent; off when the calibration policy says so). `week` is an ISO date in the week."""
    import datetime as dt

    from django.utils import timezone

    from .models import CalibrationPolicy

    if week is None and not CalibrationPolicy.current().weekly_proposals:
        return 0
    day = dt.date.fromisoformat(week) if week else timezone.localdate() - dt.timedelta(days=7)
    return len(services.calibration_propose_week(week_start=day))
