"""Reads of recognition: each agent's weekly figures, streaks and improvement over their own
baseline, the badges and kudos, and the team board, scoped by coaching/permissions/recognition.py.

- The score of an evaluation is its agent score (the part of the result the agent controls) when
  it has one, else its total. Only regular, scored evaluations count, placed in the week of their
  call's start (local time, weeks start on Monday).
- A week is on target when it has at least `min_evaluations` evaluations and their mean is at
  least the weekly target; a week is free of critical failures when it has at least one
  evaluation and none failed a critical criterion. A streak is the number of such weeks in a row
  ending with the week asked about (a week without evaluations breaks it), counted over the last
  `HISTORY_WEEKS` weeks.
- Improvement at week W: the mean of the 4 weeks ending with W against the agent's own baseline,
  the 8 weeks before them; the difference with Welch's 95 % interval (`scoring.stats`). Each side
  needs 2 evaluations.

The pure functions (no ORM) come first; `figures_for` costs one query whatever the number of
agents.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from monitoring.models import Agent, Team
from monitoring.selectors import led_team_ids
from qa_platform.roles import SUPERVISOR, user_roles
from scoring.models import SCORED, Evaluation, Kind
from scoring.stats import mean_interval, welch_interval

from ..models import BadgeAward, Kudos, RecognitionPolicy
from ..permissions.recognition import is_center_wide
from .needs import last_complete_week

RECENT_WEEKS = 4
BASELINE_WEEKS = 8
HISTORY_WEEKS = 52
# How many improvers an agent sees on their team's board.
BOARD_TOP = 10


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Week:
    scores: list[float] = field(default_factory=list)
    critical: int = 0

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None


@dataclass(frozen=True)
class Side:
    n: int
    mean: float | None
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class Improvement:
    recent: Side
    baseline: Side
    difference: float | None
    ci: tuple[float, float] | None

    def earned(self, points: float) -> bool:
        """The badge: at least `points` above the baseline, the interval above 0."""
        return self.difference is not None and self.difference >= points and self.ci is not None and self.ci[0] > 0


def on_target(week: Week | None, *, target: float, min_evaluations: int) -> bool:
    return week is not None and week.n >= min_evaluations and week.mean >= target


def free_of_critical(week: Week | None) -> bool:
    return week is not None and week.n >= 1 and week.critical == 0


def run_length(weeks: dict[dt.date, Week], end: dt.date, qualifies) -> int:
    """How many weeks in a row, ending with the week starting `end`, satisfy `qualifies`."""
    n = 0
    day = end
    while n < HISTORY_WEEKS and qualifies(weeks.get(day)):
        n += 1
        day -= dt.timedelta(days=7)
    return n


def _side(scores: list[float]) -> Side:
    n = len(scores)
    mean = statistics.fmean(scores) if scores else None
    sd = statistics.stdev(scores) if n >= 2 else None
    return Side(n=n, mean=mean, ci=mean_interval(n, mean, sd))


def improvement(weeks: dict[dt.date, Week], end: dt.date) -> Improvement:
    """The 4 weeks ending with `end` against the 8 before them."""
    recent_from = end - dt.timedelta(days=7 * (RECENT_WEEKS - 1))
    base_from = recent_from - dt.timedelta(days=7 * BASELINE_WEEKS)
    recent, base = [], []
    for day, week in weeks.items():
        if recent_from <= day <= end:
            recent.extend(week.scores)
        elif base_from <= day < recent_from:
            base.extend(week.scores)
    r, b = _side(recent), _side(base)
    difference = r.mean - b.mean if r.n and b.n else None
    ci = None
    if r.n >= 2 and b.n >= 2:
        ci = welch_interval((b.n, b.mean, statistics.stdev(base)), (r.n, r.mean, statistics.stdev(recent)))
    return Improvement(recent=r, baseline=b, difference=difference, ci=ci)


# --- from the database ------------------------------------------------------------------------


def score_of(agent_score, total) -> float | None:
    value = agent_score if agent_score is not None else total
    return float(value) if value is not None else None


def figures_for(agent_ids, *, end: dt.date, weeks_back: int = HISTORY_WEEKS) -> dict[int, dict[dt.date, Week]]:
    """{agent id: {Monday: Week}} over the `weeks_back` weeks ending with the week of `end`."""
    end = monday(end)
    start_day = end - dt.timedelta(days=7 * (weeks_back - 1))
    start = timezone.make_aware(dt.datetime.combine(start_day, dt.time.min))
    stop = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=7), dt.time.min))
    rows = Evaluation.objects.filter(
        agent_id__in=agent_ids,
        kind=Kind.REGULAR,
        status__in=SCORED,
        call__start_time__gte=start,
        call__start_time__lt=stop,
    ).values_list("agent_id", "call__start_time", "agent_score", "total", "critical_failed", "agent_critical_failed")
    out: dict[int, dict[dt.date, Week]] = defaultdict(dict)
    for agent_id, start_time, agent_score, total, critical, agents_critical in rows:
        score = score_of(agent_score, total)
        if score is None:
            continue
        week = out[agent_id].setdefault(monday(timezone.localtime(start_time).date()), Week())
        week.scores.append(score)
        # The agent's own critical failures: one put down to the process does not break a streak.
        week.critical += bool(critical if agents_critical is None else agents_critical)
    return out


@dataclass(frozen=True)
class Progress:
    """An agent's own progress at a week, for their page (never shown to a peer)."""

    week_start: dt.date
    on_target_weeks: int
    no_critical_weeks: int
    improvement: Improvement
    policy: RecognitionPolicy


