"""The measured effect of a coaching goal (DESIGN.md §5): the goal's score before the plan and
since it, each with n and a 95 % interval, and the difference with its interval.

- A goal's score on one evaluation = 100 × Σ earned / Σ possible over that evaluation's answered,
  non-N/A answers of the goal's criterion (matched across scorecard versions by the scorecard and
  the criterion's text) or of the goal's category; yes/no earns all its points or none, a scale
  0..k earns points × value / k (scoring/formula.py). An evaluation without such an answer does
  not count.
- Only the agent's regular, scored evaluations count (never calibration, self-evaluations or
  dispute re-scores), placed by the start time of their call.
- "Before" = calls in the `BEFORE_DAYS` days before the plan was created; "since" = calls from
  its creation to now.
- Each window: n, mean and Student's t interval (`scoring.stats.mean_interval`); the difference
  since − before with Welch's interval (`scoring.stats.welch_interval`).
- Verdict: "met" when the since-window's interval lies at or above the target (its lower bound
  ≥ target); "improved" when the difference's interval lies above 0 but the target is not yet
  shown met; "not_met" when the goal's deadline has passed and neither holds; otherwise
  "not_enough" (not enough evidence yet). Fewer than 2 evaluations on either side is always
  "not_enough".

`goal_effects` costs the same number of queries (at most three) whatever the number of goals.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring.formula import YES_NO
from scoring.models import SCORED, Answer, Kind
from scoring.stats import mean_interval, welch_interval

from ..models import CoachingGoal, CoachingPlan, GoalScope

# Eight weeks before the plan: long enough for a handful of evaluations at the usual 3–10 a week
# sampling, short enough to describe the agent as the plan found them.
BEFORE_DAYS = 56

MET, IMPROVED, NOT_MET, NOT_ENOUGH = "met", "improved", "not_met", "not_enough"
VERDICTS = (MET, IMPROVED, NOT_MET, NOT_ENOUGH)
VERDICT_LABELS = {
    MET: _("Met"),
    IMPROVED: _("Improved, target not yet shown met"),
    NOT_MET: _("Not met"),
    NOT_ENOUGH: _("Not enough evidence yet"),
}
# Verdicts that count as "improved" in the coaching report.
SHOWN_IMPROVED = (MET, IMPROVED)


@dataclass(frozen=True)
class Window:
    n: int
    mean: float | None
    ci: tuple[float, float] | None
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class GoalEffect:
    goal_id: int
    label: str
    target: float
    before: Window
    since: Window
    difference: float | None
    difference_ci: tuple[float, float] | None
    verdict: str  # one of VERDICTS
    verdict_label: str
    deadline: dt.date | None = None
    plan_id: int | None = None

    @property
    def before_days(self) -> int:
        return (self.before.end - self.before.start).days

    @property
    def measurable(self) -> bool:
        """The goal has a verdict other than "not enough evidence yet" (met, improved, or not
        met by its deadline): the report's denominator, so that "k of n goals with evidence"
        and the count of goals without evidence on the same page add up."""
        return self.verdict != NOT_ENOUGH

    @property
    def shown_improved(self) -> bool:
        return self.verdict in SHOWN_IMPROVED


def verdict_of(
    *, before: Window, since: Window, difference_ci, target: float, deadline: dt.date | None, today: dt.date
) -> str:
    """The rule above, on computed windows (pure)."""
    if before.n < 2 or since.n < 2:
        return NOT_ENOUGH
    if since.ci is not None and since.ci[0] >= target:
        return MET
    if difference_ci is not None and difference_ci[0] > 0:
        return IMPROVED
    if deadline is not None and deadline < today:
        return NOT_MET
    return NOT_ENOUGH


def window_of(scores: list[float], start: dt.datetime, end: dt.datetime) -> Window:
    n = len(scores)
    mean = statistics.fmean(scores) if scores else None
    sd = statistics.stdev(scores) if n >= 2 else None
    return Window(n=n, mean=mean, ci=mean_interval(n, mean, sd), start=start, end=end)


def _side(scores: list[float]) -> tuple[int, float, float]:
    return len(scores), statistics.fmean(scores), statistics.stdev(scores)


def goal_effects(goals: Iterable[CoachingGoal], *, now: dt.datetime | None = None) -> dict[int, GoalEffect]:
    """{goal id: GoalEffect} for `goals` (a queryset or a list), in their order."""
    now = now or timezone.now()
    goals = list(goals)
    if not goals:
        return {}
    plans = _plans_of(goals)
    scores = _scores(goals, plans, now)
    today = timezone.localdate(now)
    out: dict[int, GoalEffect] = {}
    for goal in goals:
        created = plans[goal.plan_id]["created_at"]
        before_scores, since_scores = scores.get(goal.pk, ([], []))
        before = window_of(before_scores, created - dt.timedelta(days=BEFORE_DAYS), created)
        since = window_of(since_scores, created, now)
        if before.n >= 2 and since.n >= 2:
            difference = since.mean - before.mean
            difference_ci = welch_interval(_side(before_scores), _side(since_scores))
        elif before.n and since.n:
            difference, difference_ci = since.mean - before.mean, None
        else:
            difference, difference_ci = None, None
        verdict = verdict_of(
            before=before,
            since=since,
            difference_ci=difference_ci,
            target=goal.target,
            deadline=goal.deadline,
            today=today,
        )
        out[goal.pk] = GoalEffect(
            goal_id=goal.pk,
            label=goal.label,
            target=goal.target,
            before=before,
            since=since,
            difference=difference,
            difference_ci=difference_ci,
            verdict=verdict,
            verdict_label=VERDICT_LABELS[verdict],
            deadline=goal.deadline,
            plan_id=goal.plan_id,
        )
    return out


def _plans_of(goals: list[CoachingGoal]) -> dict[int, dict]:
    """{plan id: {"agent_id", "created_at"}}, from the goals' cached plans or in one query."""
    if all(CoachingGoal.plan.is_cached(g) for g in goals):
        return {g.plan_id: {"agent_id": g.plan.agent_id, "created_at": g.plan.created_at} for g in goals}
    rows = CoachingPlan.objects.filter(pk__in={g.plan_id for g in goals}).values("pk", "agent_id", "created_at")
    return {r["pk"]: r for r in rows}


