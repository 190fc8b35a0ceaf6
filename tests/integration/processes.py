"""Processes the outage tests start, stop and kill themselves: a Redis of their own (never the
shared one: stopping it must not touch anybody else's tests, and a short visibility timeout on a
shared Redis would hand other people's running tasks out again) and Celery workers on it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import BASE_DIR, WORKER_START_TIMEOUT, _database_url


def own_redis_or_skip() -> OwnRedis:
    """A started OwnRedis; the test is skipped (saying why) where redis-server is not installed."""
    missing = [tool for tool in ("redis-server", "redis-cli", "pgrep") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} on PATH to stop and start a Redis of its own")
    return OwnRedis().start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what="condition"):
    """Poll `predicate` until it is true; `what` (text, or a callable giving it, e.g. a log tail
    read at the time of the failure) names what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


@dataclass
class OwnRedis:
    """`redis-server` on a free port, without persistence: stopping it loses what it held, as a
    crashed Redis without an append-only file would."""

    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        assert self.proc is None, "already running"
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Gone: the port is closed."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def hang(self) -> None:
        """Hung: it still accepts connections (the kernel does that) but answers nothing."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def command(self, *args: str) -> str:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10, check=True
        )
        return out.stdout.strip()


@dataclass
class Worker:
    """`celery -A qa_platform worker` (prefork) on the test database and a given Redis."""

    redis_url: str
    queue: str
    log: Path
    concurrency: int = 1
    env: dict = field(default_factory=dict)
    hostname: str = field(default_factory=lambda: f"qa-outage-{uuid.uuid4().hex[:8]}@{socket.gethostname()}")
    proc: subprocess.Popen | None = None
    mark: int = 0  # where this start's part of the log begins

    def start(self) -> Worker:
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qa_platform.settings",
            "DATABASE_URL": _database_url(settings.DATABASES["default"]),
            "REDIS_URL": self.redis_url,
            "CELERY_QUEUE": self.queue,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        for name in ("QA_INTEGRATION", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
            env.pop(name, None)
        cmd = [
            sys.executable, "-m", "celery", "-A", "qa_platform", "worker",
            "--pool", "prefork", "--concurrency", str(self.concurrency),
            "-Q", self.queue, "-n", self.hostname, "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.mark = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            # A session of its own, so that killing it kills its pool processes too.
            self.proc = subprocess.Popen(
                cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(self._ready, timeout=WORKER_START_TIMEOUT, what=lambda: f"the worker to start:\n{self.log_tail()}")
        return self

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the worker exited with {self.proc.returncode}:\n{self.log_tail()}")
        return " ready." in self.text(since_start=True)

    def pool_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def kill(self) -> None:
        """kill -9 the worker and its pool processes: no warm shutdown, nothing acknowledged."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        """Gone for good: the tests are done with it (a warm shutdown takes seconds), and its
        database sessions end with its processes."""
        if self.proc is not None:
            self.kill()

    def text(self, *, since_start: bool = False) -> str:
        data = self.log.read_bytes() if self.log.exists() else b""
        return data[self.mark :].decode(errors="replace") if since_start else data.decode(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.text().splitlines()[-lines:])
