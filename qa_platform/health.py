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


def check_broker(timeout: float | None = None) -> tuple[bool, str]:
    """One connection attempt that gives up after `timeout` seconds (settings.BROKER_TIMEOUT),
    whether the broker refuses it or accepts and never answers (a hung Redis)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "ok (no broker configured: tasks run in-process)"
    from qa_platform.celery import app

    timeout = settings.BROKER_TIMEOUT if timeout is None else timeout
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=0)
        return True, "ok (redis)"
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: check failed: %s", exc)
        return False, f"error: {exc.__class__.__name__}"  # details go to the log, not to anonymous callers
