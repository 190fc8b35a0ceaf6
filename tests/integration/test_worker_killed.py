"""A worker killed in the middle of the weekly sampling (`planning.sample_week`, acks_late with
reject_on_worker_lost): the task is handed out again and completed once, with no assignment twice.

To kill it at a known point without a test hook in the product, the test holds the row locks of
the week's line top-up months (the `SamplingRun` rows a run locks before it draws, as a
concurrent run would hold them). The task refreshes the tiers, commits them, opens the agent
quotas' transaction and waits on those locks: the worker is killed there, mid-run. Then the
locks are let go and the task must do the whole job exactly as one run would.

The Redis is this test's own (tests/integration/processes.py): a short visibility timeout on a
shared Redis would hand other people's running tasks out again.
"""

from __future__ import annotations

import io
import os
import re
import signal
from collections import Counter
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from monitoring.models import Assignment, AssignmentReason
from planning.models import SamplingKind, SamplingRun
from planning.services import plan as plan_svc
from planning.tasks import sample_week
from qa_platform import jobs

from .conftest import _database_url
from .processes import Worker, own_redis_or_skip, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEED = 11
VISIBILITY_TIMEOUT = 4  # seconds, for these tests only (README: 1 hour in production)


@pytest.fixture
def redis(settings):
    own = own_redis_or_skip()
    # The broker only: this process's result backend is made once and kept by Celery, and the
    # rest of the suite reads results from the shared Redis (nothing here reads a result).
    settings.CELERY_BROKER_URL = own.url
    yield own
    own.stop()


@pytest.fixture
def week():
    call_command("seed_demo", agents=16, weeks=2, calls_per_agent_week=15, seed=5, stdout=io.StringIO())
    # seed_demo planned its last week: start that week's assignments again from nothing, its
    # SamplingRun rows (the locks) kept.
    Assignment.objects.all().delete()
    return SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start


@pytest.fixture
def workers(redis, settings, tmp_path):
    started: list[Worker] = []

    def start(**env) -> Worker:
        worker = Worker(
            redis_url=redis.url,
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            log=tmp_path / f"worker-{len(started)}.log",
            env={k: str(v) for k, v in env.items()},
        )
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


@contextmanager
def top_up_locked():
    """Hold the line top-up rows' locks from a connection of our own, as a concurrent run would."""
    from django.conf import settings

    with psycopg.connect(_database_url(settings.DATABASES["default"])) as other:
        other.execute(
            f"SELECT id FROM {SamplingRun._meta.db_table} WHERE kind = %s FOR UPDATE", [SamplingKind.LINE_MONTH]
        )
        yield
        other.rollback()


def _waiting_on_the_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            [f"%{SamplingRun._meta.db_table}%"],
        )
        return cursor.fetchone()[0]


def _runs_by_kind() -> dict[str, int]:
    totals: Counter = Counter()
    for kind, runs in SamplingRun.objects.values_list("kind", "runs"):
        totals[kind] += runs
    return dict(totals)


def _signature() -> set[tuple]:
    return set(Assignment.objects.values_list("call_id", "evaluator_id", "evaluator_role", "reason"))


def _succeeded(worker: Worker, task_id: str) -> int:
    return len(re.findall(rf"Task planning\.sample_week\[{task_id}\] succeeded", worker.text()))


def _assert_each_call_assigned_once() -> None:
    primaries = Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING)
    assert not primaries.values("call").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not Assignment.objects.values("call", "evaluator").annotate(n=Count("pk")).filter(n__gt=1).exists()


def _assert_it_is_what_one_run_makes(week) -> None:
    after_the_crash = _signature()
    Assignment.objects.all().delete()
    SamplingRun.objects.all().delete()
    alone = plan_svc.plan_week(week_start=week, seed=SEED)
    assert alone.added == len(after_the_crash)
    assert _signature() == after_the_crash


def test_a_task_whose_worker_was_killed_runs_again_on_the_next_worker_once(redis, workers, week):
    first = workers(CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    runs_before = _runs_by_kind()

    with top_up_locked():
        dispatch = jobs.send_now(sample_week, week=week.isoformat(), seed=SEED)
        assert dispatch.state == jobs.State.QUEUED
        wait_until(_waiting_on_the_lock, timeout=60, what=lambda: f"the task to be under way:\n{first.log_tail()}")
        assert redis.command("HLEN", "unacked") == "1"  # taken, not acknowledged
        first.kill()
    assert not Assignment.objects.exists()  # the killed run's transaction is rolled back

    second = workers(CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)

    # After the visibility timeout the broker hands the task out again, to the new worker.
    wait_until(
        lambda: _succeeded(second, dispatch.task_id), timeout=60, what=lambda: f"redelivery:\n{second.log_tail()}"
    )
    assert f"planning.sample_week[{dispatch.task_id}] received" in first.text()
    assert _succeeded(first, dispatch.task_id) == 0 and _succeeded(second, dispatch.task_id) == 1
    # Acknowledged (by the worker, just after its pool process logged the success).
    wait_until(lambda: redis.command("HLEN", "unacked") == "0", timeout=10, what="the acknowledgement")
    _assert_each_call_assigned_once()
    # One run's worth counted: the week's agent quotas once, each month's top-up once.
    runs_after = _runs_by_kind()
    assert runs_after[SamplingKind.AGENT_WEEK] == runs_before[SamplingKind.AGENT_WEEK] + 1
    months = SamplingRun.objects.filter(kind=SamplingKind.LINE_MONTH).count()
    assert runs_after[SamplingKind.LINE_MONTH] == runs_before[SamplingKind.LINE_MONTH] + months
    _assert_it_is_what_one_run_makes(week)


def test_a_task_whose_pool_process_was_killed_runs_again_at_once(workers, week):
    # The production visibility timeout: whatever brings the task back, it is not that.
    worker = workers()

    with top_up_locked():
        dispatch = jobs.send_now(sample_week, week=week.isoformat(), seed=SEED)
        wait_until(_waiting_on_the_lock, timeout=60, what=lambda: f"the task to be under way:\n{worker.log_tail()}")
        (pool_process,) = worker.pool_pids()
        os.kill(pool_process, signal.SIGKILL)
        # reject_on_worker_lost: the worker puts the task back, a new pool process takes it and
        # waits on the same lock (beside the dead process's session, still queued for it).
        wait_until(lambda: _waiting_on_the_lock() >= 2, timeout=30, what=lambda: f"the retry:\n{worker.log_tail()}")

    wait_until(
        lambda: _succeeded(worker, dispatch.task_id), timeout=60, what=lambda: f"the retry:\n{worker.log_tail()}"
    )
    assert "WorkerLostError" in worker.text()
    assert _succeeded(worker, dispatch.task_id) == 1
    _assert_each_call_assigned_once()
    _assert_it_is_what_one_run_makes(week)
