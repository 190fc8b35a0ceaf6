"""Celery tasks for scoring: thin, they call a service."""

from celery import shared_task

from . import services


# Not acks_late: run again after a crash it could mail twice; the next run (15 min) mails what it missed.
@shared_task(name="scoring.send_feedback_reminders")
def send_feedback_reminders(**kwargs) -> int:
    """E-mail reminders for feedback due within the hour or overdue (each evaluation once)."""
    return services.feedback_reminders_send()
