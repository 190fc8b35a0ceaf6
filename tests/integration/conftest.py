"""Integration suite: real PostgreSQL, real Redis, a real Celery worker in another process.

These tests run only with QA_INTEGRATION=1 (`make integration`); without it they are skipped
with the reason, so a bare `pytest` stays a fast unit run. QA_INTEGRATION=1 also switches
qa_platform/test_settings.py to PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).

The worker fixture starts `celery -A qa_platform worker` with the production settings module,
pointed by environment variables at what this test process uses: pytest-django's test database,
the same Redis, this run's own queue and the same MEDIA_ROOT directory.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

INTEGRATION = os.environ.get("QA_INTEGRATION", "").lower() in {"1", "true", "yes", "on"}
BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 60  # seconds; a cold prefork start takes 2–5 s here


def pytest_collection_modifyitems(config, items):
    if INTEGRATION:
        return
    skip = pytest.mark.skip(reason="integration test: set QA_INTEGRATION=1 (make integration)")
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(skip)


@dataclass(frozen=True)
class Worker:
    hostname: str
    queue: str
    pid: int
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _database_url(db: dict) -> str:
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(db.get("HOST") or "", safe="")  # a socket directory is percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    """A Celery worker process consuming this run's queue from Redis, writing to the test database."""
    from django.conf import settings

    from qa_platform.celery import app

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "integration settings must use a real broker"
    # django_db_setup has created the test database and renamed NAME to it.
    database_url = _database_url(settings.DATABASES["default"])
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    hostname = f"qa-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qa_platform.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("QA_INTEGRATION", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    cmd = [
        sys.executable, "-m", "celery", "-A", "qa_platform", "worker",
        "--pool", "prefork", "--concurrency", "2",
        "-Q", queue, "-n", hostname, "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(hostname=hostname, queue=queue, pid=proc.pid, log=log)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Celery worker exited with {proc.returncode}:\n{worker.log_tail()}")
            if app.control.ping(destination=[hostname], timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"Celery worker not ready after {WORKER_START_TIMEOUT}s:\n{worker.log_tail()}")
        yield worker
    finally:
        # SIGTERM is Celery's warm shutdown: finish running tasks, close DB connections, so
        # pytest-django can then drop the test database.
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        # Each run has its own queue: drop it (and its binding keys) from Redis.
        with app.connection_for_write() as conn:
            bound = app.amqp.queues[queue](conn.default_channel)
            bound.declare()  # kombu deletes only bindings this channel knows about
            bound.delete()


@pytest.fixture
def org():
    """The least organisation a call needs: a site, a line of business, a team, an agent, shifts.

    Database access comes from the test's own django_db mark (transactional where a worker reads).
    """
    from monitoring.models import Agent, LineOfBusiness, Shift, Site, Team

    site = Site.objects.create(name="Shanghai", timezone="Asia/Shanghai")
    lob = LineOfBusiness.objects.create(code="billing", name="Billing")
    team = Team.objects.create(name="Team A", site=site)
    team.lines_of_business.add(lob)
    agent = Agent.objects.create(employee_id="E100", name="Li Na", team=team, hire_date=dt.date(2024, 3, 1))
    day = Shift.objects.create(code="day", name="Day", start=dt.time(8), end=dt.time(20))
    night = Shift.objects.create(code="night", name="Night", start=dt.time(20), end=dt.time(8))
    return {"site": site, "lob": lob, "team": team, "agent": agent, "day": day, "night": night}
