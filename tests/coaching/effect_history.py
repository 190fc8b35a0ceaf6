"""A constructed history for the effect tests: scored evaluations written directly (not through
the scoring services, which would take a second each), each on its own call at a chosen time."""

from __future__ import annotations

import datetime as dt
import itertools

from coaching.models import CoachingGoal, CoachingPlan, GoalScope, PlanStatus
from scoring.models import Answer, Evaluation, Kind, Status
from tests import factories as f
from tests.scoring.factories import criteria

_calls = itertools.count(1)


def evaluate(*, agent, version, by, at: dt.datetime, values: dict, kind=Kind.REGULAR, status=Status.SUBMITTED):
    """An evaluation of a new call of `agent` started at `at`, answered with `values`
    ({criterion key: value, or "na"}); criteria not named are left unanswered."""
    call = f.CallFactory(
        agent=agent,
        line_of_business=agent.team.lines_of_business.first(),
        start_time=at,
        external_id=f"EF-{next(_calls)}",
    )
    evaluation = Evaluation.objects.create(
        call=call,
        agent=agent,
        evaluator=by,
        evaluator_role="qa",
        kind=kind,
        version=version,
        status=status,
        total=50,
        submitted_at=at if status != Status.IN_PROGRESS else None,
    )
    by_key = criteria(version)
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, criterion=by_key[k], value=None if v == "na" else v, is_na=v == "na")
        for k, v in values.items()
    )
    return evaluation


def plan_with_goals(
    *, agent, owner, created_at: dt.datetime, goals: list[dict], status=PlanStatus.IN_PROGRESS, **extra
):
    """A plan created at `created_at` with `goals` (CoachingGoal fields; `deadline` defaults to a
    month after creation)."""
    default = (created_at + dt.timedelta(days=30)).date()
    deadline = max((g.get("deadline", default) for g in goals), default=default)
    plan = CoachingPlan.objects.create(
        agent=agent, owner=owner, title=extra.pop("title", "Plan"), status=status, deadline=deadline, **extra
    )
    CoachingPlan.objects.filter(pk=plan.pk).update(created_at=created_at)
    plan.refresh_from_db()
    for g in goals:
        g = {"deadline": default, **g}
        if g.get("criterion") is not None:
            g.setdefault("scope", GoalScope.CRITERION)
            g.setdefault("scorecard", g["criterion"].section.version.scorecard)
            g.setdefault("criterion_text", g["criterion"].text)
        else:
            g.setdefault("scope", GoalScope.CATEGORY)
        CoachingGoal.objects.create(plan=plan, **g)
    return plan
