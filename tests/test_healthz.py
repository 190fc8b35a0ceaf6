"""/healthz: database and broker status as JSON, 503 when either is down (unit: SQLite, no broker)."""

import contextlib
import socket
import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_it_reports_ok_without_a_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok (sqlite)"
    assert body["broker"].startswith("ok (no broker configured")


def test_it_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_it_reports_an_unreachable_broker_with_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 5, "the broker check must time out quickly"
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok (sqlite)"
    assert body["broker"].startswith("error: ")


@pytest.fixture
def hung_broker():
    """A server that accepts connections and never answers, as a hung Redis does."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        with contextlib.suppress(OSError):
            while True:
                accepted.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for conn in accepted:
        conn.close()


def test_it_reports_a_hung_broker_with_503_within_3_seconds(client, settings, hung_broker):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = hung_broker

    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error: ")


def test_it_reports_a_failing_database_with_503(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error: OperationalError"  # the message itself goes to the log only
    assert body["broker"].startswith("ok")


def test_it_refuses_post(client):
    assert client.post("/healthz").status_code == 405
