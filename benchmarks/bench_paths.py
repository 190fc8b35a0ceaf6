#!/usr/bin/env python
"""The product's hot paths on a demo center, each beside hand-written SQL doing the same work.

    .venv/bin/python benchmarks/bench_paths.py --agents 200 2000
    .venv/bin/python benchmarks/bench_paths.py --agents 200 --postgres postgres://postgres@127.0.0.1:5432/postgres

For each size, in a throwaway database (benchmarks/_common.py: a temporary SQLite file, or with
--postgres a qa_bench_* database created on that server and dropped at the end), a child process
migrates and loads `seed_demo --agents N --weeks 4`; then each path is measured in a child process
of its own on that database, so its peak RSS is its own (Django, the path and its SQL):

- run_sampling for the last seeded week (its seeded plan deleted first), vs. one window-function
  statement picking each agent's target of random calls of the week into a temporary table;
- POST /api/v1/evaluations/<id>/submit/ with 12 answers (the demo scorecard) as qa, on drafts of qa's
  open assignments, vs. a bare DRF endpoint with the same authentication and permission classes
  doing one query (mounted by a benchmark-only URLconf, never by the product's); on PostgreSQL
  also 4 clients at once (threads, one client and connection each);
- the quota progress page and GET /api/v1/quota-progress/agents/ (first page of 50) as manager,
  vs. one aggregate statement for the first 50 agents' week;
- the center overview (/overview/) as manager, vs. its call figures and QA picture in one
  statement (UNION ALL of the groupings: portable to SQLite);
- GET /api/v1/evaluations/ (first page of 50) as manager, vs. the SELECT with the joins it shows,
  ORDER BY … LIMIT 50, plus the COUNT(*) its page carries.

Requests go through Django's test client in-process, `--repeat` times after one warm-up (median,
p95, requests/s of the sequential run); SQL runs `--repeat` times through Django's connection
(median). Queries are those of one request (CaptureQueriesContext). The parent prints one Markdown
table. import_calls has a marked slot, not measured (being reworked). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BASE_DIR, forget_last_week_plan, peak_rss_mb, seed_center, setup_django, throwaway_database  # noqa: E402, I001

PATHS = ["progress_page", "progress_api", "overview", "evaluations_list", "submit", "submit_4", "run_sampling"]
IMPORT_CALLS_SLOT = "import_calls (slot: being reworked, not measured yet)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[200, 2000], help="Center sizes (200 2000).")
    parser.add_argument("--weeks", type=int, default=4, help="Weeks of calls seeded (4: a month).")
    parser.add_argument("--seed", type=int, default=42, help="seed_demo's seed (42).")
    parser.add_argument("--repeat", type=int, default=20, help="Requests / SQL runs per path after a warm-up (20).")
    parser.add_argument("--postgres", metavar="URL", help="A PostgreSQL server for the throwaway database.")
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=PATHS, help="Only these paths.")
    parser.add_argument("--json", metavar="FILE", help="Also write the rows, unrounded, to FILE.")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: DATABASE_URL of a child run
    parser.add_argument("--path", help=argparse.SUPPRESS)  # internal: the child's path, or "seed"
    args = parser.parse_args()
    if args.child:
        return child(args)

    backend = "PostgreSQL" if args.postgres else "SQLite"
    rows = []
    for agents in args.agents:
        with throwaway_database(args.postgres) as url, tempfile.TemporaryDirectory(prefix="qa-bench-static-") as st:
            env = {**os.environ, "STATIC_ROOT": st}

            print(f"… {agents} agents on {backend}: seeding", file=sys.stderr, flush=True)
            seeded = run_child(args, "seed", agents, url, env)[0]
            if "note" in seeded:
                raise SystemExit(f"seeding failed for {agents} agents")
            print(f"  seeded {seeded['calls']:,} calls in {seeded['seconds']:.0f} s", file=sys.stderr, flush=True)
            for path in args.paths:
                print(f"  {path}", file=sys.stderr, flush=True)
                for row in run_child(args, path, agents, url, env):
                    rows.append({"backend": backend, "agents": agents, **row})
            rows.append({"backend": backend, "agents": agents, "path": IMPORT_CALLS_SLOT})
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


def run_child(args, path: str, agents: int, url: str, env: dict) -> list[dict]:
    """One child process measuring `path` (or seeding) on the database `url`; its JSON rows."""
    cmd = [sys.executable, __file__, "--child", url, "--path", path, "--agents", str(agents),
           "--weeks", str(args.weeks), "--seed", str(args.seed), "--repeat", str(args.repeat)]  # fmt: skip
    done = subprocess.run(cmd, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        return [{"path": path, "note": f"failed (exit {done.returncode}, see stderr)"}]
    return json.loads(done.stdout.splitlines()[-1])


# ---------------------------------------------------------------- child side


def child(args) -> int:
    setup_django(args.child, ALLOWED_HOSTS="testserver")
    if args.path == "seed":
        from django.core.management import call_command

        from monitoring.models import Call

        seconds = seed_center(agents=args.agents[0], weeks=args.weeks, seed=args.seed)
        call_command("collectstatic", interactive=False, verbosity=0)  # pages look their CSS up in the manifest
        print(json.dumps([{"seconds": seconds, "calls": Call.objects.count()}]))
        return 0
    install_bench_urls()
    setup_rss = peak_rss_mb()  # Django and the apps loaded, before the path
    rows = globals()[f"measure_{args.path}"](args.repeat)
    rss = peak_rss_mb()
    for row in rows:
        row.setdefault("rss_mb", rss)
        row.setdefault("rss_growth_mb", rss - setup_rss)
    print(json.dumps(rows, default=str))
    return 0


def install_bench_urls() -> None:
    """ROOT_URLCONF for this process only: the product's URLs plus the bare endpoint."""
    import types

    from django.conf import settings
    from django.urls import clear_url_caches, include, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from scoring.api.evaluations import BASE_PERMISSIONS
    from scoring.models import Evaluation
    from scoring.permissions import IsEvaluator

    class BareSubmit(APIView):
        """The submit endpoint's authentication and permissions around one trivial query."""

        permission_classes = [*BASE_PERMISSIONS, IsEvaluator]

        def post(self, request, pk):
            evaluation = Evaluation.objects.get(pk=pk)
            self.check_object_permissions(request, evaluation)
            return Response({"id": evaluation.pk, "status": evaluation.status})

    module = types.ModuleType("bench_paths_urls")
    module.urlpatterns = [
        path("bench/bare-submit/<int:pk>/", BareSubmit.as_view()),
        path("", include("qa_platform.urls")),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def client_for(username: str):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def requests(client, method: str, urls: list[str], data: list | None = None) -> tuple[list[float], int]:
    """Each url once (the first is a warm-up, not counted); seconds of each, and the queries of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    queries = 0
    for i, url in enumerate(urls):
        body = data[i] if data else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
        if i:
            seconds.append(elapsed)
            queries = len(captured)
    return seconds, queries


def sql_runs(statements: list[tuple[str, dict]], repeat: int) -> float:
    """Median seconds of running every statement (and fetching its rows), `repeat` times after a warm-up."""
    from django.db import connection

    seconds = []
    for i in range(repeat + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
        if i:
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def request_row(path: str, seconds: list[float], queries: int, sql_seconds: float | None, note: str = "") -> dict:
    ordered = sorted(seconds)
    return {
        "path": path,
        "median_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
        "per_s": len(ordered) / sum(ordered),
        "unit": "req/s",
        "sql_ms": None if sql_seconds is None else 1000 * sql_seconds,
        "queries": queries,
        "note": note,
    }


def db(value):
    """A date or datetime as the ORM would bind it (SQLite stores naive UTC text)."""
    import datetime as dt

    from django.db import connection

    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def tables() -> dict:
    from django.contrib.auth import get_user_model

    from monitoring.models import Agent, Assignment, Call, LineOfBusiness, Shift, Team
    from planning.models import AgentTier
    from scoring.models import Answer, Criterion, Evaluation, ScorecardVersion

    models = {
        "agent": Agent, "assignment": Assignment, "call": Call, "line": LineOfBusiness, "shift": Shift,
        "team": Team, "tier": AgentTier, "answer": Answer, "criterion": Criterion, "evaluation": Evaluation,
        "version": ScorecardVersion, "user": get_user_model(),
    }  # fmt: skip
    names = {k: m._meta.db_table for k, m in models.items()}
    names["scorecard"] = ScorecardVersion._meta.get_field("scorecard").related_model._meta.db_table
    return names


def in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # enum values of the product's own models: no quoting issues


def last_week():
    """The last seeded week (the one seed_demo planned): its Monday, bounds and ISO name."""
    from planning.models import SamplingKind, SamplingRun
    from planning.periods import week_bounds

    week = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start
    year, number, _ = week.isocalendar()
    return week, *week_bounds(week), f"{year}-W{number:02d}"


# ---------------------------------------------------------------- the paths


def progress_sql(week, start, end) -> tuple[str, dict]:
    from django.utils import timezone

    from monitoring.models import SECONDARY_REASONS, AssignmentStatus
    from scoring.models import SCORED, Kind

    t = tables()
    in_week = "c.start_time >= %(start)s AND c.start_time < %(end)s"
    sql = f"""
        SELECT g.id, g.employee_id, g.name, t.name, r.tier, r.target, s.assigned, s.open, s.overdue, s.due,
               s.due_by, s.first_created, s.last_due, d.done
        FROM {t["agent"]} g
        JOIN {t["team"]} t ON t.id = g.team_id
        LEFT JOIN {t["tier"]} r ON r.agent_id = g.id AND r.week_start = %(week)s
        LEFT JOIN (
            SELECT c.agent_id, count(*) AS assigned,
                   sum(CASE WHEN a.status = '{AssignmentStatus.OPEN}' THEN 1 ELSE 0 END) AS open,
                   sum(CASE WHEN a.status = '{AssignmentStatus.OPEN}' AND a.due_at < %(now)s THEN 1 ELSE 0 END)
                       AS overdue,
                   sum(CASE WHEN a.due_at <= %(now)s THEN 1 ELSE 0 END) AS due,
                   max(CASE WHEN a.status = '{AssignmentStatus.OPEN}' THEN a.due_at END) AS due_by,
                   min(a.created_at) AS first_created, max(a.due_at) AS last_due
            FROM {t["assignment"]} a JOIN {t["call"]} c ON c.id = a.call_id
            WHERE {in_week} AND a.status <> '{AssignmentStatus.CANCELLED}'
              AND a.reason NOT IN ({in_list(SECONDARY_REASONS)})
            GROUP BY c.agent_id
        ) s ON s.agent_id = g.id
        LEFT JOIN (
            SELECT e.agent_id, count(DISTINCT e.call_id) AS done
            FROM {t["evaluation"]} e JOIN {t["call"]} c ON c.id = e.call_id
            WHERE {in_week} AND e.kind = '{Kind.REGULAR}' AND e.status IN ({in_list(SCORED)})
            GROUP BY e.agent_id
        ) d ON d.agent_id = g.id
        WHERE g.active OR r.id IS NOT NULL
        ORDER BY g.name, g.id
        LIMIT 50"""
    return sql, {"week": db(week), "start": db(start), "end": db(end), "now": db(timezone.now())}


def measure_progress_page(repeat: int) -> list[dict]:
    week, start, end, iso = last_week()
    urls = [f"/quotas/progress/?week={iso}"] * (repeat + 1)
    seconds, queries = requests(client_for("manager"), "get", urls)
    return [
        request_row(
            "quota progress page (manager, 50 rows)",
            seconds,
            queries,
            sql_runs([progress_sql(week, start, end)], repeat),
        )
    ]


def measure_progress_api(repeat: int) -> list[dict]:
    week, start, end, iso = last_week()
    urls = [f"/api/v1/quota-progress/agents/?week={iso}"] * (repeat + 1)
    seconds, queries = requests(client_for("manager"), "get", urls)
    return [
        request_row(
            "quota progress API, first page of 50", seconds, queries, sql_runs([progress_sql(week, start, end)], repeat)
        )
    ]


def measure_overview(repeat: int) -> list[dict]:
    from reports.selectors.periods import latest_month_with_data, months_back
    from scoring.models import SCORED, Kind

    period = latest_month_with_data()
    t = tables()
    month = "c.start_time >= %(start)s AND c.start_time < %(end)s"
    stats = (
        "count(c.id), sum(CASE WHEN c.recording <> '' THEN 1 ELSE 0 END), avg(c.talk_seconds), "
        "avg(c.talk_seconds + c.hold_seconds + c.acw_seconds), avg(c.csat), count(c.csat)"
    )
    counted = (
        f"FROM {t['evaluation']} e JOIN {t['call']} c ON c.id = e.call_id "
        f"WHERE e.kind = '{Kind.REGULAR}' AND e.status IN ({in_list(SCORED)})"
    )
    months = months_back(period, 6)
    bucket = " ".join(f"WHEN c.start_time >= %(m{i})s THEN '{i}'" for i in reversed(range(len(months))))
    sql = f"""
        SELECT 'line', l.code, {stats} FROM {t["call"]} c LEFT JOIN {t["line"]} l ON l.id = c.line_of_business_id
            WHERE {month} GROUP BY l.code
        UNION ALL SELECT 'shift', s.code, {stats} FROM {t["call"]} c LEFT JOIN {t["shift"]} s ON s.id = c.shift_id
            WHERE {month} GROUP BY s.code
        UNION ALL SELECT 'direction', c.direction, {stats} FROM {t["call"]} c WHERE {month} GROUP BY c.direction
        UNION ALL SELECT 'total', NULL, {stats} FROM {t["call"]} c WHERE {month}
        UNION ALL SELECT 'agents', NULL, count(*), 0, 0, 0, 0, 0 FROM {t["agent"]} WHERE active
        UNION ALL SELECT 'teams', NULL, count(*), 0, 0, 0, 0, 0 FROM {t["team"]}
        UNION ALL SELECT 'qa month', NULL, count(*), sum(CASE WHEN e.critical_failed THEN 1 ELSE 0 END), avg(e.total),
            avg(e.total * e.total), 0, 0 {counted} AND {month}
        UNION ALL SELECT 'qa trend', CASE {bucket} END AS m, count(*), 0, avg(e.total), avg(e.total * e.total), 0, 0
            {counted} AND c.start_time >= %(m0)s AND c.start_time < %(end)s GROUP BY m
        UNION ALL SELECT 'weakest', k.text, count(*), 0,
            sum(k.points * (k.scale_max - a.value) * 1.0 / k.scale_max), sum(k.points), 0, 0
            FROM {t["answer"]} a JOIN {t["criterion"]} k ON k.id = a.criterion_id
            WHERE NOT a.is_na AND a.value IS NOT NULL AND a.evaluation_id IN (SELECT e.id {counted} AND {month})
            GROUP BY k.id, k.text"""
    params = {"start": db(period.start), "end": db(period.end), **{f"m{i}": db(m.start) for i, m in enumerate(months)}}
    urls = [f"/overview/?month={period.label}"] * (repeat + 1)
    seconds, queries = requests(client_for("manager"), "get", urls)
    note = "SQL: call figures by line/shift/direction/total, counts, QA month, 6-month trend, lost points by criterion"
    return [request_row("manager overview (/overview/)", seconds, queries, sql_runs([(sql, params)], repeat), note)]


def measure_evaluations_list(repeat: int) -> list[dict]:
    t = tables()
    sql = f"""
        SELECT e.*, c.*, l.*, g.*, t.*, u.username, v.*, s.*
        FROM {t["evaluation"]} e
        JOIN {t["call"]} c ON c.id = e.call_id
        LEFT JOIN {t["line"]} l ON l.id = c.line_of_business_id
        JOIN {t["agent"]} g ON g.id = e.agent_id
        LEFT JOIN {t["team"]} t ON t.id = g.team_id
        JOIN {t["user"]} u ON u.id = e.evaluator_id
        JOIN {t["version"]} v ON v.id = e.version_id
        JOIN {t["scorecard"]} s ON s.id = v.scorecard_id
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT 50"""
    count = f"SELECT count(*) FROM {t['evaluation']}"
    urls = ["/api/v1/evaluations/"] * (repeat + 1)
    seconds, queries = requests(client_for("manager"), "get", urls)
    sql_seconds = sql_runs([(sql, {}), (count, {})], repeat)
    return [
        request_row("evaluations API, first page of 50 (manager)", seconds, queries, sql_seconds, "SQL: + COUNT(*)")
    ]


def drafts(username: str, n: int) -> list[tuple[int, list[dict]]]:
    """n drafts of `username`'s open assignments (regular evaluations) and their answers: the top of each scale."""
    from django.contrib.auth import get_user_model

    from monitoring.models import Assignment, AssignmentStatus
    from scoring import services
    from scoring.models import Criterion, Kind

    user = get_user_model().objects.get(username=username)
    out = []
    for assignment in Assignment.objects.filter(evaluator=user, status=AssignmentStatus.OPEN).order_by("pk"):
        evaluation = services.evaluation_start_from_assignment(assignment=assignment, by=user)
        if evaluation.kind != Kind.REGULAR:
            continue
        answers = [
            {"criterion": c.pk, "value": c.scale_max, "comment": "ok"}
            for c in Criterion.objects.filter(section__version=evaluation.version_id)
        ]
        out.append((evaluation.pk, answers))
        if len(out) == n:
            break
    if len(out) < n:
        raise SystemExit(f"{username} has only {len(out)} open assignments to submit")
    return out


def measure_submit(repeat: int) -> list[dict]:
    work = drafts("qa", repeat + 1)
    client = client_for("qa")
    urls = [f"/api/v1/evaluations/{pk}/submit/" for pk, _ in work]
    seconds, queries = requests(client, "post", urls, [{"answers": answers} for _, answers in work])
    bare_urls = [f"/bench/bare-submit/{pk}/" for pk, _ in work]
    bare, bare_queries = requests(client, "post", bare_urls, [{} for _ in work])
    row = request_row(f"evaluation submit, {len(work[0][1])} criteria (qa)", seconds, queries, None)
    row["sql_ms"] = 1000 * statistics.median(bare)
    row["note"] = f"SQL column: bare DRF endpoint, same auth ({bare_queries} queries)"
    return [row]


def measure_submit_4(repeat: int) -> list[dict]:
    """4 clients at once (qa, qa2, qa3, qa4), each in a thread with its own client and connection."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        return [{"path": "evaluation submit, 4 clients", "note": "skipped on SQLite (one writer at a time)"}]
    per_client = max(5, repeat // 2)
    users = ["qa", "qa2", "qa3", "qa4"]
    work = {u: drafts(u, per_client + 1) for u in users}
    clients = {u: client_for(u) for u in users}
    for u in users:  # warm-up, one each, sequential
        pk, answers = work[u].pop(0)
        assert (
            clients[u].post(f"/api/v1/evaluations/{pk}/submit/", {"answers": answers}, format="json").status_code == 200
        )
    seconds: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(len(users))

    def worker(u: str) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            for pk, answers in work[u]:
                started = time.perf_counter()
                r = clients[u].post(f"/api/v1/evaluations/{pk}/submit/", {"answers": answers}, format="json")
                seconds.append(time.perf_counter() - started)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.content[:200]!r}")
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    row = request_row("evaluation submit, 4 clients at once", seconds, 0, None)
    note = f"{len(seconds)} submits, " + (f"{len(errors)} failed, e.g. {errors[0]}" if errors else "none failed")
    row.update(per_s=len(seconds) / wall, queries=None, note=note)
    return [row]


def measure_run_sampling(repeat: int) -> list[dict]:
    """One week's plan from nothing (seed_demo's deleted), then the same number of picks in SQL."""
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitoring.models import Assignment
    from planning.periods import week_bounds

    week, iso, _ = forget_last_week_plan()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        call_command("run_sampling", week=iso, seed=1, stdout=io.StringIO())
        seconds = time.perf_counter() - started
    assigned = Assignment.objects.count()
    start, end = week_bounds(week)
    t = tables()
    pick = f"""
        CREATE TEMP TABLE bench_pick AS
        SELECT x.id, x.agent_id FROM (
            SELECT c.id, c.agent_id, ROW_NUMBER() OVER (PARTITION BY c.agent_id ORDER BY random()) AS rn
            FROM {t["call"]} c WHERE c.start_time >= %(start)s AND c.start_time < %(end)s
        ) x JOIN {t["tier"]} r ON r.agent_id = x.agent_id AND r.week_start = %(week)s
        WHERE x.rn <= r.target"""
    params = {"week": db(week), "start": db(start), "end": db(end)}
    sql_seconds = sql_runs([(pick, params), ("DROP TABLE bench_pick", {})], min(repeat, 5))
    with connection.cursor() as cursor:
        cursor.execute(pick, params)
        cursor.execute("SELECT count(*) FROM bench_pick")
        picked = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_pick")
    return [
        {
            "path": f"run_sampling, one week ({iso})",
            "median_ms": 1000 * seconds,
            "per_s": assigned / seconds,
            "unit": "rows/s",
            "sql_ms": 1000 * sql_seconds,
            "queries": len(captured),
            "note": f"{assigned:,} assignments; SQL picks {picked:,} (agent targets, no strata, no writes to the plan)",
        }
    ]


def print_table(rows: list[dict]) -> None:
    print()
    print("| backend | agents | path | product | SQL (ms) | ratio | queries | peak RSS | note |")
    print("|---|--:|---|---|--:|--:|--:|--:|---|")
    for r in rows:
        if "median_ms" not in r:
            print(f"| {r['backend']} | {r['agents']:,} | {r['path']} | – | – | – | – | – | {r.get('note', '')} |")
            continue
        rate = f"{r['per_s']:,.1f}" if r["per_s"] < 10 else f"{r['per_s']:,.0f}"
        product = f"{r['median_ms']:,.1f} ms"
        if "p95_ms" in r:
            product += f" (p95 {r['p95_ms']:,.1f}; {rate} {r['unit']})"
        else:
            product += f" ({rate} {r['unit']})"
        sql = f"{r['sql_ms']:,.1f}" if r.get("sql_ms") is not None else "–"
        ratio = f"{r['median_ms'] / r['sql_ms']:,.1f}×" if r.get("sql_ms") else "–"
        queries = r["queries"] if r.get("queries") is not None else "–"
        rss = f"{r['rss_mb']:,.0f} MB (+{r['rss_growth_mb']:,.0f})" if r.get("rss_mb") else "–"
        print(
            f"| {r['backend']} | {r['agents']:,} | {r['path']} | {product} | {sql} | {ratio} | {queries} | {rss} | {r.get('note', '')} |"
        )


if __name__ == "__main__":
    sys.exit(main())
