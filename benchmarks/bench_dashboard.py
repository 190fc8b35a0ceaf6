#!/usr/bin/env python
"""The QA dashboard's time on a demo center, beside hand-written SQL computing the same month.

    .venv/bin/python benchmarks/bench_dashboard.py --agents 2000 --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_dashboard.py --agents 200          # SQLite: the product's side only

In a throwaway database (bench_sampling.py's), it loads `seed_demo --agents N --weeks W`, then for
the latest month with evaluations, as the demo manager over the whole center, measures:

- the product: GET /dashboard/?month=… through Django's test client (selectors, aggregates,
  charts and template: what a person waits for), best of `--repeat` runs, and its SQL queries;
- the same month's figures as raw SQL on PostgreSQL — n / mean / sd / critical, the score
  distribution, lost points by criterion and by category, by shift, direction, service type and
  team, the six-month trend, the call KPIs and QA–CSAT sums — one statement each, best of
  `--repeat`;

and prints both with their ratio. Each size runs in a child process, which prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR / "benchmarks"))

from bench_sampling import throwaway_database  # noqa: E402

# The month's figures in SQL, as an analyst would write them (PostgreSQL). %(start)s / %(end)s are
# the month's bounds, %(trend_start)s six months earlier, %(tz)s the center's time zone.
COUNTED = """
    FROM scoring_evaluation e JOIN monitoring_call c ON c.id = e.call_id
    WHERE e.kind = 'regular' AND e.status IN ('submitted','feedback_delivered','acknowledged','disputed','resolved')
      AND c.start_time >= %(start)s AND c.start_time < %(end)s
"""
RAW_SQL = {
    "summary": "SELECT count(*), avg(e.total), stddev_samp(e.total), count(*) FILTER (WHERE e.critical_failed)"
    + COUNTED,
    "distribution": "SELECT least(floor(e.total / 10), 9) AS band, count(*)" + COUNTED + " GROUP BY band",
    "lost_by_criterion": """
        SELECT k.id, k.text, k.category,
               sum(k.points::float * (k.scale_max - a.value) / k.scale_max) AS lost, sum(k.points), count(*)
        FROM scoring_answer a JOIN scoring_criterion k ON k.id = a.criterion_id
        WHERE NOT a.is_na AND a.value IS NOT NULL AND a.evaluation_id IN (SELECT e.id """
    + COUNTED
    + ") GROUP BY k.id, k.text, k.category ORDER BY lost DESC",
    "lost_by_category": """
        SELECT k.category, sum(k.points::float * (k.scale_max - a.value) / k.scale_max) AS lost
        FROM scoring_answer a JOIN scoring_criterion k ON k.id = a.criterion_id
        WHERE NOT a.is_na AND a.value IS NOT NULL AND a.evaluation_id IN (SELECT e.id """
    + COUNTED
    + ") GROUP BY k.category ORDER BY lost DESC",
    "by_shift": "SELECT s.name, count(*), avg(e.total), stddev_samp(e.total)"
    + COUNTED.replace("WHERE", "LEFT JOIN monitoring_shift s ON s.id = c.shift_id WHERE")
    + " GROUP BY s.name",
    "by_direction": "SELECT c.direction, count(*), avg(e.total), stddev_samp(e.total)"
    + COUNTED
    + " GROUP BY c.direction",
    "by_service": "SELECT c.service_type, count(*), avg(e.total), stddev_samp(e.total)"
    + COUNTED
    + " GROUP BY c.service_type",
    "by_team": "SELECT t.name, count(*), avg(e.total), stddev_samp(e.total)"
    + COUNTED.replace(
        "WHERE", "JOIN monitoring_agent g ON g.id = e.agent_id JOIN monitoring_team t ON t.id = g.team_id WHERE"
    )
    + " GROUP BY t.name",
    "trend": """
        SELECT date_trunc('month', c.start_time AT TIME ZONE %(tz)s) AS m, count(*), avg(e.total), stddev_samp(e.total)
        FROM scoring_evaluation e JOIN monitoring_call c ON c.id = e.call_id
        WHERE e.kind = 'regular' AND e.status IN ('submitted','feedback_delivered','acknowledged','disputed','resolved')
          AND c.start_time >= %(trend_start)s AND c.start_time < %(end)s GROUP BY m ORDER BY m""",
    "call_kpis": """
        SELECT count(*), avg(talk_seconds), avg(hold_seconds), avg(acw_seconds),
               avg(talk_seconds + hold_seconds + acw_seconds), avg(csat), count(csat), avg(nps), count(nps)
        FROM monitoring_call WHERE start_time >= %(start)s AND start_time < %(end)s""",
    "qa_csat": "SELECT count(*), sum(e.total), sum(c.csat), sum(e.total * c.csat), sum(e.total ^ 2), sum(c.csat ^ 2)"
    + COUNTED
    + " AND c.csat IS NOT NULL",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[2000])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", metavar="URL", help="A PostgreSQL server for the throwaway database.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    rows = []
    for agents in args.agents:
        with throwaway_database(args.postgres) as url:
            print(f"… {agents} agents on {'PostgreSQL' if args.postgres else 'SQLite'}", file=sys.stderr, flush=True)
            cmd = [sys.executable, __file__, "--child", url, "--agents", str(agents), "--weeks", str(args.weeks),
                   "--seed", str(args.seed), "--repeat", str(args.repeat)]  # fmt: skip
            done = subprocess.run(cmd, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=True)
            rows.append(json.loads(done.stdout.splitlines()[-1]))
    print(f"The QA dashboard (whole center, one month) on {'PostgreSQL' if args.postgres else 'SQLite'}:")
    print(" agents  evaluations  page ms  queries   SQL ms  ratio")
    print("-------------------------------------------------------")
    for r in rows:
        sql = f"{r['sql_ms']:8.1f}" if r["sql_ms"] is not None else "       –"
        ratio = f"{r['page_ms'] / r['sql_ms']:5.1f}×" if r["sql_ms"] else "     –"
        print(f"{r['agents']:>7,}  {r['evaluations']:>11,}  {r['page_ms']:7.1f}  {r['queries']:>7}  {sql}  {ratio}")
    return 0


def child(args) -> int:
    os.environ.update(
        DATABASE_URL=args.child,
        MEDIA_ROOT=tempfile.mkdtemp(prefix="qa-bench-media-"),
        DJANGO_SETTINGS_MODULE="qa_platform.settings",
        REDIS_URL="",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(BASE_DIR))
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.selectors.periods import latest_month_with_data, months_back
    from reports.selectors.qa import Scope, evaluations_in

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the page's CSS is looked up in the manifest
    call_command("seed_demo", agents=args.agents[0], weeks=args.weeks, seed=args.seed, stdout=io.StringIO())
    period = latest_month_with_data()
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    url = f"/dashboard/?month={period.label}"
    assert client.get(url).status_code == 200  # warm: template compilation, content types
    page = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            page.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    sql_ms = None
    if connection.vendor == "postgresql":
        params = {
            "start": period.start,
            "end": period.end,
            "trend_start": months_back(period, 6)[0].start,
            "tz": settings.TIME_ZONE,
        }
        best = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in RAW_SQL.values():
                    cursor.execute(sql, params)
                    cursor.fetchall()
            best.append(time.perf_counter() - started)
        sql_ms = 1000 * min(best)
    evaluations = evaluations_in(Scope(Scope.CENTER), start=period.start, end=period.end).count()
    print(
        json.dumps(
            {
                "agents": args.agents[0],
                "evaluations": evaluations,
                "page_ms": 1000 * min(page),
                "queries": len(queries),
                "sql_ms": sql_ms,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
