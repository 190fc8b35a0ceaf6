"""The QA figures of a scope and period, each from one database aggregate (DESIGN.md §6).

Every function takes a queryset of evaluations (`evaluations_in`) and returns plain numbers;
none loops over evaluations in Python, so a page costs the same few queries for 20 agents or
2,000. What counts: regular evaluations with a final score (submitted onwards, `SCORED`), of
calls whose start falls in the period — calibration, double-scoring and self-evaluations never
count toward an agent's figures.

Averages come with n and the 95 % interval (Student's t). The random-sample estimate weights
each randomly sampled evaluation by 1 / its recorded inclusion probability (the Hájek ratio
estimator Σ(y/π) / Σ(1/π), with its linearised variance); targeted picks (line top-up, coaching
follow-up, ad hoc) are summarised apart and never mixed into it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q, QuerySet, StdDev, Sum, Value
from django.db.models.functions import Cast

from monitoring.models import Call
from scoring.filters import RANDOM_PICK
from scoring.models import SCORED, Answer, Evaluation, Kind
from scoring.stats import mean_interval


@dataclass(frozen=True)
class Scope:
    """What a figure covers: the whole center, a line of business, a team or an agent."""

    kind: str  # "center" | "line" | "team" | "agent"
    pk: int | None = None

    CENTER = "center"
    LINE = "line"
    TEAM = "team"
    AGENT = "agent"


def _scope_filter(scope: Scope, prefix: str = "") -> Q:
    """The Q selecting `scope` on a model reached through `prefix` ("" for Evaluation/Call rows)."""
    p = prefix
    if scope.kind == Scope.LINE:
        return Q(**{f"{p}line_of_business_id": scope.pk})
    if scope.kind == Scope.TEAM:
        return Q(**{f"{p}agent__team_id": scope.pk})
    if scope.kind == Scope.AGENT:
        return Q(**{f"{p}agent_id": scope.pk})
    return Q()


def evaluations_in(scope: Scope, *, start: dt.datetime, end: dt.datetime) -> QuerySet[Evaluation]:
    """The evaluations that count for `scope` in [start, end) by the call's start time."""
    return Evaluation.objects.filter(
        _scope_filter(scope, "call__"),
        kind=Kind.REGULAR,
        status__in=SCORED,
        call__start_time__gte=start,
        call__start_time__lt=end,
    )


def calls_in(scope: Scope, *, start: dt.datetime, end: dt.datetime) -> QuerySet[Call]:
    return Call.objects.filter(_scope_filter(scope), start_time__gte=start, start_time__lt=end)


@dataclass(frozen=True)
class Mean:
    """An average with what it rests on."""

    n: int
    mean: float | None
    sd: float | None
    critical: int = 0

    @property
    def interval(self) -> tuple[float, float] | None:
        return mean_interval(self.n, self.mean, self.sd)

    @property
    def critical_rate(self) -> float | None:
        return self.critical / self.n if self.n else None


def _float(value) -> float | None:
    return None if value is None else float(value)


