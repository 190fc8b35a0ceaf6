"""Two runs of the same week's plan at once, through Redis, in a real Celery worker, on PostgreSQL.

The worker runs two tasks at a time (--concurrency 2). Both runs of `planning.sample_week` are
sent before either is awaited, so they race: the week's SamplingRun row lock must make the second
wait for the first and then find its assignments (DESIGN.md §3: "running it twice assigns
nothing more ... database constraints, not hope").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Count

from monitoring.models import Assignment, AssignmentReason
from planning.models import SamplingKind, SamplingRun
from planning.services import plan as plan_svc
from planning.tasks import sample_week

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEED = 11


def _signature() -> set[tuple]:
    return set(Assignment.objects.values_list("call_id", "evaluator_id", "evaluator_role", "reason"))


def _forget_the_plans() -> None:
    Assignment.objects.all().delete()
    SamplingRun.objects.all().delete()


@pytest.mark.parametrize(
    "runs_before",
    [
        pytest.param(0, id="first-runs"),  # no SamplingRun row yet: creating it serialises the runs
        pytest.param(1, id="reruns"),  # the row exists: its row lock (select_for_update) does
    ],
)
def test_two_concurrent_runs_of_a_week_assign_each_call_once(celery_worker, runs_before):
    call_command("seed_demo", agents=24, weeks=3, calls_per_agent_week=20, seed=5, stdout=io.StringIO())
    week = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start
    # seed_demo planned its last week: start that week's assignments from nothing.
    if runs_before:
        Assignment.objects.all().delete()
    else:
        _forget_the_plans()

    first = sample_week.delay(week=week.isoformat(), seed=SEED)
    second = sample_week.delay(week=week.isoformat(), seed=SEED)
    reports = [first.get(timeout=120), second.get(timeout=120)]

    added = sorted(r["added"] for r in reports)
    assert added[0] == 0, reports  # whichever ran second found the first one's work
    assert added[1] > 0
    assert Assignment.objects.count() == added[1]
    # No call has two primary assignments, no evaluator has a call twice.
    primaries = Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING)
    assert not primaries.values("call").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not Assignment.objects.values("call", "evaluator").annotate(n=Count("pk")).filter(n__gt=1).exists()
    primary_by_call = dict(primaries.values_list("call_id", "evaluator_id"))
    for call_id, evaluator_id in Assignment.objects.filter(reason=AssignmentReason.DOUBLE_SCORING).values_list(
        "call_id", "evaluator_id"
    ):
        assert primary_by_call[call_id] != evaluator_id
    runs = dict(SamplingRun.objects.filter(period_start=week).values_list("kind", "runs"))
    assert runs[SamplingKind.AGENT_WEEK] == runs_before + 2

    # Exactly one run's worth: what a single run in this process makes of the same data and seed.
    concurrent = _signature()
    _forget_the_plans()
    alone = plan_svc.plan_week(week_start=week, seed=SEED)
    assert alone.added == added[1]
    assert _signature() == concurrent

    # Both ran in the worker, in its two pool processes, at the same time.
    spans = _task_spans(celery_worker, [first.id, second.id])
    assert spans[first.id][0] != spans[second.id][0]
    (_, start_1, end_1), (_, start_2, end_2) = spans.values()
    assert max(start_1, start_2) < min(end_1, end_2), spans


def _task_spans(worker, task_ids: list[str]) -> dict[str, tuple[str, float, float]]:
    """{task id: (pool process, start, end)} from the worker's "succeeded in" log lines (which
    the worker writes just after storing the result: wait a moment for them)."""
    line = re.compile(
        r"\[(?P<at>[\d-]+ [\d:]+,\d+): INFO/(?P<process>ForkPoolWorker-\d+)\] "
        r"Task planning\.sample_week\[(?P<id>[^\]]+)\] succeeded in (?P<seconds>[\d.]+)s"
    )
    deadline = time.monotonic() + 10
    while True:
        spans = {}
        for match in line.finditer(worker.log.read_text(errors="replace")):
            if match["id"] in task_ids:
                end = dt.datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
                spans[match["id"]] = (match["process"], end - float(match["seconds"]), end)
        if len(spans) == len(task_ids) or time.monotonic() > deadline:
            assert sorted(spans) == sorted(task_ids), worker.log_tail()
            return spans
        time.sleep(0.1)


def test_the_database_refuses_a_second_primary_assignment_of_a_call():
    call_command("seed_demo", agents=6, weeks=1, calls_per_agent_week=10, seed=2, stdout=io.StringIO())
    taken = Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING).select_related("call").first()
    on_the_call = Assignment.objects.filter(call=taken.call).values("evaluator")
    other = Assignment.objects.exclude(evaluator__in=on_the_call).values_list("evaluator", flat=True).first()
    fields = {f: getattr(taken, f) for f in ("evaluator_role", "period_start", "due_at")}

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(call=taken.call, evaluator_id=other, reason=AssignmentReason.RANDOM, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            call=taken.call, evaluator_id=taken.evaluator_id, reason=AssignmentReason.DOUBLE_SCORING, **fields
        )
    # A double-scoring copy for someone else is what the constraints allow.
    Assignment.objects.create(call=taken.call, evaluator_id=other, reason=AssignmentReason.DOUBLE_SCORING, **fields)
    reasons = Counter(Assignment.objects.filter(call=taken.call).values_list("reason", flat=True))
    assert reasons[AssignmentReason.DOUBLE_SCORING] >= 1
    assert sum(reasons.values()) - reasons[AssignmentReason.DOUBLE_SCORING] == 1
