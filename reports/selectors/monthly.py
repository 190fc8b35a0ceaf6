"""The figures of a month's PDF reports for every scope at once (DESIGN.md §6): the center, each
line of business, each team and each agent.

The month-end job writes one PDF per scope — 2,000 agents' reports in a large center — so the
figures are computed per *level*, not per scope: each aggregate of `selectors.qa` runs once for
the month, grouped by the level's key (`GROUP BY agent_id`), and the rows are dealt out to the
scopes. A level costs the same ten queries for 20 agents or 2,000, and for 100 evaluations or
40,000; the reports then render from memory. What counts is `selectors.qa`'s rule (regular
evaluations with a final score, by the call's start time, months cut in the center's time zone).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coaching.selectors.report import CenterCoaching, center_coaching
from monitoring.models import Agent, LineOfBusiness, Team
from monitoring.selectors import Period
from scoring.models import Evaluation

from .periods import months_back
from .qa import (
    CALL_KPIS,
    LOST_KEYS,
    LOST_POINTS,
    QA_CSAT_SUMS,
    SCORE_STATS,
    Correlation,
    DesignEstimate,
    Mean,
    Scope,
    band_counts,
    bands,
    calls_in,
    correlation_from,
    evaluations_in,
    mean_from,
    pareto,
    random_sample_estimate,
    scored_answers,
    summary,
    targeted,
    with_qa_csat,
)

TREND_MONTHS = 6
LEVELS = (Scope.CENTER, Scope.LINE, Scope.TEAM, Scope.AGENT)
# The level's key on an evaluation and on a call (None: the whole center, one row).
EVALUATION_KEY = {
    Scope.CENTER: None,
    Scope.LINE: "call__line_of_business_id",
    Scope.TEAM: "call__agent__team_id",
    Scope.AGENT: "call__agent_id",
}
CALL_KEY = {
    Scope.CENTER: None,
    Scope.LINE: "line_of_business_id",
    Scope.TEAM: "agent__team_id",
    Scope.AGENT: "agent_id",
}
# The comparisons every report shows: the field an evaluation is grouped by.
DIMENSIONS = {
    "shift": "call__shift__name",
    "direction": "call__direction",
    "service_type": "call__service_type",
    "method": "method",
}
EMPTY = Mean(n=0, mean=None, sd=None)
NOTABLE = 5
CRITICAL_LISTED = 20
EVALUATION_FIELDS = (
    "pk",
    "call_id",
    "call__agent_id",
    "call__external_id",
    "call__start_time",
    "call__direction",
    "call__service_type",
    "call__agent__name",
    "call__agent__employee_id",
    "call__agent__team__name",
    "call__line_of_business__name",
    "evaluator__username",
    "evaluator__first_name",
    "evaluator__last_name",
    "method",
    "total",
    "critical_failed",
    "status",
)


@dataclass
class Figures:
    """One scope's month: its average (and distribution), six months' trend, lost points, the
    comparisons, the calls' KPIs and how QA relates to CSAT."""

    summary: Mean = EMPTY
    trend: list[Mean] = field(default_factory=list)
    distribution: list[tuple[int, int, int]] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)
    lost_by_category: list[dict] = field(default_factory=list)
    by: dict[str, list[tuple[object, Mean]]] = field(default_factory=dict)
    kpis: dict = field(default_factory=dict)
    correlation: Correlation = Correlation(n=0, r=None)


@dataclass
class CenterExtra:
    """What only the center's QA analysis shows."""

    random: DesignEstimate
    targeted: Mean
    evaluators: list[dict]
    highest: list[dict]
    lowest: list[dict]
    critical: list[dict]
    coaching: CenterCoaching  # the center's plans as they stand, and the month's created / completed


