"""The coaching report (DESIGN.md §5): did the plans' goals improve — center-wide, by owner and by
criterion or category — with the plans by status and the overdue ones.

Definitions (each verdict from `selectors.effect`):
- A goal is *measurable* (has evidence) when its verdict is met, improved or not met — not "not
  enough evidence yet"; a goal is
  *shown improved* when its verdict is "met" or "improved" (the interval says so).
- Goals improved = shown-improved goals / measurable goals.
- A plan counts once at least one of its goals is measurable; it *improved* when every one of
  its goals is shown improved (a goal still without evidence keeps the plan from counting as
  improved).
- Every share carries its n and a 95 % Wilson interval (`scoring.stats.proportion_interval`).
- Overdue plans: marked overdue, or open / in progress past their deadline (the nightly task
  has not run yet).

The report is the user's scope (`plans_visible_to`: a supervisor sees their teams' plans) and
costs the same few queries whatever the number of plans.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from qa_platform.names import person_name
from scoring.stats import proportion_interval

from ..models import ACTIVE_PLAN_STATUSES, CoachingGoal, CoachingPlan, GoalScope, PlanStatus
from .effect import VERDICT_LABELS, VERDICTS, GoalEffect, goal_effects
from .plans import plans_visible_to


@dataclass(frozen=True)
class Share:
    """k of n, with its 95 % Wilson interval."""

    k: int
    n: int

    @property
    def percent(self) -> float | None:
        return 100 * self.k / self.n if self.n else None

    @property
    def percent_interval(self) -> tuple[float, float] | None:
        ci = proportion_interval(self.k, self.n)
        return None if ci is None else (100 * ci[0], 100 * ci[1])


@dataclass
class _Tally:
    goals_k: int = 0
    goals_n: int = 0
    plans_k: int = 0
    plans_n: int = 0
    plans: set = field(default_factory=set)
    goals_all: int = 0


@dataclass(frozen=True)
class ReportRow:
    key: object
    label: str
    plans: int  # plans in the row, whatever their evidence
    goals_total: int
    goals: Share  # shown improved / measurable goals
    plans_improved: Share | None  # by owner only: a plan's goals can name several criteria


@dataclass(frozen=True)
class CoachingReport:
    now: dt.datetime
    plans_total: int
    by_status: list[tuple[str, str, int]]  # (status, label, plans)
    goals_total: int
    verdicts: list[tuple[str, str, int]]  # (verdict, label, goals)
    goals: Share
    plans_improved: Share
    by_owner: list[ReportRow]
    by_target: list[ReportRow]
    overdue: list[CoachingPlan]
    agents_on_plans: int  # agents with an open, in-progress or overdue plan

    def status_count(self, status: str) -> int:
        return next((n for s, _label, n in self.by_status if s == status), 0)

    @property
    def active(self) -> int:
        return sum(self.status_count(s) for s in ACTIVE_PLAN_STATUSES)


def coaching_report_for(user, *, now: dt.datetime | None = None) -> CoachingReport:
    """The report on the plans `user` may see."""
    return coaching_report(plans_visible_to(user), now=now)


def coaching_report(plans: QuerySet[CoachingPlan], *, now: dt.datetime | None = None) -> CoachingReport:
    """The report on `plans` (three queries: the plans, their goals, the answers behind them)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    plan_list = list(plans.select_related("agent", "agent__team", "owner").order_by("deadline", "pk"))
    by_id = {p.pk: p for p in plan_list}
    goals = list(
        CoachingGoal.objects.filter(plan_id__in=plans.values("pk"))
        .select_related("scorecard")
        .order_by("plan_id", "pk")
    )
    goals = [g for g in goals if g.plan_id in by_id]
    for goal in goals:
        goal.plan = by_id[goal.plan_id]
    effects = goal_effects(goals, now=now)

    goals_of: dict[int, list[GoalEffect]] = defaultdict(list)
    for goal in goals:
        goals_of[goal.plan_id].append(effects[goal.pk])

    owners: dict[int, _Tally] = defaultdict(_Tally)
    targets: dict[tuple, _Tally] = defaultdict(_Tally)
    target_labels: dict[tuple, str] = {}
    total = _Tally()
    for plan in plan_list:
        plan_effects = goals_of.get(plan.pk, [])
        owner = owners[plan.owner_id]
        owner.plans.add(plan.pk)
        if any(e.measurable for e in plan_effects):
            improved = all(e.shown_improved for e in plan_effects)
            for tally in (owner, total):
                tally.plans_n += 1
                tally.plans_k += improved
    for goal in goals:
        effect = effects[goal.pk]
        key = _target_key(goal)
        target_labels.setdefault(key, _target_label(goal))
        targets[key].plans.add(goal.plan_id)
        for tally in (owners[goal.plan.owner_id], targets[key], total):
            tally.goals_all += 1
            if effect.measurable:
                tally.goals_n += 1
                tally.goals_k += effect.shown_improved

    owner_users = {p.owner_id: p.owner for p in plan_list}
    by_owner = [
        ReportRow(
            key=pk,
            label=person_name(u.first_name, u.last_name, u.username),
            plans=len(owners[pk].plans),
            goals_total=owners[pk].goals_all,
            goals=Share(owners[pk].goals_k, owners[pk].goals_n),
            plans_improved=Share(owners[pk].plans_k, owners[pk].plans_n),
        )
        for pk, u in owner_users.items()
    ]
    by_target = [
        ReportRow(
            key=key,
            label=target_labels[key],
            plans=len(t.plans),
            goals_total=t.goals_all,
            goals=Share(t.goals_k, t.goals_n),
            plans_improved=None,
        )
        for key, t in targets.items()
    ]
    statuses = Counter(p.status for p in plan_list)
    verdicts = Counter(e.verdict for e in effects.values())
    return CoachingReport(
        now=now,
        plans_total=len(plan_list),
        by_status=[(s, str(label), statuses.get(s, 0)) for s, label in PlanStatus.choices],
        goals_total=len(goals),
        verdicts=[(v, str(VERDICT_LABELS[v]), verdicts.get(v, 0)) for v in VERDICTS],
        goals=Share(total.goals_k, total.goals_n),
        plans_improved=Share(total.plans_k, total.plans_n),
        by_owner=sorted(by_owner, key=lambda r: (-r.plans, r.label)),
        by_target=sorted(by_target, key=lambda r: (-r.goals_total, r.label)),
        overdue=[p for p in plan_list if is_overdue(p, today)],
        agents_on_plans=len({p.agent_id for p in plan_list if p.status in ACTIVE_PLAN_STATUSES}),
    )


