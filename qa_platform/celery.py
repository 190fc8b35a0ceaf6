"""Celery application.

Without REDIS_URL the settings switch tasks to eager mode, so the product runs in one process;
with REDIS_URL, a real worker consumes from Redis (`celery -A qa_platform worker`). Tasks are
asked for through qa_platform/jobs.py, which keeps what the broker cannot take in an outbox;
each worker asks for an outbox sweep when it starts, so what waited during an outage runs as
soon as the broker and a worker are back.
"""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_platform.settings")

logger = logging.getLogger(__name__)

app = Celery("qa_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def sweep_the_outbox_on_start(sender=None, **kwargs):
    from .jobs import SWEEP_TASK

    try:
        app.send_task(SWEEP_TASK, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001 - beat's next sweep does it instead
        logger.warning("could not ask for an outbox sweep at start: %s", exc)
