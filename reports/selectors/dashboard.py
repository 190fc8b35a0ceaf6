"""The QA dashboard's figures for one user, scope and month (DESIGN.md §6).

Built only from `selectors.qa`'s aggregates and a few more of the same kind, each one grouped
query: the page costs the same number of queries for 3 agents or 2,000, and for 10 evaluations
or 40,000. What counts is `selectors.qa`'s rule (regular evaluations with a final score, by the
call's start time), narrowed to what the user may see (`permissions.reach`: a supervisor's
figures are their teams' only, whatever the scope).

Feedback SLA and disputes count by their own dates: evaluations *submitted* in the month that had
a feedback deadline (met: delivered on or before it), disputes *raised* in the month, and
disputes *resolved* in the month (overturned: ADJUSTED, the score changed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from monitoring.models import Agent, Direction, LineOfBusiness, Team
from monitoring.selectors import Period
from planning.selectors.progress import LineMonthRow, line_month_rows
from scoring.models import SCORED, Category, Dispute, DisputeStatus, Evaluation, Kind, Method
from scoring.stats import proportion_interval

from ..permissions import center_label, reach
from .periods import months_back
from .qa import (
    LOST_POINTS,
    SCORE_STATS,
    Correlation,
    DesignEstimate,
    Mean,
    Scope,
    _scope_filter,  # the one scope rule, for rows reached by their own dates
    call_kpis,
    calls_in,
    distribution,
    evaluations_in,
    lost_points,
    mean_from,
    pareto,
    qa_csat_correlation,
    random_sample_estimate,
    scored_answers,
    summary,
    targeted,
)

TREND_MONTHS = 6


@dataclass(frozen=True)
class Share:
    """k of n, with its 95 % interval."""

    k: int
    n: int

    @property
    def rate(self) -> float | None:
        return self.k / self.n if self.n else None

    @cached_property
    def interval(self) -> tuple[float, float] | None:
        return proportion_interval(self.k, self.n)

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else 100 * self.rate

    @property
    def percent_interval(self) -> tuple[float, float] | None:
        ci = self.interval
        return None if ci is None else (100 * ci[0], 100 * ci[1])


@dataclass(frozen=True)
class GroupRow:
    """One row of a comparison: `key` is the value a drill-down filters by (an id, a code, a
    choice value), `label` what the person reads."""

    key: object
    label: str
    stats: Mean
    code: str = ""  # an agent's employee id (the call and evaluation lists filter by it)


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    stats: Mean


@dataclass(frozen=True)
class FeedbackSla:
    due: int  # submitted in the month with a feedback deadline
    met: int  # delivered on or before it
    late: int  # delivered after it
    waiting: int  # not delivered yet

    @property
    def share(self) -> Share:
        return Share(self.met, self.due)


@dataclass(frozen=True)
class DisputeFigures:
    opened: int  # raised in the month
    resolved: int  # resolved in the month
    adjusted: int  # of those, overturned: the score changed
    still_open: int  # of those raised in the month, not decided yet

    @property
    def overturned(self) -> Share:
        return Share(self.adjusted, self.resolved)


@dataclass
class Dashboard:
    scope: Scope
    scope_label: str
    period: Period
    summary: Mean
    trend: list[TrendPoint]
    distribution: list[tuple[int, int, int]]
    lost_by_criterion: list[dict]
    lost_by_category: list[dict]
    groups: dict[str, list[GroupRow]]
    random: DesignEstimate
    targeted: Mean
    quota: list[LineMonthRow]
    feedback: FeedbackSla
    disputes: DisputeFigures
    kpis: dict
    correlation: Correlation
    by_csat: list[GroupRow]
    agent: Agent | None = None
    team: Team | None = None
    line: LineOfBusiness | None = None

    @property
    def critical(self) -> Share:
        return Share(self.summary.critical, self.summary.n)


# --- building blocks (each one query) -----------------------------------------------------------


def scoped_evaluations(user, scope: Scope, *, start: dt.datetime, end: dt.datetime) -> QuerySet[Evaluation]:
    """`selectors.qa.evaluations_in`, narrowed to what `user` may see."""
    return evaluations_in(scope, start=start, end=end).filter(reach(user))


def trend(user, scope: Scope, period: Period, *, months: int = TREND_MONTHS) -> list[TrendPoint]:
    """The last `months` months ending with `period`, oldest first, in ONE grouped query (months
    cut in the center's time zone); a month without evaluations has n = 0."""
    periods = months_back(period, months)
    tz = timezone.get_current_timezone()
    rows = (
        scoped_evaluations(user, scope, start=periods[0].start, end=period.end)
        .annotate(month=TruncMonth("call__start_time", tzinfo=tz))
        .values("month")
        .annotate(**SCORE_STATS)
        .order_by("month")
    )
    found = {}
    for row in rows:
        month = row["month"]
        if timezone.is_aware(month):
            month = timezone.localtime(month, tz)
        found[(month.year, month.month)] = mean_from(row)
    empty = Mean(n=0, mean=None, sd=None)
    return [TrendPoint(p, found.get((p.year, p.month), empty)) for p in periods]


def grouped(evaluations: QuerySet[Evaluation], key: str, label: str | None = None, code: str | None = None) -> list:
    """[(key, label, Mean, code)] per value of `key` (with its `label` and `code` fields): one
    GROUP BY query."""
    fields = tuple(f for f in (key, label, code) if f)
    rows = evaluations.values(*fields).annotate(**SCORE_STATS).order_by(*fields)
    return [(row[key], row[label or key], mean_from(row), row[code] if code else "") for row in rows]


NO_VALUE = "–"


def _rows(found, labels: dict | None = None) -> list[GroupRow]:
    out = []
    for key, label, mean, code in found:
        text = labels.get(key, label) if labels else label
        out.append(GroupRow(key=key, label=str(text) if text not in (None, "") else NO_VALUE, stats=mean, code=code))
    return out


def comparisons(evaluations: QuerySet[Evaluation], scope: Scope) -> dict[str, list[GroupRow]]:
    """The scope's average by shift, direction, service type, monitoring method, line of business
    and team (by agent instead of team in a team's scope): one query each."""
    out = {
        "shift": _rows(grouped(evaluations, "call__shift__code", "call__shift__name")),
        "direction": _rows(grouped(evaluations, "call__direction"), dict(Direction.choices)),
        "service_type": _rows(grouped(evaluations, "call__service_type")),
        "method": _rows(grouped(evaluations, "method"), dict(Method.choices)),
        "line": _rows(grouped(evaluations, "call__line_of_business__code", "call__line_of_business__name")),
    }
    if scope.kind == Scope.TEAM:
        out["agent"] = _rows(grouped(evaluations, "agent_id", "agent__name", "agent__employee_id"))
    else:
        out["team"] = _rows(grouped(evaluations, "agent__team_id", "agent__team__name"))
    return out


def by_csat(evaluations: QuerySet[Evaluation]) -> list[GroupRow]:
    """The mean QA total per CSAT answer 1–5 of the same calls: one query (every value shown)."""
    rated = evaluations.filter(call__csat__isnull=False)
    found = {key: mean for key, _label, mean, _code in grouped(rated, "call__csat")}
    empty = Mean(n=0, mean=None, sd=None)
    return [GroupRow(key=v, label=str(v), stats=found.get(v, empty)) for v in range(1, 6)]


# The feedback SLA rule, once (dashboard, summaries, evaluator appraisal): regular evaluations
# submitted in the window with a feedback deadline; met = delivered on or before it.
def feedback_due(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(
        kind=Kind.REGULAR,
        status__in=SCORED,
        submitted_at__gte=start,
        submitted_at__lt=end,
        feedback_due_at__isnull=False,
    )


_DELIVERED = Q(feedback_delivered_at__isnull=False)
# Aggregates giving `FeedbackSla(**row)` (aggregate() or values().annotate()).
FEEDBACK_SLA_COUNTS = {
    "due": Count("pk"),
    "met": Count("pk", filter=_DELIVERED & Q(feedback_delivered_at__lte=F("feedback_due_at"))),
    "late": Count("pk", filter=_DELIVERED & Q(feedback_delivered_at__gt=F("feedback_due_at"))),
    "waiting": Count("pk", filter=Q(feedback_delivered_at__isnull=True)),
}


def feedback_sla(user, scope: Scope, period: Period) -> FeedbackSla:
    """Evaluations submitted in the month with a feedback deadline: met, late, waiting. One query."""
    qs = Evaluation.objects.filter(_scope_filter(scope, "call__"), reach(user), feedback_due(period.start, period.end))
    return FeedbackSla(**qs.aggregate(**FEEDBACK_SLA_COUNTS))


def dispute_figures(user, scope: Scope, period: Period) -> DisputeFigures:
    """First-level disputes raised in the month and those decided in it (overturned = ADJUSTED).
    An appeal is the same dispute's second stage: the disputes page reports the final outcomes
    (scoring.selectors_disputes). One query."""
    start, end = period.start, period.end
    raised = Q(raised_at__gte=start, raised_at__lt=end)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end) & ~Q(status=DisputeStatus.OPEN)
    qs = Dispute.objects.filter(
        _scope_filter(scope, "evaluation__call__"), reach(user, "evaluation__"), raised | resolved, level=1
    )
    row = qs.aggregate(
        opened=Count("pk", filter=raised),
        resolved=Count("pk", filter=resolved),
        adjusted=Count("pk", filter=resolved & Q(status=DisputeStatus.ADJUSTED)),
        still_open=Count("pk", filter=raised & Q(status=DisputeStatus.OPEN)),
    )
    return DisputeFigures(**row)


def quota_rows(user, scope: Scope, period: Period) -> list[LineMonthRow]:
    """planning's line-month progress (whole lines, as planning counts a line's minimum): the
    scope's line for a line scope, else every line the user follows."""
    rows = line_month_rows(user=user, month=period)
    if scope.kind == Scope.LINE:
        rows = [r for r in rows if r.line_id == scope.pk]
    return rows


# A criterion is one row per scorecard and wording: the same criterion kept across a scorecard's
# versions (a new version copies its criteria, with new ids) adds up, as a reader expects.
CRITERION_KEYS = (
    "criterion__section__version__scorecard_id",
    "criterion__section__version__scorecard__name",
    "criterion__text",
    "criterion__category",
)


def lost_by_criterion(evaluations: QuerySet[Evaluation]) -> list[dict]:
    """Points lost per criterion, largest first, with shares and the cumulative share (a Pareto,
    `selectors.qa.pareto`); `label` names the scorecard too when the rows span several. One query."""
    rows = pareto(
        list(
            scored_answers(evaluations)
            .values(*CRITERION_KEYS)
            .annotate(**LOST_POINTS)
            .order_by("-lost", *CRITERION_KEYS)
        )
    )
    several = len({row[CRITERION_KEYS[0]] for row in rows}) > 1
    for row in rows:
        text, scorecard = row["criterion__text"], row["criterion__section__version__scorecard__name"]
        row["label"] = f"{text} · {scorecard}" if several else text
    return rows


def lost_by_category(evaluations: QuerySet[Evaluation]) -> list[dict]:
    """Points lost per category (etiquette, communication…), a Pareto: one query."""
    rows = lost_points(evaluations, by="category")
    for row in rows:
        row["label"] = str(CATEGORY_LABELS.get(row["criterion__category"], row["criterion__category"]))
    return rows


def weakest_criteria(evaluations: QuerySet[Evaluation], *, limit: int = 3) -> list[dict]:
    """The criteria that lost the most points (the head of the Pareto, none that lost nothing): one query."""
    return [row for row in lost_by_criterion(evaluations) if row["lost"] > 0][:limit]


CATEGORY_LABELS = dict(Category.choices)


# --- the scope's name -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    label: str
    agent: Agent | None = None
    team: Team | None = None
    line: LineOfBusiness | None = None


def scope_subject(user, scope: Scope) -> Subject:
    """The scope's name, and the agent, team or line it is: one query for a line, team or agent."""
    if scope.kind == Scope.AGENT:
        agent = Agent.objects.select_related("team").get(pk=scope.pk)
        return Subject(f"{agent.name} ({agent.employee_id})", agent=agent, team=agent.team)
    if scope.kind == Scope.TEAM:
        team = Team.objects.get(pk=scope.pk)
        return Subject(team.name, team=team)
    if scope.kind == Scope.LINE:
        line = LineOfBusiness.objects.get(pk=scope.pk)
        return Subject(line.name, line=line)
    return Subject(center_label(user))


# --- the whole page ---------------------------------------------------------------------------------


def dashboard(*, user, scope: Scope, period: Period) -> Dashboard:
    """Every figure of the dashboard. The caller has checked `permissions.require_scope`."""
    subject = scope_subject(user, scope)
    evaluations = scoped_evaluations(user, scope, start=period.start, end=period.end)
    calls = calls_in(scope, start=period.start, end=period.end).filter(reach(user))
    return Dashboard(
        scope=scope,
        scope_label=subject.label,
        period=period,
        agent=subject.agent,
        team=subject.team,
        line=subject.line,
        summary=summary(evaluations),
        trend=trend(user, scope, period),
        distribution=distribution(evaluations),
        lost_by_criterion=lost_by_criterion(evaluations),
        lost_by_category=lost_by_category(evaluations),
        groups=comparisons(evaluations, scope),
        random=random_sample_estimate(evaluations),
        targeted=summary(targeted(evaluations)),
        quota=quota_rows(user, scope, period),
        feedback=feedback_sla(user, scope, period),
        disputes=dispute_figures(user, scope, period),
        kpis=call_kpis(calls),
        correlation=qa_csat_correlation(evaluations),
        by_csat=by_csat(evaluations),
    )


@dataclass(frozen=True)
class QaPicture:
    """The small QA panel of an agent's or a team's page: the month, its trend, weakest criteria."""

    scope: Scope
    period: Period
    summary: Mean
    trend: list[TrendPoint]
    weakest: list[dict]


def qa_picture(*, user, scope: Scope, period: Period) -> QaPicture:
    """Four queries (summary, trend, weakest criteria)."""
    evaluations = scoped_evaluations(user, scope, start=period.start, end=period.end)
    return QaPicture(
        scope=scope,
        period=period,
        summary=summary(evaluations),
        trend=trend(user, scope, period),
        weakest=weakest_criteria(evaluations),
    )