def is_overdue(plan: CoachingPlan, today: dt.date) -> bool:
    if plan.status == PlanStatus.OVERDUE:
        return True
    return plan.status in (PlanStatus.OPEN, PlanStatus.IN_PROGRESS) and plan.deadline < today


def _target_key(goal: CoachingGoal) -> tuple:
    if goal.scope == GoalScope.CRITERION:
        return (GoalScope.CRITERION, goal.scorecard_id, goal.criterion_text)
    return (GoalScope.CATEGORY, goal.category)


def _target_label(goal: CoachingGoal) -> str:
    if goal.scope == GoalScope.CRITERION and goal.scorecard is not None:
        return f"{goal.criterion_text} ({goal.scorecard.name})"
    return str(goal.label)


@dataclass(frozen=True)
class CenterCoaching:
    """The center PDF's coaching section: the report on every plan, and the month's movement."""

    report: CoachingReport
    created_in_period: int
    completed_in_period: int


def center_coaching(*, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> CenterCoaching:
    """Every plan of the center as it stands `now`, with the plans created and completed in
    [start, end)."""
    report = coaching_report(CoachingPlan.objects.all(), now=now)
    plans = CoachingPlan.objects.all()
    return CenterCoaching(
        report=report,
        created_in_period=plans.filter(created_at__gte=start, created_at__lt=end).count(),
        completed_in_period=plans.filter(completed_at__gte=start, completed_at__lt=end).count(),
    )
