#!/usr/bin/env python
"""How long one week's monitoring plan takes on a demo center, and how many SQL queries it costs.

    .venv/bin/python benchmarks/bench_sampling.py --agents 2000
    .venv/bin/python benchmarks/bench_sampling.py --agents 200 2000 --postgres postgres://postgres@127.0.0.1:5432/postgres

For each size, in a throwaway database of its own (a temporary SQLite file, or with --postgres a
database created on that server and dropped afterwards), it loads `seed_demo --agents N --weeks W`
(by default four weeks: a month of calls), then measures `run_sampling` for the last seeded week.
seed_demo already planned that week, so its assignments and SamplingRun rows are deleted first and
the measured run starts from nothing; a second run (which must add nothing) is measured too.

Each size runs in a child process (Django is configured once per process), which prints one JSON
line; the parent prints the table. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BASE_DIR, forget_last_week_plan, seed_center, setup_django, throwaway_database  # noqa: E402

__all__ = ["throwaway_database"]  # bench_dashboard.py and bench_reports.py import it from here


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[2000], help="Center sizes to measure (default 2000).")
    parser.add_argument("--weeks", type=int, default=4, help="Weeks of calls seeded (default 4: a month).")
    parser.add_argument("--calls-per-agent-week", type=int, default=20, help="seed_demo's calls per agent-week (20).")
    parser.add_argument("--seed", type=int, default=42, help="seed_demo's seed (42).")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="A PostgreSQL server (any database on it, e.g. postgres://postgres@127.0.0.1:5432/postgres): "
        "a throwaway database qa_bench_* is created there and dropped afterwards. Default: SQLite.",
    )
    parser.add_argument("--profile", action="store_true", help="Also print a cProfile of the measured run.")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: DATABASE_URL of a child run
    args = parser.parse_args()

    if args.child:
        return child(args)

    rows = []
    for agents in args.agents:
        with throwaway_database(args.postgres) as url:
            cmd = [
                sys.executable, __file__, "--child", url, "--agents", str(agents), "--weeks", str(args.weeks),
                "--calls-per-agent-week", str(args.calls_per_agent_week), "--seed", str(args.seed),
            ]  # fmt: skip
            if args.profile:
                cmd.append("--profile")
            print(f"… {agents} agents on {'PostgreSQL' if args.postgres else 'SQLite'}", file=sys.stderr, flush=True)
            done = subprocess.run(cmd, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=True)
            lines = done.stdout.splitlines()
            print("\n".join(lines[:-1]))  # the profile, if any
            rows.append(json.loads(lines[-1]))
    print_table(rows, "PostgreSQL" if args.postgres else "SQLite")
    return 0


def child(args) -> int:
    """One size, in this process: migrate, seed, forget the last week's plan, measure it."""
    setup_django(args.child)
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from monitoring.models import Assignment, Call
    from planning.models import SamplingKind, SamplingRun

    agents = args.agents[0]
    seed_seconds = seed_center(
        agents=agents, weeks=args.weeks, seed=args.seed, calls_per_agent_week=args.calls_per_agent_week
    )
    week, iso_week, seeded_plan = forget_last_week_plan()

    def measure():
        out = io.StringIO()
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            call_command("run_sampling", week=iso_week, seed=1, stdout=out)
            seconds = time.monotonic() - started
        kinds: dict[str, int] = {}
        for q in queries.captured_queries:
            verb = q["sql"].lstrip().split(None, 1)[0].upper()
            kinds[verb] = kinds.get(verb, 0) + 1
        return seconds, len(queries.captured_queries), kinds, out.getvalue()

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    seconds, queries, kinds, output = measure()
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    added = Assignment.objects.count()
    run = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK, period_start=week)
    again_seconds, again_queries, _, again_output = measure()
    print(
        json.dumps(
            {
                "agents": agents,
                "vendor": connection.vendor,
                "calls": Call.objects.count(),
                "seed_seconds": round(seed_seconds, 1),
                "week": iso_week,
                "seeded_plan": seeded_plan,
                "eligible_calls": run.last_report["eligible_calls"],
                "assignments": added,
                "by_reason": dict(
                    sorted(Assignment.objects.values_list("reason").annotate(n=Count("pk")).values_list("reason", "n"))
                ),
                "seconds": round(seconds, 2),
                "queries": queries,
                "query_kinds": kinds,
                "again_seconds": round(again_seconds, 2),
                "again_queries": again_queries,
                "again_added": Assignment.objects.count() - added,
                "output": output.splitlines() + again_output.splitlines()[-1:],
            }
        )
    )
    return 0


def print_table(rows: list[dict], backend: str) -> None:
    print()
    print(f"One week's plan (tiers, agent quotas, line top-up) on {backend}, measured with run_sampling:")
    head = (
        f"{'agents':>7} {'calls':>9} {'seed s':>7} {'eligible':>9} {'assigned':>9} "
        f"{'run s':>7} {'queries':>8} {'rerun s':>8} {'rerun q':>8} {'rerun +':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['agents']:>7,} {r['calls']:>9,} {r['seed_seconds']:>7.1f} {r['eligible_calls']:>9,} "
            f"{r['assignments']:>9,} {r['seconds']:>7.2f} {r['queries']:>8} {r['again_seconds']:>8.2f} "
            f"{r['again_queries']:>8} {r['again_added']:>8}"
        )
    for r in rows:
        print(f"  {r['agents']:,} agents, week {r['week']}: queries by kind {r['query_kinds']}; picks {r['by_reason']}")
    for r in rows:
        print(f"  {r['agents']:,} agents, run_sampling said:")
        for line in r["output"]:
            print(f"    {line}")


if __name__ == "__main__":
    sys.exit(main())