@dataclass
class MonthFigures:
    period: Period
    months: list[Period]
    levels: dict[str, dict[int | None, Figures]]
    agent_info: dict[int, dict] = field(default_factory=dict)
    team_info: dict[int, dict] = field(default_factory=dict)
    line_info: dict[int, dict] = field(default_factory=dict)
    line_teams: dict[int, list[tuple[int, Mean]]] = field(default_factory=dict)
    agent_evaluations: dict[int, list[dict]] = field(default_factory=dict)
    extra: CenterExtra | None = None

    def of(self, level: str, pk: int | None = None) -> Figures:
        return self.levels.get(level, {}).get(pk) or _empty_figures(len(self.months))

    @property
    def center(self) -> Figures:
        return self.of(Scope.CENTER)

    def with_data(self, level: str) -> list[int]:
        """The scopes of `level` with calls or evaluations in the month, in id order."""
        return sorted(pk for pk, f in self.levels.get(level, {}).items() if f.summary.n or f.kpis.get("calls"))

    def agents_of_team(self, team_id: int) -> list[int]:
        return sorted(
            (pk for pk in self.levels.get(Scope.AGENT, {}) if self.agent_info.get(pk, {}).get("team_id") == team_id),
            key=lambda pk: (self.agent_info[pk]["name"], pk),
        )


def _empty_figures(months: int) -> Figures:
    return Figures(trend=[EMPTY] * months, distribution=bands({f"b{low}": 0 for low in range(0, 100, 10)}))


def levels_needed(kinds) -> set[str]:
    """The levels whose figures the reports of `kinds` show (a team report lists its agents; the
    center's analysis compares lines and teams; every report compares with the center)."""
    kinds = set(kinds)
    needed = {Scope.CENTER}
    if kinds & {"line", "center"}:
        needed.add(Scope.LINE)
    if kinds & {"team", "agent", "center"}:
        needed.add(Scope.TEAM)
    if kinds & {"team", "agent"}:
        needed.add(Scope.AGENT)
    return needed


def month_figures(period: Period, *, kinds, agent_ids=None, team_ids=None, line_ids=None) -> MonthFigures:
    """Every figure the month's reports of `kinds` show, in a fixed number of grouped queries.
    The ids name scopes asked for by name: their names are read even without data in the month,
    and `agent_ids` limits the agents whose evaluations are listed (their own report)."""
    kinds = set(kinds)
    months = months_back(period, TREND_MONTHS)
    evaluations = evaluations_in(Scope(Scope.CENTER), start=period.start, end=period.end)
    history = evaluations_in(Scope(Scope.CENTER), start=months[0].start, end=period.end)
    calls = calls_in(Scope(Scope.CENTER), start=period.start, end=period.end)
    out = MonthFigures(period=period, months=months, levels={})
    for level in LEVELS:
        if level in levels_needed(kinds):
            out.levels[level] = _level_figures(level, evaluations, history, calls, months)

    agents = set(out.levels.get(Scope.AGENT, {})) | set(agent_ids or ())
    out.agent_info = {
        a["pk"]: a
        for a in Agent.objects.filter(pk__in=agents).values("pk", "name", "employee_id", "team_id", "team__name")
    }
    teams = set(out.levels.get(Scope.TEAM, {})) | set(team_ids or ()) | {a["team_id"] for a in out.agent_info.values()}
    lines = set(out.levels.get(Scope.LINE, {})) | set(line_ids or ())
    out.team_info = {t["pk"]: {**t, "supervisors": []} for t in Team.objects.filter(pk__in=teams).values("pk", "name")}
    supervisors = Team.supervisors.through.objects.filter(team_id__in=teams).order_by("user__username")
    for s in supervisors.values("team_id", "user__username", "user__first_name", "user__last_name"):
        out.team_info[s["team_id"]]["supervisors"].append(s)
    out.line_info = {ln["pk"]: ln for ln in LineOfBusiness.objects.filter(pk__in=lines).values("pk", "code", "name")}
    if "line" in kinds:
        rows = evaluations.values(EVALUATION_KEY[Scope.LINE], EVALUATION_KEY[Scope.TEAM]).annotate(**SCORE_STATS)
        for row in rows.order_by():
            out.line_teams.setdefault(row["call__line_of_business_id"], []).append(
                (row["call__agent__team_id"], mean_from(row))
            )
    if "agent" in kinds:
        listed = evaluations if agent_ids is None else evaluations.filter(call__agent_id__in=list(agent_ids))
        for row in listed.order_by("call__agent_id", "call__start_time", "pk").values(*EVALUATION_FIELDS):
            out.agent_evaluations.setdefault(row["call__agent_id"], []).append(row)
    if "center" in kinds:
        out.extra = _center_extra(evaluations, period)
    return out


