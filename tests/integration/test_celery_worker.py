"""Tasks go through Redis to a real Celery worker process and write to PostgreSQL."""

import uuid

import pytest
from celery.result import AsyncResult, EagerResult
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from monitoring.models import Call
from monitoring.tasks import import_calls_file
from qa_platform.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CSV = """external_id,agent,line_of_business,direction,start_time,talk_seconds,csat
W-1,E100,billing,inbound,2026-11-20T09:30:00+08:00,240,5
W-2,E100,billing,outbound,2026-11-20T10:05:00+08:00,180,
W-3,E100,billing,inbound,2026-11-20T22:15:00+08:00,95,3
"""


def _store(text: str) -> str:
    return default_storage.save(f"imports/{uuid.uuid4().hex}.csv", ContentFile(text.encode()))


def test_the_worker_imports_a_calls_file(celery_worker, org):
    name = _store(CSV)

    result = import_calls_file.delay(storage_name=name)

    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    assert result.get(timeout=60) == {"ok": True, "created": 3, "updated": 0}
    calls = {c.external_id: c for c in Call.objects.select_related("shift")}
    assert sorted(calls) == ["W-1", "W-2", "W-3"]
    assert calls["W-1"].csat == 5 and calls["W-2"].csat is None
    assert calls["W-1"].shift.code == "day" and calls["W-3"].shift.code == "night"
    # The worker read the file from the shared MEDIA_ROOT and removed it afterwards.
    assert not default_storage.exists(name)
    # And it was that worker, in its own process, that ran the task.
    stats = app.control.inspect(destination=[celery_worker.hostname], timeout=5).stats()
    assert stats[celery_worker.hostname]["total"]["monitoring.import_calls_file"] >= 1
    assert stats[celery_worker.hostname]["pid"] == celery_worker.pid


def test_the_worker_reports_row_errors_and_writes_nothing(celery_worker, org):
    name = _store(CSV.replace("W-2,E100", "W-2,E999"))

    outcome = import_calls_file.delay(storage_name=name).get(timeout=60)

    assert outcome["ok"] is False
    assert outcome["errors"] == [{"row": 3, "field": "agent", "reason": "No agent with employee id 'E999'."}]
    assert not Call.objects.exists()