def _scores(goals: list[CoachingGoal], plans: dict[int, dict], now: dt.datetime) -> dict[int, tuple[list, list]]:
    """{goal id: (before scores, since scores)}, each list ordered by the call's start time."""
    agent_ids = {p["agent_id"] for p in plans.values()}
    earliest = min(p["created_at"] for p in plans.values()) - dt.timedelta(days=BEFORE_DAYS)
    categories = {g.category for g in goals if g.scope == GoalScope.CATEGORY}
    criteria = {(g.scorecard_id, g.criterion_text) for g in goals if g.scope == GoalScope.CRITERION}
    which = Q(criterion__category__in=categories) | Q(
        criterion__section__version__scorecard_id__in={s for s, _t in criteria},
        criterion__text__in={t for _s, t in criteria},
    )
    rows = (
        Answer.objects.filter(
            which,
            evaluation__agent_id__in=agent_ids,
            evaluation__kind=Kind.REGULAR,
            evaluation__status__in=SCORED,
            evaluation__call__start_time__gte=earliest,
            evaluation__call__start_time__lte=now,
            is_na=False,
            value__isnull=False,
        )
        .values_list(
            "evaluation_id",
            "evaluation__agent_id",
            "evaluation__call__start_time",
            "criterion__section__version__scorecard_id",
            "criterion__text",
            "criterion__category",
            "criterion__kind",
            "criterion__points",
            "criterion__scale_max",
            "value",
        )
        .order_by("evaluation__call__start_time", "evaluation_id")
    )
    # (agent, "criterion", scorecard, text) or (agent, "category", category) → {evaluation: [earned, possible, start]}
    sums: dict[tuple, dict[int, list]] = defaultdict(dict)
    for evaluation_id, agent_id, start, scorecard_id, text, category, kind, points, scale_max, value in rows:
        earned = (points if value else 0) if kind == YES_NO else points * value / scale_max
        for key in ((agent_id, GoalScope.CRITERION, scorecard_id, text), (agent_id, GoalScope.CATEGORY, category)):
            entry = sums[key].setdefault(evaluation_id, [0.0, 0.0, start])
            entry[0] += earned
            entry[1] += points
    out: dict[int, tuple[list, list]] = {}
    for goal in goals:
        plan = plans[goal.plan_id]
        if goal.scope == GoalScope.CRITERION:
            key = (plan["agent_id"], GoalScope.CRITERION, goal.scorecard_id, goal.criterion_text)
        else:
            key = (plan["agent_id"], GoalScope.CATEGORY, goal.category)
        created = plan["created_at"]
        start = created - dt.timedelta(days=BEFORE_DAYS)
        before, since = [], []
        for earned, possible, call_start in sums.get(key, {}).values():
            if not possible:
                continue
            score = 100 * earned / possible
            if start <= call_start < created:
                before.append(score)
            elif created <= call_start <= now:
                since.append(score)
        out[goal.pk] = (before, since)
    return out