class SampleStdDev(StdDev):
    """The sample standard deviation, NULL below two values on every database. PostgreSQL's
    STDDEV_SAMP is; SQLite's (Django's Python aggregate) raises on a group of one instead, so on
    SQLite it is √(max(0, (Σx² − (Σx)²/n) / (n − 1))) from SQL's own sums."""

    def __init__(self, expression, **extra):
        super().__init__(expression, sample=True, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.filter is not None:
            raise NotImplementedError("SampleStdDev takes no filter")
        sql, params = compiler.compile(self.get_source_expressions()[0])
        x = f"CAST({sql} AS REAL)"
        template = (
            f"CASE WHEN COUNT({x}) > 1 THEN "
            f"SQRT(MAX((SUM({x} * {x}) - SUM({x}) * SUM({x}) / COUNT({x})) / (COUNT({x}) - 1), 0.0)) END"
        )
        return template, tuple(params) * template.count(x)


SCORE_STATS = {
    "n": Count("pk"),
    "mean": Avg("total"),
    "sd": SampleStdDev("total"),
    "critical": Count("pk", filter=Q(critical_failed=True)),
}


def mean_from(row: dict) -> Mean:
    """A `Mean` from a row of the `SCORE_STATS` aggregates."""
    return Mean(n=row["n"], mean=_float(row["mean"]), sd=_float(row["sd"]), critical=row["critical"])


def summary(evaluations: QuerySet[Evaluation]) -> Mean:
    """n, average, standard deviation and critical failures: one query."""
    return mean_from(evaluations.aggregate(**SCORE_STATS))


def by_group(evaluations: QuerySet[Evaluation], field: str) -> list[tuple]:
    """[(key, Mean)] per value of `field` (e.g. "call__shift__name", "call__direction",
    "call__service_type", "agent__team__name", "agent_id", "method"): one GROUP BY query."""
    rows = evaluations.values(field).annotate(**SCORE_STATS).order_by(field)
    return [(row[field], mean_from(row)) for row in rows]


@dataclass(frozen=True)
class DesignEstimate:
    """The population average estimated from the random picks, weighted by 1 / π."""

    n: int
    mean: float | None
    se: float | None
    weight_sum: float | None  # Σ 1/π: the estimated number of calls the sample stands for

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.n < 2 or self.mean is None or self.se is None:
            return None
        half = 1.959963984540054 * self.se
        return max(0.0, self.mean - half), min(100.0, self.mean + half)


def random_sample_estimate(evaluations: QuerySet[Evaluation]) -> DesignEstimate:
    """Hájek estimate Σ(y/π)/Σ(1/π) over the evaluations of randomly sampled calls with a
    recorded inclusion probability, and its linearised standard error
    √(Σ w²(y − ȳ)²) / Σw with w = 1/π: one query."""
    randoms = evaluations.filter(RANDOM_PICK)
    w = ExpressionWrapper(Value(1.0) / F("assignment__inclusion_probability"), output_field=FloatField())
    y = Cast("total", FloatField())
    agg = randoms.annotate(w=w, y=y).aggregate(
        n=Count("pk"),
        sw=Sum("w"),
        swy=Sum(F("w") * F("y")),
        sww=Sum(F("w") * F("w")),
        swwy=Sum(F("w") * F("w") * F("y")),
        swwyy=Sum(F("w") * F("w") * F("y") * F("y")),
    )
    n, sw = agg["n"], agg["sw"]
    if not n or not sw:
        return DesignEstimate(n=n or 0, mean=None, se=None, weight_sum=None)
    mean = agg["swy"] / sw
    residual = agg["swwyy"] - 2 * mean * agg["swwy"] + mean * mean * agg["sww"]
    se = math.sqrt(max(residual, 0.0)) / sw if n >= 2 else None
    return DesignEstimate(n=n, mean=mean, se=se, weight_sum=sw)


def targeted(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Evaluations not drawn at random with a known probability: line top-up, coaching
    follow-up, by hand, ad hoc."""
    return evaluations.exclude(RANDOM_PICK)


def band_counts(width: int = 10) -> dict:
    """The aggregates counting totals per band of `width` points (`b0`, `b10`, …; the last band
    includes 100), for `aggregate` or a grouped `annotate`; `bands` reads them back."""
    return {
        f"b{low}": Count(
            "pk",
            filter=Q(total__gte=low) & (Q(total__lt=low + width) if low + width < 100 else Q(total__lte=100)),
        )
        for low in range(0, 100, width)
    }


def bands(row: dict, width: int = 10) -> list[tuple[int, int, int]]:
    return [(low, min(low + width, 100), row[f"b{low}"]) for low in range(0, 100, width)]


def distribution(evaluations: QuerySet[Evaluation], *, width: int = 10) -> list[tuple[int, int, int]]:
    """[(low, high, count)] of totals in bands of `width` points (the last band includes 100): one query."""
    return bands(evaluations.aggregate(**band_counts(width)), width)


def lost_points(evaluations: QuerySet[Evaluation], *, by: str = "criterion") -> list[dict]:
    """Points lost per criterion (or per category), largest first, with each row's cumulative share
    of all lost points (a Pareto). A scale answer v of k loses points × (k − v) / k; N/A answers
    lose nothing. One GROUP BY query; the cumulative share is a running sum over its rows."""
    keys = LOST_KEYS[by]
    return pareto(list(scored_answers(evaluations).values(*keys).annotate(**LOST_POINTS).order_by("-lost", *keys)))


# What a lost-points row is grouped by, per `by`.
LOST_KEYS = {
    "criterion": ("criterion_id", "criterion__text", "criterion__category"),
    "category": ("criterion__category",),
}


def scored_answers(evaluations: QuerySet[Evaluation]) -> QuerySet[Answer]:
    """The answers of `evaluations` that can lose points (not N/A, answered)."""
    return Answer.objects.filter(evaluation__in=evaluations, is_na=False, value__isnull=False)


def _points_lost() -> ExpressionWrapper:
    return ExpressionWrapper(
        Cast(F("criterion__points"), FloatField())
        * (F("criterion__scale_max") - F("value"))
        / Cast(F("criterion__scale_max"), FloatField()),
        output_field=FloatField(),
    )


# The aggregates of a lost-points row, over answers (`scored_answers`).
LOST_POINTS = {"lost": Sum(_points_lost()), "possible": Sum("criterion__points"), "answers": Count("pk")}


def pareto(rows: list[dict]) -> list[dict]:
    """Add each row's share of all lost points and the running (cumulative) share; `rows` are
    largest first."""
    total = sum(r["lost"] or 0 for r in rows)
    running = 0.0
    for row in rows:
        row["lost"] = row["lost"] or 0.0
        running += row["lost"]
        row["share"] = row["lost"] / total if total else 0.0
        row["cumulative"] = running / total if total else 0.0
    return rows


def call_kpis(calls: QuerySet[Call]) -> dict:
    """The calls' own figures beside QA: one aggregate."""
    return calls.aggregate(**CALL_KPIS)


# The aggregates of `call_kpis`, for `aggregate` or a grouped `annotate`.
CALL_KPIS = {
    "calls": Count("pk"),
    "avg_talk": Avg("talk_seconds"),
    "avg_hold": Avg("hold_seconds"),
    "avg_acw": Avg("acw_seconds"),
    "avg_handle": Avg(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
    "avg_csat": Avg("csat"),
    "surveyed": Count("csat"),
    "avg_nps": Avg("nps"),
    "nps_answers": Count("nps"),
}


@dataclass(frozen=True)
class Correlation:
    n: int
    r: float | None


def qa_csat_correlation(evaluations: QuerySet[Evaluation]) -> Correlation:
    """Pearson's r between the QA total and the call's CSAT, over evaluated calls with a survey:
    one aggregate of the sums."""
    return correlation_from(with_qa_csat(evaluations).aggregate(**QA_CSAT_SUMS))


def with_qa_csat(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Evaluated calls with a survey, annotated x = QA total, y = CSAT (for `QA_CSAT_SUMS`)."""
    return evaluations.filter(call__csat__isnull=False).annotate(
        x=Cast("total", FloatField()), y=Cast("call__csat", FloatField())
    )


# The sums Pearson's r is computed from (`correlation_from`), for `aggregate` or a grouped `annotate`.
QA_CSAT_SUMS = {
    "n": Count("pk"),
    "sx": Sum("x"),
    "sy": Sum("y"),
    "sxx": Sum(F("x") * F("x")),
    "syy": Sum(F("y") * F("y")),
    "sxy": Sum(F("x") * F("y")),
}


def correlation_from(agg: dict) -> Correlation:
    n = agg["n"] or 0
    if n < 3:
        return Correlation(n=n, r=None)
    cov = agg["sxy"] - agg["sx"] * agg["sy"] / n
    vx = agg["sxx"] - agg["sx"] ** 2 / n
    vy = agg["syy"] - agg["sy"] ** 2 / n
    if vx <= 0 or vy <= 0:
        return Correlation(n=n, r=None)
    return Correlation(n=n, r=cov / math.sqrt(vx * vy))
