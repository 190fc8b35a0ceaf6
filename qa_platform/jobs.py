"""Asking for a Celery task: after commit, never failing the request, never losing the job.

Every task the product asks for goes through here (README "Task queue and outages"):

* `enqueue(task, **kwargs)`: the usual way, from a service or an admin hook. The job is written
  to the outbox (`OutboxJob`) in the caller's transaction and handed to the broker once that
  transaction commits, then its row is deleted. A rolled-back transaction leaves no job. A
  broker that is down or hung (each connection gives up after settings.BROKER_TIMEOUT) leaves
  the row, and the request carries on.
* `send_now(task, **kwargs) -> Dispatch`: outside a transaction, when the caller wants to tell
  the user what became of the job (the reports page's "Generate now").
* `outbox_sweep()`: sends what the broker could not take. Celery beat runs it every minute
  (`qa_platform.sweep_outbox`) and each worker asks for it when it starts, so jobs recorded
  during an outage run once the broker is back.

Without a broker (no REDIS_URL: eager mode) there is no outbox: the task runs in this process,
after commit for `enqueue`.

Delivery is at least once: a job that reached the broker but whose row could not then be
deleted is sent again by a later sweep, so only idempotent tasks are enqueued (ours all are).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import logging
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .celery import app
from .models import OutboxJob

logger = logging.getLogger(__name__)

SWEEP_TASK = "qa_platform.sweep_outbox"
# The writer of a row has this long to send it before a sweep may: far longer than a send
# (a BROKER_TIMEOUT or two), so a job is not sent twice by its writer and a sweep.
LEASE = dt.timedelta(minutes=5)
SWEEP_BATCH = 500


class State(enum.StrEnum):
    RAN = "ran"  # eager mode: it ran in this process; `result` is what it returned
    QUEUED = "queued"  # the broker has it; a worker will run it
    OUTBOX = "outbox"  # the broker could not be reached: it runs once the broker is back


@dataclasses.dataclass(frozen=True)
class Dispatch:
    task: str
    state: State
    result: Any = None
    task_id: str | None = None


def enqueue(task: Task | str, /, **kwargs: Any) -> None:
    """Run `task(**kwargs)` in a worker once the current transaction commits (at once outside one)."""
    name = _checked(task, kwargs)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _run_here(name, kwargs))
        return
    job = OutboxJob.objects.create(task=name, kwargs=kwargs, available_at=timezone.now() + LEASE)
    # robust: whatever goes wrong after the commit, the row is there for the sweep.
    transaction.on_commit(lambda: _send_own(job), robust=True)


def send_now(task: Task | str, /, **kwargs: Any) -> Dispatch:
    """Hand `task(**kwargs)` to the broker now and say what became of it; never raises for a
    broker that is down. Call it outside a transaction: the worker must see committed data."""
    name = _checked(task, kwargs)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Dispatch(name, State.RAN, result=_run_here(name, kwargs))
    job = OutboxJob.objects.create(task=name, kwargs=kwargs, available_at=timezone.now() + LEASE)
    task_id = _send_own(job)
    return Dispatch(name, State.QUEUED, task_id=task_id) if task_id else Dispatch(name, State.OUTBOX)


def keep_for_later(task: Task | str, /, *, kwargs: dict | None = None, error: BaseException) -> OutboxJob:
    """Record a job that could not be sent (Celery beat's, qa_platform/beat.py), for the sweep."""
    kwargs = kwargs or {}
    name = _checked(task, kwargs)
    now = timezone.now()
    return OutboxJob.objects.create(
        task=name, kwargs=kwargs, available_at=now, attempts=1, last_attempt_at=now, last_error=_describe(error)
    )


def outbox_sweep(*, limit: int = SWEEP_BATCH) -> dict:
    """Send the outbox's jobs, oldest first, until the broker refuses one (the rest wait for the
    next sweep). Safe to run twice at once: each row is claimed before it is sent."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"sent": 0, "waiting": OutboxJob.objects.count()}  # no broker: rows wait for one
    sent = 0
    due = list(OutboxJob.objects.filter(available_at__lte=timezone.now()).order_by("pk")[:limit])
    if due:
        with app.connection_for_write() as connection:
            for job in due:
                if not _claim(job, held_until=job.available_at):
                    continue  # another sweep has it
                if _deliver(job, connection) is None:
                    break
                sent += 1
    waiting = OutboxJob.objects.count()
    if sent or waiting:
        logger.info("outbox: %s job(s) sent, %s waiting", sent, waiting)
    return {"sent": sent, "waiting": waiting}


def _checked(task: Task | str, kwargs: dict) -> str:
    # What the outbox and the broker can carry (JSON), checked at the call, in every mode: a
    # task that only fails to serialise in production is found by the unit tests.
    json.dumps(kwargs)
    return task if isinstance(task, str) else task.name


def _run_here(name: str, kwargs: dict) -> Any:
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[name].apply(kwargs=kwargs).get()


def _send_own(job: OutboxJob) -> str | None:
    """Send a job this process wrote (unless a sweep took it after its lease ran out)."""
    if not _claim(job, held_until=job.available_at):
        return None
    with app.connection_for_write() as connection:
        return _deliver(job, connection)


def _claim(job: OutboxJob, *, held_until: dt.datetime) -> bool:
    """Take the row for one sending attempt: only whoever finds it unchanged gets it."""
    claimed_until = timezone.now() + LEASE
    taken = OutboxJob.objects.filter(pk=job.pk, available_at=held_until).update(available_at=claimed_until) == 1
    if taken:
        job.available_at = claimed_until
    return taken


def _deliver(job: OutboxJob, connection) -> str | None:
    """Publish a claimed job once, no retries; the task id, or None with the row kept for a sweep."""
    try:
        result = app.send_task(job.task, kwargs=job.kwargs, connection=connection, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001 - whatever the broker did, the job waits in the outbox
        now = timezone.now()
        OutboxJob.objects.filter(pk=job.pk).update(
            attempts=F("attempts") + 1, last_attempt_at=now, last_error=_describe(exc), available_at=now
        )
        logger.warning("task %s not sent, kept in the outbox (job %s): %s", job.task, job.pk, _describe(exc))
        return None
    OutboxJob.objects.filter(pk=job.pk).delete()
    return result.id


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]
