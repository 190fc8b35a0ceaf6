"""Asking for background work (qa_platform/jobs.py): after commit, never failing the request,
never losing the job when the broker is down.

The broker here is either none (eager, the unit default), an unreachable Redis (port 1), or
kombu's in-memory transport standing in for a broker that is back; the integration suite does
the same against a real Redis stopped and started (tests/integration/test_broker_outage.py).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from celery.beat import ScheduleEntry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Call, Shift
from monitoring.tasks import rederive_shifts
from qa_platform import jobs
from qa_platform.beat import OutboxScheduler
from qa_platform.celery import app, sweep_the_outbox_on_start
from qa_platform.models import OutboxJob
from reports.models import GeneratedReport
from tests.factories import AgentFactory, CallFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DOWN
    return settings


@pytest.fixture
def broker_up(settings):
    """A broker that takes messages: kombu's in-memory transport; `sent()` reads them back."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    sent()
    yield settings
    sent()


def sent() -> list[tuple[str, dict]]:
    """(task, kwargs) of each message the in-memory broker holds, taken off the queue."""
    from django.conf import settings

    got = []
    with app.connection_for_write() as conn, conn.SimpleQueue(settings.CELERY_TASK_DEFAULT_QUEUE) as queue:
        while queue.qsize():
            message = queue.get(timeout=1)
            got.append((message.headers["task"], message.payload[1]))
            message.ack()
    return got


@pytest.fixture
def evening_call():
    """A call at 21:00 in Shanghai, outside the only shift (08:00–20:00)."""
    ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20))
    when = dt.datetime(2026, 11, 20, 21, tzinfo=ZoneInfo("Asia/Shanghai"))
    return CallFactory(agent=AgentFactory(), start_time=when, shift=None)


def _save_the_day_shift_until_22(client):
    day = Shift.objects.get(code="day")
    form = {"code": "day", "name": "Day", "start": "08:00", "end": "22:00", "priority": 0, "_save": "Save"}
    return client.post(reverse("admin:monitoring_shift_change", args=[day.pk]), form)


def _shift_of(call) -> str | None:
    call = Call.objects.select_related("shift").get(pk=call.pk)
    return call.shift.code if call.shift else None


# --- after commit ------------------------------------------------------------------------------


