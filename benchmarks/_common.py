"""What the benchmarks share: a throwaway database, Django set up in a child process on it, the
seeded demo center, and the last seeded week's plan forgotten so run_sampling starts from nothing.

Each benchmark runs one size per child process (Django is configured once per process): the parent
opens `throwaway_database`, starts the child with its URL, and the child calls `setup_django`, then
`seed_center`. See benchmarks/README.md.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[1]


class throwaway_database:
    """A fresh database URL for one child run, removed afterwards: a temporary SQLite file, or
    with `postgres` (a server URL, any database on it) a database qa_bench_* created on that
    server and dropped at the end, whatever happens."""

    def __init__(self, postgres: str | None):
        self.postgres = postgres
        self.tmp = None
        self.name = None

    def __enter__(self) -> str:
        if not self.postgres:
            self.tmp = tempfile.TemporaryDirectory(prefix="qa-bench-")
            return f"sqlite:///{self.tmp.name}/bench.sqlite3"
        self.name = f"qa_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(self.postgres)
        return urlunsplit(parts._replace(path=f"/{self.name}"))

    def __exit__(self, *exc) -> None:
        if self.tmp:
            self.tmp.cleanup()
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urlsplit(self.postgres)
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(sql)


def setup_django(url: str, **env: str) -> None:
    """Configure Django in this (child) process on the database `url`: media in a temporary
    directory, tasks eager with no broker (only the database is measured), plus `env`."""
    os.environ.update(
        DATABASE_URL=url,
        MEDIA_ROOT=tempfile.mkdtemp(prefix="qa-bench-media-"),
        DJANGO_SETTINGS_MODULE="qa_platform.settings",
        REDIS_URL="",
        **env,
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed_center(*, agents: int, weeks: int, seed: int, calls_per_agent_week: int = 20) -> float:
    """Migrate and load `seed_demo --agents N --weeks W`; the seconds it took. On PostgreSQL the
    tables are then ANALYZEd, as autovacuum would have by the time anyone measures anything."""
    import io

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command(
        "seed_demo",
        agents=agents,
        weeks=weeks,
        calls_per_agent_week=calls_per_agent_week,
        seed=seed,
        verbosity=0,
        stdout=io.StringIO(),
    )
    seconds = time.monotonic() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seconds


def forget_last_week_plan() -> tuple[dt.date, str, int]:
    """Delete the assignments and SamplingRun rows seed_demo made when it planned its last week,
    so a measured run_sampling starts from nothing on a week with no evaluations yet (the earlier
    weeks are the scored history the tiers come from). Returns the week's Monday, its ISO name
    ("2026-W46") and the number of assignments deleted."""
    from monitoring.models import Assignment
    from planning.models import SamplingKind, SamplingRun

    week = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start
    seeded_plan = Assignment.objects.count()
    Assignment.objects.all().delete()
    SamplingRun.objects.all().delete()
    year, number, _ = week.isocalendar()
    return week, f"{year}-W{number:02d}", seeded_plan


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB (ru_maxrss is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
