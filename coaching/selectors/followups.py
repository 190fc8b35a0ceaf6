"""What planning reads from coaching (DESIGN.md §3, §7): which agents have an active plan, and
the service types its follow-up monitoring should sample.

A goal names its follow-up service types, or leaves them empty: then they are where the agent
lost points on the goal's criterion (or category) in their scored regular evaluations of the
last `LOOKBACK_DAYS` before now — the `TOP_SERVICE_TYPES` service types with most such losses.
Three queries whatever the number of agents.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.utils import timezone

from scoring.models import SCORED, Answer, Kind

from ..models import ACTIVE_PLAN_STATUSES, CoachingGoal, CoachingPlan, GoalScope

LOOKBACK_DAYS = 90
TOP_SERVICE_TYPES = 2


@dataclass
class FollowUp:
    plan_ids: list[int] = field(default_factory=list)
    service_types: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


def follow_up_targets(*, agent_ids=None, now: dt.datetime | None = None) -> dict[int, FollowUp]:
    """{agent id: FollowUp} for every agent with an open, in-progress or overdue plan (among
    `agent_ids` when given)."""
    goals = CoachingGoal.objects.filter(plan__status__in=ACTIVE_PLAN_STATUSES).select_related("plan")
    if agent_ids is not None:
        goals = goals.filter(plan__agent_id__in=agent_ids)
    goals = list(
        goals.only("plan__agent_id", "plan_id", "scope", "scorecard_id", "criterion_text", "category", "service_types")
    )
    out: dict[int, FollowUp] = {}
    # Plans without goals still make the agent at risk.
    plans = CoachingPlan.objects.filter(status__in=ACTIVE_PLAN_STATUSES)
    if agent_ids is not None:
        plans = plans.filter(agent_id__in=agent_ids)
    for plan_id, agent_id in plans.values_list("pk", "agent_id"):
        out.setdefault(agent_id, FollowUp()).plan_ids.append(plan_id)
    derive = [g for g in goals if not g.service_types]
    losses = _losses_by_service_type({g.plan.agent_id for g in derive}, now or timezone.now()) if derive else {}
    for goal in goals:
        follow = out.setdefault(goal.plan.agent_id, FollowUp())
        follow.goals.append(goal.label)
        if goal.service_types:
            types = list(goal.service_types)
        else:
            counter: Counter = Counter()
            for (agent_id, scorecard_id, text, category, service_type), n in losses.items():
                if agent_id != goal.plan.agent_id or not service_type:
                    continue
                if goal.scope == GoalScope.CRITERION and (scorecard_id, text) == (
                    goal.scorecard_id,
                    goal.criterion_text,
                ):
                    counter[service_type] += n
                elif goal.scope == GoalScope.CATEGORY and category == goal.category:
                    counter[service_type] += n
            types = [t for t, _n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SERVICE_TYPES]]
        for t in types:
            if t not in follow.service_types:
                follow.service_types.append(t)
    for follow in out.values():
        follow.service_types.sort()
    return out


def _losses_by_service_type(agent_ids: set[int], now: dt.datetime) -> dict[tuple, int]:
    rows = (
        Answer.objects.filter(
            evaluation__agent_id__in=agent_ids,
            evaluation__kind=Kind.REGULAR,
            evaluation__status__in=SCORED,
            evaluation__call__start_time__gte=now - dt.timedelta(days=LOOKBACK_DAYS),
            is_na=False,
            value__isnull=False,
            value__lt=F("criterion__scale_max"),
        )
        .values(
            "evaluation__agent_id",
            "criterion__section__version__scorecard_id",
            "criterion__text",
            "criterion__category",
            "evaluation__call__service_type",
        )
        .annotate(n=Count("pk"))
    )
    out: dict[tuple, int] = defaultdict(int)
    for r in rows:
        key = (
            r["evaluation__agent_id"],
            r["criterion__section__version__scorecard_id"],
            r["criterion__text"],
            r["criterion__category"],
            r["evaluation__call__service_type"],
        )
        out[key] += r["n"]
    return out
