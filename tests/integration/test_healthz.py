"""/healthz against the real PostgreSQL and Redis."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_healthz_reports_postgresql_and_redis_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok (postgresql)", "broker": "ok (redis)"}


def test_healthz_reports_an_unreachable_broker_with_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok (postgresql)"
    assert body["broker"].startswith("error: ")
