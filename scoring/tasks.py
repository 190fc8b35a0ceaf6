"""Celery tasks for scoring: thin, they call a service."""

from celery import shared_task

from . import services


@shared_task(name="scoring.send_feedback_reminders")
def send_feedback_reminders(**kwargs) -> int:
    """E-mail reminders for feedback due within the hour or overdue (each evaluation once)."""
    return services.feedback_reminders_send()
