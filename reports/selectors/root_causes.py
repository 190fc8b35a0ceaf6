"""Lost points by root cause (DESIGN.md §2 "Root cause"): how much of the quality gap is the
agent's and how much the process's, per line of business, team and month, and the causes that
look like process problems.

What a lost point is
--------------------
An answered, non-N/A criterion of a regular scored evaluation (the QA figures'
`selectors.qa.evaluations_in`: calls started in the month) that earned less than its points —
a scale answer v of k below k, a yes/no answered no. Its raw loss is points − earned, with
earned as `scoring.formula.CriterionSpec.earned` defines it (the SQL is `selectors.qa`'s
lost-points expression, points × (k − v) / k; a test checks that both agree answer by answer).

Lost points are weighted as the score weights them: a criterion's loss counts

    section weight × (points − earned) ÷ section possible

*score points*, where section possible is the points of all the section's criteria. The
non-bonus weights of a published scorecard add up to 100, so this is the loss's share of a
100-point form: on an evaluation without N/A answers, section-fail items or a critical zeroing,
its lost score points add up to exactly 100 − total. The weighting is nominal — an N/A answer
does not enlarge the others' share, and the knock-on of a section-fail or critical item (the
rest of the section or form) is not added — so a cause is charged for the points of its own
criteria only. Bonus sections are left out: a bonus not earned is not a gap.

Agent, process, no cause
------------------------
A lost answer is the agent's when its root cause is within the agent's control, the process's
when it is not, and "no cause given" without one. Causes are grouped by their text across
scorecard versions (each version has its own list; a new version copies it), so one cause may
carry both marks; it is *mostly not the agent's* when more than half of its lost points come
with the mark "outside the agent's control".

The process share of a group is its process lost points ÷ all its lost points (no cause given
included in the denominator: the share is of the whole gap). Its 95 % interval is Wilson's
(`scoring.stats.proportion_interval`) taking the group's n lost answers as the trials and
k = round(share × n) as the successes — an approximation, since answers lose different amounts.

A process problem (the flag)
----------------------------
Within a line of business or a team in a month, a cause is flagged when it is mostly not the
agent's, was given on at least `FLAG_MIN_ANSWERS` lost answers there, and accounts for at least
`FLAG_MIN_SHARE` of the group's lost points. The manager's overview lists the month's flags
(`process_problems`).

The queries
-----------
`root_cause_report` costs two queries whatever the number of evaluations — the month's lost
answers and the six months' trend, each one GROUP BY — and `process_problems` one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from monitoring.selectors import Period
from scoring.models import Answer, Criterion, Evaluation
from scoring.stats import proportion_interval

from ..permissions import reach
from .periods import months_back
from .qa import LOST_POINTS, Scope, evaluations_in, scored_answers

AGENT, PROCESS, NONE = "agent", "process", "none"
# A cause is flagged as a process problem in a line or team when it is mostly outside the
# agent's control, was given on at least this many lost answers there…
FLAG_MIN_ANSWERS = 10
# …and accounts for at least this share of the group's lost (score) points.
FLAG_MIN_SHARE = 0.20
TREND_MONTHS = 6
LINE, TEAM = "line", "team"


def lost_answers(evaluations: QuerySet[Evaluation]) -> QuerySet[Answer]:
    """The answers of `evaluations` that lost points (earned < points), outside bonus sections,
    of criteria the call showed: a conditional criterion whose condition's answer is not the
    chosen one was hidden and counts as N/A (one level of condition is checked: a condition on
    a criterion that is itself conditional is not followed further)."""
    condition_met = Exists(
        Answer.objects.filter(
            evaluation_id=OuterRef("evaluation_id"),
            criterion_id=OuterRef("criterion__shown_when_criterion_id"),
            value=OuterRef("criterion__shown_when_value"),
            is_na=False,
        )
    )
    return scored_answers(evaluations).filter(
        Q(criterion__shown_when_criterion__isnull=True) | Q(condition_met),
        value__lt=F("criterion__scale_max"),
        criterion__section__bonus=False,
    )


def _section_possible() -> Subquery:
    """The points of all the criteria of the answer's section (the weighting's denominator)."""
    return Subquery(
        Criterion.objects.filter(section_id=OuterRef("criterion__section_id"))
        .order_by()
        .values("section_id")
        .annotate(s=Sum("points"))
        .values("s")
    )


# The weighting's inputs and the aggregates of each grouped row (raw lost points and answers).
WEIGHTING = {"weight": F("criterion__section__weight"), "possible": _section_possible()}
LOST = {"lost": LOST_POINTS["lost"], "n": LOST_POINTS["answers"]}


def score_points(raw_lost: float, weight: int, possible: int) -> float:
    """Raw criterion points lost in a section → score points (see the module's docstring)."""
    return raw_lost * weight / possible if possible else 0.0


def side_of(controllable: bool | None) -> str:
    return NONE if controllable is None else AGENT if controllable else PROCESS


@dataclass
class Tally:
    """Lost score points of a group, split agent / process / no cause, with n lost answers."""

    agent: float = 0.0
    process: float = 0.0
    none: float = 0.0
    n: int = 0

    def add(self, side: str, points: float, n: int) -> None:
        setattr(self, side, getattr(self, side) + points)
        self.n += n

    @property
    def lost(self) -> float:
        return self.agent + self.process + self.none

    def share(self, side: str) -> float | None:
        return getattr(self, side) / self.lost if self.lost else None

    @property
    def process_share(self) -> float | None:
        return self.share(PROCESS)

    @property
    def agent_share(self) -> float | None:
        return self.share(AGENT)

    @property
    def none_share(self) -> float | None:
        return self.share(NONE)

    @property
    def process_interval(self) -> tuple[float, float] | None:
        share = self.process_share
        if share is None or not self.n:
            return None
        return proportion_interval(round(share * self.n), self.n)

    # As the pages show them (0–100).
    @property
    def process_percent(self) -> float | None:
        return None if self.process_share is None else 100 * self.process_share

    @property
    def process_percent_interval(self) -> tuple[float, float] | None:
        ci = self.process_interval
        return None if ci is None else (100 * ci[0], 100 * ci[1])


@dataclass
class CauseRow:
    """One cause (by text; "" for no cause given) within a group."""

    text: str
    lost: float = 0.0
    process_points: float = 0.0
    n: int = 0
    group_lost: float = 0.0

    @property
    def given(self) -> bool:
        return bool(self.text)

    @property
    def mostly_process(self) -> bool:
        """Mostly not the agent's: more than half of its lost points outside their control."""
        return self.given and self.process_points * 2 > self.lost

    @property
    def share(self) -> float | None:
        return self.lost / self.group_lost if self.group_lost else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    @property
    def flagged(self) -> bool:
        return self.mostly_process and self.n >= FLAG_MIN_ANSWERS and (self.share or 0) >= FLAG_MIN_SHARE


@dataclass
class Group:
    """A line of business or a team (or the whole scope: kind "", pk None) in the month."""

    kind: str
    pk: int | None
    name: str
    tally: Tally = field(default_factory=Tally)
    by_cause: dict[str, CauseRow] = field(default_factory=dict)

    def add(self, text: str, side: str, points: float, n: int) -> None:
        self.tally.add(side, points, n)
        row = self.by_cause.setdefault(text, CauseRow(text))
        row.lost += points
        row.n += n
        if side == PROCESS:
            row.process_points += points

    @property
    def causes(self) -> list[CauseRow]:
        """Largest first; each knows the group's lost points (for its share)."""
        for row in self.by_cause.values():
            row.group_lost = self.tally.lost
        return sorted(self.by_cause.values(), key=lambda r: (-r.lost, r.text))

    @property
    def flags(self) -> list[CauseRow]:
        return [row for row in self.causes if row.flagged]


@dataclass(frozen=True)
class Flag:
    """A cause flagged as a process problem in a line or team."""

    group: Group
    cause: CauseRow


@dataclass
class RootCauseReport:
    period: Period
    scope: Group
    lines: list[Group]
    teams: list[Group]
    trend: list[tuple[Period, Tally]]

    @property
    def causes(self) -> list[CauseRow]:
        return self.scope.causes

    @property
    def flags(self) -> list[Flag]:
        return flags_of([*self.lines, *self.teams])


def flags_of(groups: Iterable[Group]) -> list[Flag]:
    flags = [Flag(g, c) for g in groups for c in g.flags]
    return sorted(flags, key=lambda f: (-f.cause.lost, f.group.kind, f.group.name, f.cause.text))


# --- the queries --------------------------------------------------------------------------------

GROUP_KEYS = {
    "line": F("evaluation__call__line_of_business_id"),
    "line_name": F("evaluation__call__line_of_business__name"),
    "team": F("evaluation__agent__team_id"),
    "team_name": F("evaluation__agent__team__name"),
    "cause": F("root_cause__text"),
    "controllable": F("root_cause__agent_controllable"),
}


def month_groups(evaluations: QuerySet[Evaluation]) -> tuple[Group, list[Group], list[Group]]:
    """(the whole of `evaluations`, its lines, its teams) from one GROUP BY query."""
    rows = lost_answers(evaluations).values(**GROUP_KEYS, **WEIGHTING).annotate(**LOST).order_by()
    scope = Group("", None, "")
    lines: dict[int, Group] = {}
    teams: dict[int, Group] = {}
    for row in rows:
        points = score_points(row["lost"] or 0.0, row["weight"], row["possible"])
        side, text = side_of(row["controllable"]), row["cause"] or ""
        scope.add(text, side, points, row["n"])
        lines.setdefault(row["line"], Group(LINE, row["line"], row["line_name"])).add(text, side, points, row["n"])
        teams.setdefault(row["team"], Group(TEAM, row["team"], row["team_name"])).add(text, side, points, row["n"])
    by_name = lambda g: (g.name, g.pk)  # noqa: E731
    return scope, sorted(lines.values(), key=by_name), sorted(teams.values(), key=by_name)


def month_trend(evaluations: QuerySet[Evaluation], months: list[Period]) -> list[tuple[Period, Tally]]:
    """[(month, Tally)] for `months` (oldest first) from one GROUP BY query; `evaluations` must
    cover them all."""
    tz = timezone.get_current_timezone()
    rows = (
        lost_answers(evaluations)
        .values(
            month=TruncMonth("evaluation__call__start_time", tzinfo=tz),
            controllable=GROUP_KEYS["controllable"],
            **WEIGHTING,
        )
        .annotate(**LOST)
        .order_by()
    )
    tallies = {(p.year, p.month): Tally() for p in months}
    for row in rows:
        month = row["month"]
        key = (month.year, month.month)
        if key in tallies:
            points = score_points(row["lost"] or 0.0, row["weight"], row["possible"])
            tallies[key].add(side_of(row["controllable"]), points, row["n"])
    return [(p, tallies[(p.year, p.month)]) for p in months]


def _evaluations(user, start, end, *, line_id: int | None, team_id: int | None) -> QuerySet[Evaluation]:
    qs = evaluations_in(Scope(Scope.CENTER), start=start, end=end).filter(reach(user))
    if line_id is not None:
        qs = qs.filter(call__line_of_business_id=line_id)
    if team_id is not None:
        qs = qs.filter(agent__team_id=team_id)
    return qs


def root_cause_report(
    *, user, period: Period, line_id: int | None = None, team_id: int | None = None
) -> RootCauseReport:
    """The month's lost points by cause within what `user` may see (`permissions.reach`:
    a supervisor their teams), optionally one line and/or team: two queries."""
    evaluations = _evaluations(user, period.start, period.end, line_id=line_id, team_id=team_id)
    scope, lines, teams = month_groups(evaluations)
    months = months_back(period, TREND_MONTHS)
    trend = month_trend(_evaluations(user, months[0].start, period.end, line_id=line_id, team_id=team_id), months)
    return RootCauseReport(period, scope, lines, teams, trend)


def process_problems(*, user, period: Period) -> list[Flag]:
    """The month's flagged causes within what `user` may see, largest first: one query."""
    _scope, lines, teams = month_groups(_evaluations(user, period.start, period.end, line_id=None, team_id=None))
    return flags_of([*lines, *teams])
