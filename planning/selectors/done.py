"""What is already done outside the plan's assignments, read from scoring's evaluations: the
one definition the sampler (agent targets, line minimums) and the progress pages share."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from monitoring.models import SECONDARY_REASONS, Assignment, AssignmentStatus
from qa_platform.roles import MANAGER, QA, SUPERVISOR, TRAINER
from scoring.models import Evaluation, Kind

# The routing role an ad-hoc evaluator's work counts for (a manager's counts as QA's).
ROLE_OF = {QA: QA, SUPERVISOR: SUPERVISOR, TRAINER: TRAINER, MANAGER: QA}


def evaluated_calls() -> QuerySet:
    """Calls that already have a regular evaluation or a double-scoring second (a subquery, never
    a list). A calibration session's scores do not count: a call discussed in a session can still
    be sampled for the agent's quota."""
    return Evaluation.objects.filter(
        Q(kind=Kind.REGULAR) | Q(kind=Kind.CALIBRATION, calibration_item__isnull=True)
    ).values("call_id")


def outside_evaluations(start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Regular evaluations of the period's calls made without an assignment, on calls that have
    no primary assignment (not double scoring, not cancelled): the planned work the assignments
    do not already count. Count them by DISTINCT call_id — a call scored ad hoc by two people is
    one call. The one definition the sampler (`done_by_agent`, `done_by_line`) and the progress
    page (`selectors.progress`) share."""
    primary = (
        Assignment.objects.filter(call=OuterRef("call_id"))
        .exclude(reason__in=SECONDARY_REASONS)
        .exclude(status=AssignmentStatus.CANCELLED)
    )
    return Evaluation.objects.filter(
        kind=Kind.REGULAR, assignment__isnull=True, call__start_time__gte=start, call__start_time__lt=end
    ).exclude(Exists(primary))


def done_by_agent(start: dt.datetime, end: dt.datetime) -> dict[int, Counter]:
    """Distinct calls evaluated outside assignments, per agent and evaluator role; a call scored
    by several people counts once, for the role of its earliest evaluation."""
    out: dict[int, Counter] = defaultdict(Counter)
    seen: set[int] = set()
    rows = (
        outside_evaluations(start, end)
        .order_by("call_id", "created_at", "pk")
        .values_list("call_id", "agent_id", "evaluator_role")
    )
    for call_id, agent_id, role in rows.iterator(chunk_size=10_000):
        if call_id in seen:
            continue
        seen.add(call_id)
        out[agent_id][ROLE_OF.get(role, QA)] += 1
    return out


def outside_calls_by(group: str, start: dt.datetime, end: dt.datetime, among=None) -> dict[int, int]:
    """Distinct calls evaluated outside assignments, counted per `group` ("agent_id" or
    "call__line_of_business_id"), optionally only for the ids in `among`."""
    qs = outside_evaluations(start, end)
    if among is not None:
        qs = qs.filter(**{f"{group}__in": among})
    return dict(qs.values(group).annotate(n=Count("call_id", distinct=True)).order_by().values_list(group, "n"))


def done_by_line(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Distinct calls evaluated outside assignments, per line of business."""
    return outside_calls_by("call__line_of_business_id", start, end)