def progress_of(agent: Agent, *, week_start: dt.date | None = None) -> Progress:
    policy = RecognitionPolicy.current()
    week_start = week_start or last_complete_week()
    weeks = figures_for([agent.pk], end=week_start).get(agent.pk, {})
    return Progress(
        week_start=week_start,
        on_target_weeks=run_length(
            weeks,
            week_start,
            lambda w: on_target(w, target=policy.weekly_target, min_evaluations=policy.min_evaluations),
        ),
        no_critical_weeks=run_length(weeks, week_start, free_of_critical),
        improvement=improvement(weeks, week_start),
        policy=policy,
    )


def badges_of(agent: Agent) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(agent=agent).select_related("goal")


def kudos_of(agent: Agent) -> QuerySet[Kudos]:
    return Kudos.objects.filter(agent=agent).select_related("given_by", "call", "library_entry")


def kudos_on_call(call_id: int) -> QuerySet[Kudos]:
    return Kudos.objects.filter(call_id=call_id).select_related("given_by")


def new_badge_count(agent_id: int) -> int:
    return BadgeAward.objects.filter(agent_id=agent_id, seen_at__isnull=True).count()


# --- the team board ---------------------------------------------------------------------------


def board_teams(user) -> QuerySet[Team]:
    """The teams whose board `user` may open: every team (center-wide roles), the teams they lead,
    their own team."""
    qs = Team.objects.order_by("name")
    if is_center_wide(user):
        return qs
    ids = set()
    if SUPERVISOR in user_roles(user):
        ids |= set(led_team_ids(user).values_list("team_id", flat=True))
    agent = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    if agent is not None:
        ids.add(agent.team_id)
    return qs.filter(pk__in=ids)


@dataclass(frozen=True)
class BoardRow:
    agent: Agent
    improvement: Improvement
    position: int | None  # 1-based among the agents with a difference; None without one

    @property
    def difference(self) -> float | None:
        return self.improvement.difference


@dataclass(frozen=True)
class Board:
    team: Team
    week_start: dt.date
    rows: list[BoardRow]  # what this viewer may see, best improvement first
    whole: bool  # every agent (a supervisor's view) or the improvers only (an agent's)
    own: BoardRow | None  # the viewer's own row, shown to them alone
    ranked: int  # agents with a difference


def team_board(user, team: Team, *, week_start: dt.date | None = None, whole: bool) -> Board:
    """The team's active agents ranked by improvement over their own baseline (points, with n on
    each side and the interval). `whole` False (a peer's view): only positive improvements, the top
    `BOARD_TOP`, and the viewer's own row apart."""
    week_start = week_start or last_complete_week()
    agents = list(Agent.objects.filter(team=team, active=True).order_by("name"))
    figures = figures_for([a.pk for a in agents], end=week_start, weeks_back=RECENT_WEEKS + BASELINE_WEEKS)
    measured = [(a, improvement(figures.get(a.pk, {}), week_start)) for a in agents]
    with_diff = sorted(
        (m for m in measured if m[1].difference is not None), key=lambda m: (-m[1].difference, m[0].name)
    )
    rows = [BoardRow(a, imp, i) for i, (a, imp) in enumerate(with_diff, start=1)]
    rows += [BoardRow(a, imp, None) for a, imp in measured if imp.difference is None]
    own_id = getattr(getattr(user, "agent", None), "pk", None)
    own = next((r for r in rows if r.agent.pk == own_id), None)
    if not whole:
        rows = [r for r in rows if r.difference is not None and r.difference > 0][:BOARD_TOP]
    return Board(team=team, week_start=week_start, rows=rows, whole=whole, own=own, ranked=len(with_diff))
