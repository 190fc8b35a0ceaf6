"""The weekly monitoring plan, seen from scoring (DESIGN.md §3).

Scoring knows the evaluations, so it computes each agent's tier and tells the sampler (in
monitoring) which calls are already evaluated and how many evaluations agents and lines already
have outside assignments. `plan_week` is what the Celery task and `run_sampling` call.

Tiers, from the policy's trailing weeks (4) before the week:
excellent (average ≥ 90, no critical failure) → 3 a week; good (80–90) → 5; needs improvement
(70–80) → 7; at risk (< 70, any critical failure, an open coaching plan, or tenure under 90
days) → 10; no evaluations yet → 5. Every number comes from the agent's QuotaPolicy. The 95 %
interval of the average (Student's t) is stored with the tier; when it straddles a tier
boundary the agent is flagged as a candidate for more samples.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from monitoring import sampling
from monitoring.models import (
    Agent,
    AgentTier,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    SamplingKind,
    SamplingRun,
    Tier,
)
from qa_platform.roles import MANAGER, QA, SUPERVISOR, TRAINER

from .models import SCORED, Evaluation, Kind

# Two-sided 95 % Student's t quantiles for 1..30 degrees of freedom; 1.96 beyond.
T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
ROLE_OF = {QA: QA, SUPERVISOR: SUPERVISOR, TRAINER: TRAINER, MANAGER: QA}


def t95(df: int) -> float:
    return T95[df - 1] if 1 <= df <= len(T95) else 1.96


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TierResult:
    tier: str
    reason: str
    average: float | None
    n: int
    ci: tuple[float, float] | None
    critical_failures: int
    new_hire: bool
    straddles: bool


def classify(
    *,
    totals: list[float],
    critical_failures: int,
    tenure_days: int,
    coaching_open: bool,
    policy,
) -> TierResult:
    """Pure: the tier for one agent's trailing scores under `policy`."""
    n = len(totals)
    average = sum(totals) / n if n else None
    ci = None
    if n >= 2:
        variance = sum((x - average) ** 2 for x in totals) / (n - 1)
        half = t95(n - 1) * math.sqrt(variance / n)
        ci = (max(0.0, average - half), min(100.0, average + half))
    new_hire = tenure_days < policy.new_hire_days
    boundaries = (policy.needs_improvement_min, policy.good_min, policy.excellent_min)
    straddles = bool(ci) and any(ci[0] < b <= ci[1] for b in boundaries)
    reasons = []
    if new_hire:
        reasons.append(f"tenure {tenure_days} days")
    if coaching_open:
        reasons.append("open coaching plan")
    if critical_failures:
        reasons.append(f"{critical_failures} critical failure(s)")
    if average is not None and average < policy.needs_improvement_min:
        reasons.append(f"average {average:.1f} < {policy.needs_improvement_min}")
    if reasons:
        tier = Tier.AT_RISK
    elif average is None:
        tier, reasons = Tier.NO_HISTORY, ["no evaluations in the trailing weeks"]
    elif average >= policy.excellent_min:
        tier, reasons = Tier.EXCELLENT, [f"average {average:.1f} ≥ {policy.excellent_min}"]
    elif average >= policy.good_min:
        tier, reasons = Tier.GOOD, [f"average {average:.1f} in {policy.good_min}–{policy.excellent_min}"]
    else:
        tier, reasons = Tier.NEEDS_IMPROVEMENT, [
            f"average {average:.1f} in {policy.needs_improvement_min}–{policy.good_min}"
        ]
    return TierResult(tier, "; ".join(reasons), average, n, ci, critical_failures, new_hire, straddles)


