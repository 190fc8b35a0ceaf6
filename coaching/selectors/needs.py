"""Reads for training needs and group training (coaching/models/needs.py has the rule).

- `week_needs(week_start, policy)`: the week's figures, found set-based — three aggregate queries
  over the week's answers whatever the number of agents — and the needs they flag.
- `needs_visible_to(user)`, `sessions_visible_to(user)`: the scope of pages and API
  (coaching/permissions/needs.py says who sees what).
- `rate_before_after(session)`: did the group's rate on the session's problem fall.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.models import Agent, Direction, LineOfBusiness, Shift, Team
from monitoring.selectors import agents_visible_to, led_team_ids
from qa_platform.roles import CENTER_WIDE_ROLES, SUPERVISOR, user_roles
from scoring.formula import YES_NO
from scoring.models import SCORED, Answer, Kind
from scoring.stats import mean_interval, welch_interval

from ..models import (
    GroupKind,
    NeedDimension,
    TrainingAttendance,
    TrainingNeed,
    TrainingNeedPolicy,
    TrainingSession,
)

# What an answer's call or agent is grouped by, per group kind (the values() names).
GROUP_FIELDS = {
    GroupKind.SHIFT: "evaluation__call__shift_id",
    GroupKind.DIRECTION: "evaluation__call__direction",
    GroupKind.SERVICE_TYPE: "evaluation__call__service_type",
    GroupKind.TEAM: "evaluation__agent__team_id",
    GroupKind.LINE_OF_BUSINESS: "evaluation__call__line_of_business_id",
}
AGENT_FIELD = "evaluation__agent_id"
# Evidence keeps at most this many evaluation ids (the ones that lost points, newest ids first).
MAX_EVIDENCE_EVALUATIONS = 200
# Before/after a session: this many weeks each side; below MIN_WINDOW_N evaluations in either
# window there is not enough evidence to say.
WINDOW_WEEKS = 4
MIN_WINDOW_N = 5
EPSILON = 1e-9

ISO_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


# --- weeks ------------------------------------------------------------------------------------


def parse_week(value: str | None) -> dt.date | None:
    """'2026-W47' → the Monday of that ISO week; None when blank or not a week of 2000–2100 (the
    planning app's parser reads weeks the same way; coaching may not import it)."""
    match = ISO_WEEK_RE.match(value or "")
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    if not 2000 <= year <= 2100:
        return None
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def week_label(week_start: dt.date) -> str:
    year, week, _day = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    return start, start + dt.timedelta(days=7)


# --- the figures ------------------------------------------------------------------------------


def scored_answers() -> QuerySet[Answer]:
    """Answered, non-N/A answers of scored regular evaluations."""
    return Answer.objects.filter(
        evaluation__kind=Kind.REGULAR, evaluation__status__in=SCORED, is_na=False, value__isnull=False
    )


def _points():
    return Cast("criterion__points", FloatField())


def lost_expression():
    """Points lost on one answer: yes/no loses all or nothing, a scale points × (1 − value / k)."""
    points = _points()
    earned = Case(
        When(criterion__kind=YES_NO, value__gt=0, then=points),
        When(criterion__kind=YES_NO, then=Value(0.0)),
        default=points * Cast("value", FloatField()) / Cast("criterion__scale_max", FloatField()),
        output_field=FloatField(),
    )
    return points - earned


def _problem_filter(need_like) -> Q:
    if need_like.dimension == NeedDimension.CRITERION:
        return Q(
            criterion__section__version__scorecard_id=need_like.scorecard_id,
            criterion__text=need_like.criterion_text,
        )
    return Q(criterion__category=need_like.category)


def _group_filter(group_kind: str, group_key: str) -> Q:
    if group_kind == GroupKind.AGENT:
        return Q(**{AGENT_FIELD: group_key})
    return Q(**{GROUP_FIELDS[group_kind]: group_key})


@dataclass
class Tally:
    lost: float = 0.0
    possible: float = 0.0
    n: int = 0

    def add(self, lost: float, possible: float, n: int) -> None:
        self.lost += lost
        self.possible += possible
        self.n += n

    @property
    def rate(self) -> float:
        return self.lost / self.possible if self.possible else 0.0


@dataclass
class FoundNeed:
    """One need as the week's figures flag it (what `TrainingNeed` stores)."""

    group_kind: str
    group_key: str
    group_label: str
    dimension: str
    category: str
    scorecard_id: int | None
    criterion_text: str
    agents_in_group: int
    agents_affected: int
    evaluations: int
    points_lost: float
    points_possible: float
    rate: float
    evidence: dict
    agent_id: int | None = None

    @property
    def key(self) -> tuple:
        return (
            self.group_kind,
            self.group_key,
            self.dimension,
            self.category,
            self.scorecard_id,
            self.criterion_text,
        )


@dataclass
class _Week:
    # (kind, key, problem) → agent → Tally; agent → problem → Tally (the agent's whole week)
    groups: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(Tally)))
    agents: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(Tally)))
    # the same keys → ids of evaluations that lost points there
    group_lost: dict = field(default_factory=lambda: defaultdict(set))
    agent_lost: dict = field(default_factory=lambda: defaultdict(set))
    # criterion problem → {category: points possible}: a criterion's category (the largest share)
    categories: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))


