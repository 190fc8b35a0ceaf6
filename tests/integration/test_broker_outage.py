"""The broker goes away and comes back (DESIGN.md §7: "A task is enqueued after commit and never
lost when the broker is down").

The Redis here is this test's own (tests/integration/processes.py), stopped, hung and started
again; the web side is this process (Django's test client on the test database), the worker a
real Celery process on that database and that Redis.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from monitoring.models import Call, Shift
from qa_platform import jobs
from qa_platform.models import OutboxJob
from tests.factories import AgentFactory, CallFactory, ShiftFactory

from .processes import Worker, own_redis_or_skip, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def redis(settings):
    own = own_redis_or_skip()
    # The broker only: this process's result backend is made once and kept by Celery, and the
    # rest of the suite reads results from the shared Redis (nothing here reads a result).
    settings.CELERY_BROKER_URL = own.url
    yield own
    own.stop()


@pytest.fixture
def worker(redis, settings, tmp_path):
    started = Worker(redis_url=redis.url, queue=settings.CELERY_TASK_DEFAULT_QUEUE, log=tmp_path / "worker.log")
    yield started
    started.stop()


@pytest.fixture
def evening_call():
    """A call at 21:00 in Shanghai, outside the only shift (08:00–20:00), so it has none."""
    ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20))
    return CallFactory(agent=AgentFactory(), start_time=dt.datetime(2026, 11, 20, 21, tzinfo=SHANGHAI), shift=None)


def _lengthen_the_day_shift(client, until: str):
    day = Shift.objects.get(code="day")
    form = {"code": "day", "name": "Day", "start": "08:00", "end": until, "priority": 0, "_save": "Save"}
    started = time.monotonic()
    response = client.post(reverse("admin:monitoring_shift_change", args=[day.pk]), form)
    return response, time.monotonic() - started


def _shift_of(call) -> str | None:
    shift = Call.objects.select_related("shift").get(pk=call.pk).shift
    return shift.code if shift else None


def test_a_shift_saved_while_the_broker_is_down_is_rederived_once_it_is_back(admin_client, redis, worker, evening_call):
    redis.stop()

    response, seconds = _lengthen_the_day_shift(admin_client, until="22:00")

    # The save answers at once, as usual, and is committed.
    assert response.status_code == 302, response.content[:500]
    assert seconds < 3, f"the save took {seconds:.1f}s"
    assert Shift.objects.get(code="day").end == dt.time(22)
    # The re-derivation could not be queued: it waits in the outbox, not run, not lost.
    job = OutboxJob.objects.get()
    assert job.task == "monitoring.rederive_shifts"
    assert job.attempts == 1 and "OperationalError" in job.last_error
    assert _shift_of(evening_call) is None

    # The broker and a worker come back: the worker asks for a sweep as it starts, the sweep
    # sends the job, the worker runs it.
    redis.start()
    worker.start()

    wait_until(
        lambda: _shift_of(evening_call) == "day", timeout=30, what=lambda: f"the re-derivation:\n{worker.log_tail()}"
    )
    wait_until(lambda: not OutboxJob.objects.exists(), timeout=10, what="the outbox to empty")
    assert worker.text().count("Task monitoring.rederive_shifts[") >= 1


def test_a_worker_that_lived_through_the_outage_runs_what_the_sweep_sends(admin_client, redis, worker, evening_call):
    worker.start()
    redis.stop()

    response, seconds = _lengthen_the_day_shift(admin_client, until="22:00")

    assert response.status_code == 302 and seconds < 3
    assert OutboxJob.objects.filter(task="monitoring.rederive_shifts").count() == 1

    redis.start()
    # What beat's "outbox-sweep" runs every minute, here at once. The worker reconnects by itself.
    assert jobs.outbox_sweep() == {"sent": 1, "waiting": 0}

    wait_until(
        lambda: _shift_of(evening_call) == "day", timeout=30, what=lambda: f"the re-derivation:\n{worker.log_tail()}"
    )


@pytest.mark.parametrize("outage", ["hung", "stopped"])
def test_healthz_answers_503_within_3_seconds_when_the_broker_does_not_answer(client, redis, outage):
    assert client.get("/healthz").status_code == 200
    redis.hang() if outage == "hung" else redis.stop()
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        seconds = time.monotonic() - started
    finally:
        redis.resume() if outage == "hung" else redis.start()

    assert response.status_code == 503
    assert seconds < 3, f"/healthz took {seconds:.1f}s"
    body = response.json()
    assert body["database"] == "ok (postgresql)" and body["broker"].startswith("error: ")
    # And it is well again as soon as the broker is.
    assert client.get("/healthz").status_code == 200


def test_an_admin_save_with_the_broker_hung_is_quick_too(admin_client, redis, evening_call):
    redis.hang()
    try:
        response, seconds = _lengthen_the_day_shift(admin_client, until="22:00")
    finally:
        redis.resume()

    assert response.status_code == 302 and seconds < 3, f"{response.status_code} after {seconds:.1f}s"
    assert OutboxJob.objects.get().task == "monitoring.rederive_shifts"