def agent_tiers_refresh(*, week_start: dt.date) -> int:
    """Compute and store every active agent's tier for the week (one upsert, a few queries).

    A week already sampled keeps its tiers: its assignments were drawn from them, and the
    progress page measures the week against them, so a later run (or a late evaluation) must
    not rewrite them. Returns the number of tiers the week has."""
    week_start = sampling.monday(week_start)
    if SamplingRun.objects.filter(kind=SamplingKind.AGENT_WEEK, period_start=week_start, runs__gt=0).exists():
        return AgentTier.objects.filter(week_start=week_start).count()
    policies = sampling.PolicyBook()
    longest = max([policies.default.trailing_weeks, *(p.trailing_weeks for p in policies.by_line.values())])
    start, _ = sampling.week_bounds(week_start - dt.timedelta(weeks=longest))
    end, _ = sampling.week_bounds(week_start)
    rows = Evaluation.objects.filter(
        kind=Kind.REGULAR, status__in=SCORED, call__start_time__gte=start, call__start_time__lt=end
    ).values_list("agent_id", "call__start_time", "total", "critical_failed")
    by_agent: dict[int, list[tuple]] = defaultdict(list)
    for agent_id, started, total, critical in rows.iterator(chunk_size=10_000):
        by_agent[agent_id].append((started, float(total), critical))
    tiers = []
    for agent in Agent.objects.filter(active=True).only("pk", "team_id", "hire_date", "coaching_open", "coaching_focus"):
        policy = policies.for_team(agent.team_id)
        since, _ = sampling.week_bounds(week_start - dt.timedelta(weeks=policy.trailing_weeks))
        scores = [(total, critical) for started, total, critical in by_agent.get(agent.pk, ()) if started >= since]
        result = classify(
            totals=[t for t, _c in scores],
            critical_failures=sum(1 for _t, c in scores if c),
            tenure_days=(week_start - agent.hire_date).days,
            coaching_open=agent.coaching_open,
            policy=policy,
        )
        tiers.append(
            AgentTier(
                agent=agent,
                week_start=week_start,
                tier=result.tier,
                target=policy.target_for(result.tier),
                average=_d(result.average),
                evaluations=result.n,
                ci_low=_d(result.ci[0]) if result.ci else None,
                ci_high=_d(result.ci[1]) if result.ci else None,
                critical_failures=result.critical_failures,
                new_hire=result.new_hire,
                open_coaching_plan=agent.coaching_open,
                focus_service_types=list(agent.coaching_focus or []) if agent.coaching_open else [],
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


def evaluated_calls() -> QuerySet:
    """Calls that already have a regular or calibration evaluation (a subquery, never a list)."""
    return Evaluation.objects.filter(kind__in=(Kind.REGULAR, Kind.CALIBRATION)).values("call_id")


def outside_evaluations(start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Regular evaluations of the period's calls made without an assignment, on calls that have
    no primary assignment (not double scoring, not cancelled): the planned work the assignments
    do not already count. Count them by DISTINCT call_id — a call scored ad hoc by two people is
    one call. The one definition the sampler (`done_by_agent`, `done_by_line`) and the progress
    page (`selectors_progress`) share."""
    primary = (
        Assignment.objects.filter(call=OuterRef("call_id"))
        .exclude(reason=AssignmentReason.DOUBLE_SCORING)
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
    return dict(
        qs.values(group).annotate(n=Count("call_id", distinct=True)).order_by().values_list(group, "n")
    )


def done_by_line(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Distinct calls evaluated outside assignments, per line of business."""
    return outside_calls_by("call__line_of_business_id", start, end)


@dataclass
class WeekPlan:
    week_start: dt.date
    tiers: int
    agents: sampling.SamplingReport
    lines: list[sampling.SamplingReport]

    @property
    def added(self) -> int:
        return self.agents.added + sum(r.added for r in self.lines)

    @property
    def seconds(self) -> float:
        return self.agents.seconds + sum(r.seconds for r in self.lines)


def plan_week(*, week_start: dt.date, seed: int = 0, now: dt.datetime | None = None) -> WeekPlan:
    """Tiers, agent quotas, then the line top-up of the month(s) the week touches (up to the
    week's end). Idempotent: a second run adds nothing."""
    week_start = sampling.monday(week_start)
    start, end = sampling.week_bounds(week_start)
    with transaction.atomic():
        tiers = agent_tiers_refresh(week_start=week_start)
    agents = sampling.sample_agent_week(
        week_start=week_start,
        seed=seed,
        excluded_calls=evaluated_calls(),
        done_by_agent=done_by_agent(start, end),
        now=now,
    )
    lines = []
    months = sampling.months_of_week(week_start)
    week_end = week_start + dt.timedelta(days=7)
    for month in months:
        m_start, m_end = sampling.month_bounds(month)
        lines.append(
            sampling.topup_line_month(
                month_start=month,
                until=week_end,
                seed=seed,
                excluded_calls=evaluated_calls(),
                done_by_line=done_by_line(m_start, m_end),
                now=now,
            )
        )
    return WeekPlan(week_start=week_start, tiers=tiers, agents=agents, lines=lines)


def last_complete_week(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return sampling.monday(today) - dt.timedelta(weeks=1)
