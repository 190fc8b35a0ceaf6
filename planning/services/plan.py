"""The weekly monitoring plan (DESIGN.md §3): tiers, agent quotas, then the line top-up of the
month(s) the week touches. `plan_week` is what the Celery task, `run_sampling`, the "sample
now" button and the demo call.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from coaching.selectors.followups import follow_up_targets
from monitoring.models import Agent
from scoring.models import SCORED, Evaluation, Kind

from ..models import AgentTier, SamplingKind, SamplingRun
from ..periods import monday, months_of_week, week_bounds
from ..policies import PolicyBook
from ..strata import SamplingReport
from ..tiers import classify, one_decimal
from .sampling import sample_agent_week
from .topup import topup_line_month


@transaction.atomic
def agent_tiers_refresh(*, week_start: dt.date) -> int:
    """Compute and store every active agent's tier for the week (one upsert, a few queries).

    A week already sampled keeps its tiers: its assignments were drawn from them, and the
    progress page measures the week against them, so a later run (or a late evaluation) must
    not rewrite them. Whether it was sampled is read under the week's lock when the week has
    one (the row the sampler locks), so a run in progress is waited for and then seen.
    Returns the number of tiers the week has."""
    week_start = monday(week_start)
    run = SamplingRun.objects.select_for_update().filter(kind=SamplingKind.AGENT_WEEK, period_start=week_start).first()
    if run is not None and run.runs > 0:
        return AgentTier.objects.filter(week_start=week_start).count()
    policies = PolicyBook()
    longest = policies.longest_trailing_weeks
    start, _ = week_bounds(week_start - dt.timedelta(weeks=longest))
    end, _ = week_bounds(week_start)
    rows = Evaluation.objects.filter(
        kind=Kind.REGULAR, status__in=SCORED, call__start_time__gte=start, call__start_time__lt=end
    ).values_list("agent_id", "call__start_time", "total", "critical_failed")
    by_agent: dict[int, list[tuple]] = defaultdict(list)
    for agent_id, started, total, critical in rows.iterator(chunk_size=10_000):
        by_agent[agent_id].append((started, float(total), critical))
    tiers = []
    # Plans as they stand now (the week is being planned now); derived follow-up service types
    # come from losses before the week.
    follow_ups = follow_up_targets(now=end)
    for agent in Agent.objects.filter(active=True).only("pk", "team_id", "hire_date"):
        follow_up = follow_ups.get(agent.pk)
        policy = policies.for_team(agent.team_id)
        since, _ = week_bounds(week_start - dt.timedelta(weeks=policy.trailing_weeks))
        scores = [(total, critical) for started, total, critical in by_agent.get(agent.pk, ()) if started >= since]
        result = classify(
            totals=[t for t, _c in scores],
            critical_failures=sum(1 for _t, c in scores if c),
            tenure_days=(week_start - agent.hire_date).days,
            coaching_open=follow_up is not None,
            policy=policy,
        )
        tiers.append(
            AgentTier(
                agent=agent,
                week_start=week_start,
                tier=result.tier,
                target=policy.target_for(result.tier),
                average=one_decimal(result.average),
                evaluations=result.n,
                ci_low=one_decimal(result.ci[0]) if result.ci else None,
                ci_high=one_decimal(result.ci[1]) if result.ci else None,
                critical_failures=result.critical_failures,
                new_hire=result.new_hire,
                open_coaching_plan=follow_up is not None,
                focus_service_types=follow_up.service_types if follow_up else [],
                straddles_boundary=result.straddles,
                reason=result.reason[:200],
            )
        )
    AgentTier.objects.bulk_create(
        tiers,
        batch_size=2_000,
        update_conflicts=True,
        unique_fields=["agent", "week_start"],
        update_fields=[
            "tier",
            "target",
            "average",
            "evaluations",
            "ci_low",
            "ci_high",
            "critical_failures",
            "new_hire",
            "open_coaching_plan",
            "focus_service_types",
            "straddles_boundary",
            "reason",
            "computed_at",
        ],
    )
    return len(tiers)


@dataclass
class WeekPlan:
    week_start: dt.date
    tiers: int
    agents: SamplingReport
    lines: list[SamplingReport]

    @property
    def added(self) -> int:
        return self.agents.added + sum(r.added for r in self.lines)

    @property
    def seconds(self) -> float:
        return self.agents.seconds + sum(r.seconds for r in self.lines)


def plan_week(*, week_start: dt.date, seed: int = 0, now: dt.datetime | None = None) -> WeekPlan:
    """Tiers, agent quotas, then the line top-up of the month(s) the week touches (up to the
    week's end). Idempotent: a second run adds nothing."""
    week_start = monday(week_start)
    tiers = agent_tiers_refresh(week_start=week_start)
    agents = sample_agent_week(week_start=week_start, seed=seed, now=now)
    week_end = week_start + dt.timedelta(days=7)
    lines = [
        topup_line_month(month_start=month, until=week_end, seed=seed, now=now) for month in months_of_week(week_start)
    ]
    return WeekPlan(week_start=week_start, tiers=tiers, agents=agents, lines=lines)