def _rows(qs: QuerySet, key: str | None, *fields: str, **aggregates) -> list[dict]:
    """`aggregates` of `qs` per (key, *fields) — or over all of it when there are no fields — in
    one query."""
    names = ((key,) if key else ()) + fields
    if not names:
        return [{**qs.aggregate(**aggregates)}]
    return list(qs.values(*names).annotate(**aggregates).order_by())


def _level_figures(level: str, evaluations, history, calls, months: list[Period]) -> dict[int | None, Figures]:
    """Ten grouped queries: one scope's rows each, dealt out to the scopes of the level."""
    key, call_key = EVALUATION_KEY[level], CALL_KEY[level]
    figures: dict[int | None, Figures] = defaultdict(lambda: _empty_figures(len(months)))

    def scope_of(row: dict, name: str | None = key):
        return row[name] if name else None

    for row in _rows(evaluations, key, **SCORE_STATS, **band_counts()):
        f = figures[scope_of(row)]
        f.summary, f.distribution = mean_from(row), bands(row)

    index = {(p.year, p.month): i for i, p in enumerate(months)}
    tz = timezone.get_current_timezone()
    by_month = history.annotate(month=TruncMonth("call__start_time", tzinfo=tz))
    for row in _rows(by_month, key, "month", **SCORE_STATS):
        month = timezone.localtime(row["month"], tz) if timezone.is_aware(row["month"]) else row["month"]
        if (month.year, month.month) in index:
            figures[scope_of(row)].trend[index[(month.year, month.month)]] = mean_from(row)

    answers = scored_answers(evaluations)
    answer_key = f"evaluation__{key}" if key else None
    for by, attr in (("criterion", "lost"), ("category", "lost_by_category")):
        grouped: dict = defaultdict(list)
        for row in _rows(answers, answer_key, *LOST_KEYS[by], **LOST_POINTS):
            grouped[scope_of(row, answer_key)].append(row)
        for scope, rows in grouped.items():
            rows.sort(key=lambda r, keys=LOST_KEYS[by]: (-(r["lost"] or 0), *(r[k] for k in keys)))
            setattr(figures[scope], attr, pareto(rows))

    for name, dimension in DIMENSIONS.items():
        grouped = defaultdict(list)
        for row in _rows(evaluations, key, dimension, **SCORE_STATS):
            grouped[scope_of(row)].append((row[dimension], mean_from(row)))
        for scope, rows in grouped.items():
            figures[scope].by[name] = sorted(rows, key=lambda r: (r[0] is None, str(r[0] or "")))

    for row in _rows(calls, call_key, **CALL_KPIS):
        figures[scope_of(row, call_key)].kpis = row
    for row in _rows(with_qa_csat(evaluations), key, **QA_CSAT_SUMS):
        figures[scope_of(row)].correlation = correlation_from(row)
    return dict(figures)


def _center_extra(evaluations: QuerySet[Evaluation], period: Period) -> CenterExtra:
    evaluators = list(
        evaluations.values("evaluator_id", "evaluator__username", "evaluator__first_name", "evaluator__last_name")
        .annotate(**SCORE_STATS)
        .order_by("-n", "evaluator__username")
    )
    for row in evaluators:
        row["stats"] = mean_from(row)
    listed = evaluations.values(*EVALUATION_FIELDS)
    return CenterExtra(
        random=random_sample_estimate(evaluations),
        targeted=summary(targeted(evaluations)),
        evaluators=evaluators,
        highest=list(listed.order_by("-total", "call__start_time", "pk")[:NOTABLE]),
        lowest=list(listed.order_by("total", "call__start_time", "pk")[:NOTABLE]),
        critical=list(listed.filter(critical_failed=True).order_by("call__start_time", "pk")[:CRITICAL_LISTED]),
        coaching=center_coaching(start=period.start, end=period.end),
    )