def _criterion_problem(row) -> tuple:
    return (NeedDimension.CRITERION, row["scorecard"], row["text"])


def _category_problem(row) -> tuple:
    return (NeedDimension.CATEGORY, row["category"])


def _collect(week: _Week, rows, problem_of) -> None:
    for row in rows:
        problem = problem_of(row)
        agent = row[AGENT_FIELD]
        lost, possible, n = row["lost"] or 0.0, row["possible"] or 0.0, row["n"]
        if problem[0] == NeedDimension.CRITERION:
            week.categories[problem][row["category"]] += possible
        week.agents[agent][problem].add(lost, possible, n)
        for kind, name in GROUP_FIELDS.items():
            key = row[name]
            if key is None or key == "":
                continue  # a call without a shift or a service type is in no such group
            week.groups[(kind, str(key), problem)][agent].add(lost, possible, n)


def _collect_lost(week: _Week, rows) -> None:
    for row in rows:
        agent = row[AGENT_FIELD]
        for problem in (_criterion_problem(row), _category_problem(row)):
            week.agent_lost[(agent, problem)].add(row["evaluation_id"])
            for kind, name in GROUP_FIELDS.items():
                key = row[name]
                if key is not None and key != "":
                    week.group_lost[(kind, str(key), problem)].add(row["evaluation_id"])


def _read_week(week_start: dt.date) -> _Week:
    start, end = week_bounds(week_start)
    answers = scored_answers().filter(evaluation__call__start_time__gte=start, evaluation__call__start_time__lt=end)
    cell = [AGENT_FIELD, *GROUP_FIELDS.values()]
    sums = {
        "lost": Sum(lost_expression()),
        "possible": Sum(_points()),
        "n": Count("evaluation_id", distinct=True),
    }
    week = _Week()
    by_criterion = (
        answers.annotate(
            scorecard=F("criterion__section__version__scorecard_id"),
            text=F("criterion__text"),
            category=F("criterion__category"),
        )
        .values(*cell, "scorecard", "text", "category")
        .annotate(**sums)
        .order_by()
    )
    _collect(week, by_criterion, _criterion_problem)
    by_category = answers.annotate(category=F("criterion__category")).values(*cell, "category").annotate(**sums)
    _collect(week, by_category.order_by(), _category_problem)
    lost = (
        answers.annotate(
            lost_points=lost_expression(),
            scorecard=F("criterion__section__version__scorecard_id"),
            text=F("criterion__text"),
            category=F("criterion__category"),
        )
        .filter(lost_points__gt=EPSILON)
        .values("evaluation_id", *cell, "scorecard", "text", "category")
        .order_by()
    )
    _collect_lost(week, lost)
    return week


