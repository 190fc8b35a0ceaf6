"""Celery tasks of the project itself: the outbox sweep (qa_platform/jobs.py)."""

from celery import shared_task

from . import jobs


@shared_task(name=jobs.SWEEP_TASK)
def sweep_outbox(**kwargs) -> dict:
    """Send the jobs the broker could not take when they were asked for (beat: every minute)."""
    return jobs.outbox_sweep()