def test_saving_a_shift_rederives_the_calls_once_the_save_is_committed(
    admin_client, evening_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        response = _save_the_day_shift_until_22(admin_client)
        assert _shift_of(evening_call) is None  # not while the save is uncommitted

    assert response.status_code == 302
    assert len(after_commit) == 1
    after_commit[0]()
    assert _shift_of(evening_call) == "day"


def test_a_rolled_back_transaction_asks_for_nothing(broker_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(rederive_shifts)
            raise RuntimeError("the save failed")

    assert after_commit == []
    assert not OutboxJob.objects.exists()
    assert sent() == []


def test_arguments_the_queue_cannot_carry_are_refused_at_the_call_even_without_a_broker():
    with pytest.raises(TypeError):
        jobs.enqueue(rederive_shifts, since=dt.datetime(2026, 11, 1))


# --- the broker is up -------------------------------------------------------------------------


def test_a_job_is_sent_after_commit_and_leaves_no_outbox_row(broker_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(rederive_shifts, since="2026-11-01")
        assert OutboxJob.objects.count() == 1  # written with the transaction

    assert sent() == [("monitoring.rederive_shifts", {"since": "2026-11-01"})]
    assert not OutboxJob.objects.exists()


# --- the broker is down -----------------------------------------------------------------------


def test_a_shift_saved_while_the_broker_is_down_is_saved_and_its_rederivation_kept(
    broker_down, admin_client, evening_call, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _save_the_day_shift_until_22(admin_client)

    assert response.status_code == 302
    assert time.monotonic() - started < 3
    assert Shift.objects.get(code="day").end == dt.time(22)
    job = OutboxJob.objects.get()
    assert (job.task, job.kwargs, job.attempts) == ("monitoring.rederive_shifts", {}, 1)
    assert job.last_error.startswith("OperationalError") and job.last_attempt_at is not None
    assert job.available_at <= job.last_attempt_at  # a sweep may take it at once
    assert _shift_of(evening_call) is None  # nothing ran in the request


def test_the_sweep_sends_what_waited_once_the_broker_is_back(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(rederive_shifts)
        jobs.enqueue("reports.generate_month", month="2026-11")
    assert OutboxJob.objects.count() == 2

    broker_down.CELERY_BROKER_URL = "memory://"
    sent()
    assert jobs.outbox_sweep() == {"sent": 2, "waiting": 0}

    assert sent() == [("monitoring.rederive_shifts", {}), ("reports.generate_month", {"month": "2026-11"})]
    assert not OutboxJob.objects.exists()
    assert jobs.outbox_sweep() == {"sent": 0, "waiting": 0}  # and nothing twice


def test_a_sweep_while_the_broker_is_still_down_stops_at_the_first_refusal(broker_down):
    first = OutboxJob.objects.create(task="monitoring.rederive_shifts")
    second = OutboxJob.objects.create(task="reports.daily_summary")

    assert jobs.outbox_sweep() == {"sent": 0, "waiting": 2}

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == 1 and "OperationalError" in first.last_error
    assert second.attempts == 0  # not tried: one refusal is enough to know


def test_the_sweep_leaves_a_job_its_writer_is_still_sending(broker_up):
    OutboxJob.objects.create(task="monitoring.rederive_shifts", available_at=timezone.now() + jobs.LEASE)

    assert jobs.outbox_sweep() == {"sent": 0, "waiting": 1}
    assert sent() == []


def test_the_sweep_runs_as_a_task_every_minute_and_when_a_worker_starts(settings, broker_up):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"] == {"task": "qa_platform.sweep_outbox", "schedule": 60}
    app.autodiscover_tasks(force=True)  # what a worker does as it starts
    assert app.tasks["qa_platform.sweep_outbox"].name == jobs.SWEEP_TASK

    sweep_the_outbox_on_start(sender=None)

    assert sent() == [("qa_platform.sweep_outbox", {})]


# --- the reports page's "Generate now" -------------------------------------------------------


def test_generating_reports_while_the_broker_is_down_queues_them_and_says_so(broker_down, client):
    client.force_login(UserFactory(roles=["manager"]))

    started = time.monotonic()
    response = client.post(reverse("report-generate"), {"month": "2026-11", "language": "en"}, follow=True)

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert "The task queue is not answering" in response.content.decode()
    job = OutboxJob.objects.get()
    assert job.task == "reports.generate_month" and job.kwargs["month"] == "2026-11"
    assert not GeneratedReport.objects.exists()  # not generated in the request


def test_generating_reports_with_the_broker_up_says_they_are_on_their_way(broker_up, client):
    client.force_login(UserFactory(roles=["manager"]))

    response = client.post(reverse("report-generate"), {"month": "2026-11", "language": "en"}, follow=True)

    assert "are being generated" in response.content.decode()
    ((task, kwargs),) = sent()
    assert task == "reports.generate_month" and kwargs["month"] == "2026-11"
    assert not OutboxJob.objects.exists()


# --- Celery beat ------------------------------------------------------------------------------


def test_a_scheduled_task_beat_cannot_send_waits_in_the_outbox(broker_down, tmp_path):
    scheduler = OutboxScheduler(app=app, schedule_filename=str(tmp_path / "beat"), lazy=True)
    entry = ScheduleEntry(name="monthly-reports", task="reports.generate_month", schedule=60, app=app)

    with app.connection_for_write() as conn:
        scheduler.apply_async(entry, producer=app.amqp.Producer(conn), advance=False)

    job = OutboxJob.objects.get()
    assert job.task == "reports.generate_month" and job.attempts == 1


# --- which tasks a dead worker's replacement runs again ---------------------------------------


def test_only_the_idempotent_tasks_are_acknowledged_late_and_run_again_when_their_worker_dies():
    app.autodiscover_tasks(force=True)
    late = {
        name
        for name, task in app.tasks.items()
        if not name.startswith("celery.") and task.acks_late and task.reject_on_worker_lost
    }
    assert late == {
        "monitoring.analyze_calls",
        "monitoring.import_calls_file",
        "monitoring.rederive_shifts",
        "planning.sample_week",
        "planning.topup_month",
        "reports.generate_month",
        "reports.daily_summary",
        "reports.weekly_summary",
    }