def _labels(week: _Week) -> dict[tuple[str, str], str]:
    """(group kind, key) → the group's name; agents by id under GroupKind.AGENT. Four queries."""
    keys = defaultdict(set)
    for kind, key, _problem in week.groups:
        keys[kind].add(key)
    out: dict[tuple[str, str], str] = {}
    for model, kind in ((Shift, GroupKind.SHIFT), (Team, GroupKind.TEAM), (LineOfBusiness, GroupKind.LINE_OF_BUSINESS)):
        ids = [int(k) for k in keys[kind]]
        if ids:
            out.update(
                {(kind, str(pk)): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")}
            )
    for key in keys[GroupKind.DIRECTION]:
        out[(GroupKind.DIRECTION, key)] = str(Direction(key).label) if key in Direction.values else key
    for key in keys[GroupKind.SERVICE_TYPE]:
        out[(GroupKind.SERVICE_TYPE, key)] = key
    for pk, name in Agent.objects.filter(pk__in=list(week.agents)).values_list("pk", "name"):
        out[(GroupKind.AGENT, str(pk))] = name
    return out


def _problem_fields(week: _Week, problem: tuple) -> dict:
    if problem[0] == NeedDimension.CRITERION:
        categories = week.categories[problem]
        category = max(sorted(categories), key=lambda c: categories[c])
        return {"dimension": problem[0], "category": category, "scorecard_id": problem[1], "criterion_text": problem[2]}
    return {"dimension": problem[0], "category": problem[1], "scorecard_id": None, "criterion_text": ""}


def _thresholds(policy: TrainingNeedPolicy) -> dict:
    return {
        "min_share_affected": policy.min_share_affected,
        "min_rate": policy.min_rate,
        "min_individual_rate": policy.min_individual_rate,
        "min_group_agents": policy.min_group_agents,
        "min_evaluations": policy.min_evaluations,
    }


def _agent_rows(tallies: dict, labels: dict, policy: TrainingNeedPolicy) -> list[dict]:
    rows = []
    for agent, t in tallies.items():
        counted = t.n >= policy.min_evaluations
        rows.append(
            {
                "id": agent,
                "name": labels.get((GroupKind.AGENT, str(agent)), ""),
                "rate": round(t.rate, 4),
                "evaluations": t.n,
                "lost": round(t.lost, 2),
                "possible": round(t.possible, 2),
                "counted": counted,
                "affected": counted and t.rate >= policy.min_rate - EPSILON,
            }
        )
    return sorted(rows, key=lambda r: (-r["rate"], r["name"], r["id"]))


def _evaluation_ids(ids: set) -> list[int]:
    return sorted(ids, reverse=True)[:MAX_EVIDENCE_EVALUATIONS]


def week_needs(week_start: dt.date, policy: TrainingNeedPolicy) -> list[FoundNeed]:
    """The common problems of every group and the individual ones of the week (the rule is in
    coaching/models/needs.py). A fixed number of queries whatever the number of agents."""
    week = _read_week(week_start)
    labels = _labels(week)
    thresholds = _thresholds(policy)
    found: list[FoundNeed] = []
    covered: set[tuple[int, tuple]] = set()  # (agent, problem) a flagged group of theirs covers
    for (kind, key, problem), tallies in week.groups.items():
        total = Tally()
        for t in tallies.values():
            total.add(t.lost, t.possible, t.n)
        agents = _agent_rows(tallies, labels, policy)
        counted = [a for a in agents if a["counted"]]
        affected = [a for a in counted if a["affected"]]
        share = len(affected) / len(counted) if counted else 0.0
        if not (
            len(counted) >= policy.min_group_agents
            and share >= policy.min_share_affected - EPSILON
            and total.rate >= policy.min_rate - EPSILON
        ):
            continue
        covered.update((agent, problem) for agent in tallies)
        found.append(
            FoundNeed(
                group_kind=kind,
                group_key=key,
                group_label=labels.get((kind, key), key)[:160],
                **_problem_fields(week, problem),
                agents_in_group=len(counted),
                agents_affected=len(affected),
                evaluations=total.n,
                points_lost=round(total.lost, 2),
                points_possible=round(total.possible, 2),
                rate=round(total.rate, 4),
                evidence={
                    "agents": agents,
                    "share_affected": round(share, 4),
                    "evaluation_ids": _evaluation_ids(week.group_lost[(kind, key, problem)]),
                    "thresholds": thresholds,
                },
            )
        )
    for agent, problems in week.agents.items():
        for problem, t in problems.items():
            if (
                (agent, problem) in covered
                or t.n < policy.min_evaluations
                or t.rate < policy.min_individual_rate - EPSILON
            ):
                continue
            found.append(
                FoundNeed(
                    group_kind=GroupKind.AGENT,
                    group_key=str(agent),
                    group_label=labels.get((GroupKind.AGENT, str(agent)), str(agent))[:160],
                    agent_id=agent,
                    **_problem_fields(week, problem),
                    agents_in_group=1,
                    agents_affected=1,
                    evaluations=t.n,
                    points_lost=round(t.lost, 2),
                    points_possible=round(t.possible, 2),
                    rate=round(t.rate, 4),
                    evidence={
                        "agents": _agent_rows({agent: t}, labels, policy),
                        "share_affected": 1.0,
                        "evaluation_ids": _evaluation_ids(week.agent_lost[(agent, problem)]),
                        "thresholds": thresholds,
                    },
                )
            )
    return found


# --- scope ------------------------------------------------------------------------------------


def _led_team_keys(user) -> list[str]:
    return [str(pk) for pk in led_team_ids(user).values_list("team_id", flat=True)]


def needs_visible_to(user) -> QuerySet[TrainingNeed]:
    roles = user_roles(user)
    qs = TrainingNeed.objects.select_related("agent", "agent__team", "scorecard")
    if roles & CENTER_WIDE_ROLES:
        return qs
    if SUPERVISOR in roles:
        return qs.filter(
            Q(group_kind=GroupKind.TEAM, group_key__in=_led_team_keys(user)) | Q(agent__team_id__in=led_team_ids(user))
        )
    return qs.none()


def sessions_visible_to(user) -> QuerySet[TrainingSession]:
    roles = user_roles(user)
    qs = (
        TrainingSession.objects.select_related("trainer", "need")
        .annotate(
            n_attendees=Count("attendance", distinct=True),
            n_attended=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
        )
        .order_by("-scheduled_for", "pk")
    )
    if roles & CENTER_WIDE_ROLES:
        return qs
    scope = Q(pk__in=[])
    if SUPERVISOR in roles:
        mine = TrainingAttendance.objects.filter(session=OuterRef("pk"), agent__team_id__in=led_team_ids(user))
        scope |= Q(Exists(mine))
    own = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    if own is not None:
        scope |= Q(Exists(TrainingAttendance.objects.filter(session=OuterRef("pk"), agent_id=own.pk)))
    return qs.filter(scope)


def attendance_visible_to(user, session: TrainingSession) -> list[TrainingAttendance]:
    """The session's attendance rows the user may see: every attendee they see as an agent
    (center-wide: all; a supervisor: their teams'; an agent: their own)."""
    rows = session.attendance.select_related("agent", "agent__team")
    if user_roles(user) & CENTER_WIDE_ROLES:
        return list(rows)
    return list(rows.filter(agent__in=agents_visible_to(user)))


@dataclass(frozen=True)
class NeedEvidence:
    agents: list[dict]
    hidden_agents: int  # affected agents outside the user's scope (counted, not named)
    evaluations: list  # the evidence evaluations the user may open


def need_evidence(user, need: TrainingNeed) -> NeedEvidence:
    """The need's evidence as the user may see it: the agents they see, with rate and n, and the
    evaluations they may open (two queries)."""
    from scoring.selectors import evaluations_visible_to

    evidence = need.evidence or {}
    rows = evidence.get("agents", [])
    ids = [r["id"] for r in rows]
    visible = set(agents_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = [{**r, "rate_pct": round(100 * r["rate"], 1)} for r in rows if r["id"] in visible]
    evaluations = list(
        evaluations_visible_to(user)
        .filter(pk__in=evidence.get("evaluation_ids", []))
        .select_related("call")
        .order_by("-call__start_time", "-pk")
    )
    return NeedEvidence(agents=shown, hidden_agents=len(rows) - len(shown), evaluations=evaluations)


def group_agents(need: TrainingNeed) -> QuerySet[Agent]:
    """Agents of the need's group this week (the ones the evidence names), to invite."""
    ids = [r["id"] for r in (need.evidence or {}).get("agents", [])]
    return Agent.objects.filter(pk__in=ids).select_related("team").order_by("name")


def affected_agent_ids(need: TrainingNeed) -> list[int]:
    return [r["id"] for r in (need.evidence or {}).get("agents", []) if r.get("affected")]


# --- did the group's rate fall ------------------------------------------------------------------


@dataclass(frozen=True)
class RateWindow:
    start: dt.datetime
    end: dt.datetime
    n: int  # evaluations
    agents: int
    mean: float | None  # mean per-evaluation loss rate, percent
    ci: tuple[float, float] | None
    sd: float | None


@dataclass(frozen=True)
class RateChange:
    before: RateWindow
    since: RateWindow
    difference: float | None  # since − before, percentage points (negative: the rate fell)
    difference_ci: tuple[float, float] | None
    verdict: str  # "fell", "rose", "no_change", "not_enough"
    verdict_label: str


VERDICTS = {
    "fell": _("The group's rate fell."),
    "rose": _("The group's rate rose."),
    "no_change": _("No clear change: the interval includes zero."),
    "not_enough": _("Not enough evidence yet."),
}


def _window(start, end, rates: list[float], agents: set) -> RateWindow:
    n = len(rates)
    mean = sum(rates) / n if n else None
    sd = math.sqrt(sum((r - mean) ** 2 for r in rates) / (n - 1)) if n >= 2 else None
    return RateWindow(start, end, n, len(agents), mean, mean_interval(n, mean, sd), sd)


def rate_before_after(session: TrainingSession, *, weeks: int = WINDOW_WEEKS, now=None) -> RateChange | None:
    """The group's per-evaluation loss rate on the session's problem in the `weeks` before the
    session and since it (up to `weeks` after, and now), with n, intervals and the difference's
    Welch interval. None for a session made without a need. One query."""
    need = session.need
    if need is None:
        return None
    now = now or timezone.now()
    at = session.scheduled_for
    before_start = at - dt.timedelta(weeks=weeks)
    since_end = max(at, min(now, at + dt.timedelta(weeks=weeks)))
    rows = (
        scored_answers()
        .filter(_group_filter(need.group_kind, need.group_key), _problem_filter(need))
        .filter(evaluation__call__start_time__gte=before_start, evaluation__call__start_time__lt=since_end)
        .values("evaluation_id", AGENT_FIELD, "evaluation__call__start_time")
        .annotate(lost=Sum(lost_expression()), possible=Sum(_points()))
        .order_by()
    )
    sides = {"before": ([], set()), "since": ([], set())}
    for row in rows:
        if not row["possible"]:
            continue
        side = sides["before" if row["evaluation__call__start_time"] < at else "since"]
        side[0].append(100 * row["lost"] / row["possible"])
        side[1].add(row[AGENT_FIELD])
    before = _window(before_start, at, *sides["before"])
    since = _window(at, since_end, *sides["since"])
    if before.n < MIN_WINDOW_N or since.n < MIN_WINDOW_N:
        return RateChange(before, since, None, None, "not_enough", str(VERDICTS["not_enough"]))
    difference = since.mean - before.mean
    ci = welch_interval((before.n, before.mean, before.sd), (since.n, since.mean, since.sd))
    if ci is not None and ci[1] < 0:
        verdict = "fell"
    elif ci is not None and ci[0] > 0:
        verdict = "rose"
    else:
        verdict = "no_change"
    return RateChange(before, since, difference, ci, verdict, str(VERDICTS[verdict]))
