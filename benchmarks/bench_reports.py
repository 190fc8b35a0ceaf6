#!/usr/bin/env python
"""How long a real Celery worker takes to write a month's PDF reports for a demo center.

    .venv/bin/python benchmarks/bench_reports.py --agents 2000 --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_reports.py --agents 200 --teams-only     # the team reports only

In a throwaway PostgreSQL database (bench_sampling.py's), it loads `seed_demo --agents N --weeks W`
(in a child process, tasks eager), then starts `celery -A qa_platform worker` (prefork, concurrency
2, a queue of its own on `--redis`, by default Redis DB 14; DATABASE_URL and MEDIA_ROOT pointing at
the throwaway database and a temporary directory) and waits until it answers a ping. For the latest
month with evaluations (`reports.selectors.periods.latest_month_with_data`, the month the reports
pages open on) it sends ONE `reports.generate_month` task per run and waits for its result:

- "team": kinds ["team"], every team's report;
- "all": kinds MONTHLY_KINDS (center, lines, teams and every agent), unless `--teams-only`.

Each run starts from nothing: the month's monthly reports (seed_demo writes the center, line and
team ones) are deleted, rows and files, before it. The time is wall clock from sending the task to
having its result. Every stored file must start with %PDF and have the size its row records, the
team reports must be one per team with agents and the agent reports one per agent with calls in the
month; a failed check is printed and makes the exit status 1. The worker is shut down (warm, then
killed) and the database dropped whatever happens. Each size runs in a child process, which prints
one JSON line; the parent prints the table. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR / "benchmarks"))

from bench_sampling import throwaway_database  # noqa: E402

WORKER_START_TIMEOUT = 120  # seconds; a cold prefork start takes a few seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[2000], help="Center sizes to measure (default 2000).")
    parser.add_argument("--weeks", type=int, default=4, help="Weeks of calls seeded (default 4: a month).")
    parser.add_argument("--seed", type=int, default=42, help="seed_demo's seed (42).")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="A PostgreSQL server (any database on it): a throwaway database qa_bench_* is created there "
        "and dropped afterwards (default: the local server).",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        default="redis://127.0.0.1:6379/14",
        help="Broker and result backend, ideally a database nobody else uses (default redis://127.0.0.1:6379/14).",
    )
    parser.add_argument("--language", default="en", help="The reports' language (en).")
    parser.add_argument("--teams-only", action="store_true", help="Only the team reports' run.")
    parser.add_argument("--timeout", type=float, default=3600, help="Seconds to wait for each task's result (3600).")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: DATABASE_URL of a child run
    args = parser.parse_args()
    if args.child:
        return child(args)

    rows = []
    for agents in args.agents:
        with throwaway_database(args.postgres) as url:
            print(f"… {agents} agents on PostgreSQL, worker on {args.redis}", file=sys.stderr, flush=True)
            cmd = [
                sys.executable, __file__, "--child", url, "--agents", str(agents), "--weeks", str(args.weeks),
                "--seed", str(args.seed), "--redis", args.redis, "--language", args.language,
                "--timeout", str(args.timeout),
            ]  # fmt: skip
            if args.teams_only:
                cmd.append("--teams-only")
            done = subprocess.run(cmd, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=True)
            rows.append(json.loads(done.stdout.splitlines()[-1]))
    print_table(rows)
    return 1 if any(run["failed"] for r in rows for run in r["runs"]) else 0


def child(args) -> int:
    """One size: seed in a child process, then a worker, one task per run, and the checks."""
    work = Path(tempfile.mkdtemp(prefix="qa-bench-reports-"))
    queue = f"qa_bench_reports_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    env = {
        **os.environ,
        "DATABASE_URL": args.child,
        "MEDIA_ROOT": str(work / "media"),
        "DJANGO_SETTINGS_MODULE": "qa_platform.settings",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("QA_INTEGRATION", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    try:
        seed_seconds = seed(args, {**env, "REDIS_URL": ""})  # eager tasks, no broker, while seeding
        env.update(REDIS_URL=args.redis, CELERY_QUEUE=queue)
        os.environ.update(env)
        return measure(args, env, work, queue, seed_seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def seed(args, env: dict) -> float:
    manage = [sys.executable, "manage.py"]
    started = time.monotonic()
    for cmd in (
        [*manage, "migrate", "--noinput", "--verbosity", "0"],
        [*manage, "seed_demo", "--agents", str(args.agents[0]), "--weeks", str(args.weeks), "--seed", str(args.seed)],
    ):
        subprocess.run(cmd, cwd=BASE_DIR, env=env, stdout=sys.stderr, check=True)
    return time.monotonic() - started


def measure(args, env: dict, work: Path, queue: str, seed_seconds: float) -> int:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from monitoring.models import Agent, Call, Team
    from qa_platform.celery import app
    from reports.models import ReportKind
    from reports.selectors.monthly import month_figures
    from reports.selectors.periods import latest_month_with_data
    from reports.services.generate import MONTHLY_KINDS
    from reports.tasks import generate_month

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time the month-end job runs
    period = latest_month_with_data()
    in_month = Call.objects.filter(start_time__gte=period.start, start_time__lt=period.end)
    expected = {
        ReportKind.CENTER: 1,
        ReportKind.LINE: in_month.values("line_of_business").distinct().count(),
        ReportKind.TEAM: Team.objects.filter(agents__isnull=False).distinct().count(),
        ReportKind.AGENT: in_month.values("agent").distinct().count(),
    }
    facts = {
        "agents": args.agents[0],
        "agents_in_db": Agent.objects.count(),
        "calls_in_month": in_month.count(),
        "month": period.label,
        "teams": Team.objects.count(),
        "teams_with_agents": expected[ReportKind.TEAM],
        "teams_with_active_agents": Team.objects.filter(agents__active=True).distinct().count(),
        "seed_seconds": round(seed_seconds, 1),
        "seeded_reports": dict(forget_month(period).order_by().values_list("kind").annotate(n=Count("pk"))),
    }
    forget_month(period, delete=True)
    runs = [("team", [ReportKind.TEAM.value])]
    if not args.teams_only:
        runs.append(("all", [k.value for k in MONTHLY_KINDS]))
    for name, kinds in runs:  # the month's figures alone, in this process: the queries' share of a run
        started = time.perf_counter()
        month_figures(period, kinds=kinds)
        facts[f"figures_seconds_{name}"] = round(time.perf_counter() - started, 2)

    hostname = f"qa-bench-reports-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log = work / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    cmd = [
        *([str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]), "-A", "qa_platform", "worker",
        "--pool", "prefork", "--concurrency", "2", "-Q", queue, "-n", hostname, "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with log.open("wb") as out:  # a session of its own: a forced stop kills its pool processes too
        proc = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    results = []
    try:
        started = time.monotonic()
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {proc.returncode}:\n{tail(log)}")
            if time.monotonic() - started > WORKER_START_TIMEOUT:
                raise RuntimeError(f"Celery worker not ready after {WORKER_START_TIMEOUT} s:\n{tail(log)}")
        facts["worker_start_seconds"] = round(time.monotonic() - started, 1)
        for name, kinds in runs:
            forget_month(period, delete=True)
            print(f"… run {name!r}: reports.generate_month {period.label} kinds={kinds}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = generate_month.apply_async(
                kwargs={"month": period.label, "kinds": kinds, "language": args.language}
            )
            try:
                outcome = result.get(timeout=args.timeout)
            except Exception:
                print(tail(log), file=sys.stderr)
                raise
            seconds = time.perf_counter() - started
            result.forget()
            run = {"run": name, "kinds": kinds, "seconds": round(seconds, 2), "task": outcome}
            run.update(check_files(forget_month(period), {k: n for k, n in expected.items() if k in kinds}))
            run["pool_peak_rss_mb"] = pool_peak_rss_mb(proc.pid)
            results.append(run)
    finally:
        stop(proc)
        with app.connection_for_write() as conn:  # this run's queue (and its bindings) leave Redis
            bound = app.amqp.queues[queue](conn.default_channel)
            bound.declare()
            bound.delete()
        connection.close()
    print(json.dumps({**facts, "runs": results}))
    return 0


def forget_month(period, *, delete: bool = False):
    """The month's monthly reports (center, line, team, agent); with delete, removed, files too."""
    import datetime as dt

    from django.core.files.storage import default_storage

    from reports.models import GeneratedReport
    from reports.services.generate import MONTHLY_KINDS

    rows = GeneratedReport.objects.filter(
        kind__in=MONTHLY_KINDS, period_start=dt.date(period.year, period.month, 1)
    ).order_by("kind", "pk")
    if delete:
        for name in rows.exclude(file="").values_list("file", flat=True):
            default_storage.delete(name)
        rows.delete()
    return rows


