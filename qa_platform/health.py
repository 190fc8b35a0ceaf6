"""Health probes for /healthz: the database and the Celery broker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, f"ok ({connection.vendor})"
    except Exception as exc:  # noqa: BLE001 - any failure is "down", reported as text
        logger.warning("healthz: check failed: %s", exc)
        return False, f"error: {exc.__class__.__name__}"  # details go to the log, not to anonymous callers


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "ok (no broker configured: tasks run in-process)"
    from qa_platform.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return True, "ok (redis)"
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: check failed: %s", exc)
        return False, f"error: {exc.__class__.__name__}"  # details go to the log, not to anonymous callers
