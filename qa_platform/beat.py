"""Celery beat's scheduler, with the outbox behind it.

A scheduled task that beat cannot hand to the broker (Redis down at 04:00 on the 1st) would
otherwise be logged and skipped until its next due time, a month later for the month-end
reports. Here it is written to the outbox instead and sent by the sweep once the broker is back
(`CELERY_BEAT_SCHEDULER` in settings).
"""

from __future__ import annotations

import logging

from celery.beat import PersistentScheduler, SchedulingError
from django.db import close_old_connections

from . import jobs

logger = logging.getLogger(__name__)


class OutboxScheduler(PersistentScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        try:
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        except SchedulingError as exc:
            # The sweep itself is not kept: it is what empties the outbox, and the next minute's
            # run (or a worker's start) takes its place.
            if entry.task == jobs.SWEEP_TASK or entry.args:
                raise
            close_old_connections()  # beat lives long: never reuse a connection that broke
            job = jobs.keep_for_later(entry.task, kwargs=dict(entry.kwargs or {}), error=exc)
            logger.warning("beat: %s not sent, kept in the outbox (job %s): %s", entry.task, job.pk, exc)
            return None