def check_files(rows, expected: dict) -> dict:
    """Every file a PDF of its recorded size; one report per expected scope of each kind."""
    from django.core.files.storage import default_storage

    by_kind: dict[str, int] = {}
    stored = 0
    failed = []
    for kind, name, size in rows.values_list("kind", "file", "size"):
        by_kind[kind] = by_kind.get(kind, 0) + 1
        with default_storage.open(name, "rb") as f:
            head = f.read(5)
        on_disk = default_storage.size(name)
        stored += on_disk
        if head != b"%PDF-":
            failed.append(f"{name}: starts with {head!r}, not %PDF-")
        if on_disk != size:
            failed.append(f"{name}: {on_disk} bytes stored, {size} recorded")
    for kind, n in expected.items():
        if by_kind.get(kind, 0) != n:
            failed.append(f"{kind}: {by_kind.get(kind, 0)} reports, {n} expected")
    return {"reports": sum(by_kind.values()), "by_kind": by_kind, "bytes": stored, "failed": failed[:20]}


def pool_peak_rss_mb(pid: int) -> float | None:
    """The largest peak RSS (VmHWM) among the worker's pool processes, from /proc (Linux)."""
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        peaks += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
    return round(max(peaks) / 1024, 1) if peaks else None


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM is Celery's warm shutdown (finish the running task); after 60 s, kill its session."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def print_table(rows: list[dict]) -> None:
    print()
    print("A month's PDF reports by one reports.generate_month task on a Celery worker (prefork, 2 processes):")
    head = (
        f"{'agents':>7} {'month':>8} {'teams':>6} {'run':>5} {'reports':>8} {'seconds':>8} {'task s':>7} "
        f"{'s/report':>9} {'MB stored':>10} {'KB/report':>10} {'pool MB':>8}  checks"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        for run in r["runs"]:
            n = run["reports"] or 1
            print(
                f"{r['agents']:>7,} {r['month']:>8} {r['teams_with_agents']:>6,} {run['run']:>5} {run['reports']:>8,} "
                f"{run['seconds']:>8.1f} {run['task']['seconds']:>7.1f} {run['seconds'] / n:>9.3f} "
                f"{run['bytes'] / 1e6:>10.1f} {run['bytes'] / 1e3 / n:>10.1f} {run['pool_peak_rss_mb'] or 0:>8.0f}  "
                f"{'FAILED' if run['failed'] else 'ok'}"
            )
    for r in rows:
        print(
            f"  {r['agents']:,} agents: seed_demo {r['seed_seconds']:.1f} s; {r['month']}: {r['calls_in_month']:,} calls, "
            f"{r['teams']:,} teams ({r['teams_with_agents']:,} with agents, {r['teams_with_active_agents']:,} with "
            f"active ones); seed_demo had written {r['seeded_reports']} (deleted first); worker ready in "
            f"{r['worker_start_seconds']} s"
        )
        for run in r["runs"]:
            print(
                f"    {run['run']}: {run['by_kind']}; the month's figures alone (in-process) "
                f"{r['figures_seconds_' + run['run']]:.1f} s"
            )
            for failure in run["failed"]:
                print(f"    CHECK FAILED: {failure}")


if __name__ == "__main__":
    sys.exit(main())
