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

from monitoring.models import AssignmentReason, Call
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


SCORE_STATS = {
    "n": Count("pk"),
    "mean": Avg("total"),
    "sd": StdDev("total", sample=True),
    "critical": Count("pk", filter=Q(critical_failed=True)),
}


def _mean(row: dict) -> Mean:
    return Mean(n=row["n"], mean=_float(row["mean"]), sd=_float(row["sd"]), critical=row["critical"])


def summary(evaluations: QuerySet[Evaluation]) -> Mean:
    """n, average, standard deviation and critical failures: one query."""
    return _mean(evaluations.aggregate(**SCORE_STATS))


def by_group(evaluations: QuerySet[Evaluation], field: str) -> list[tuple]:
    """[(key, Mean)] per value of `field` (e.g. "call__shift__name", "call__direction",
    "call__service_type", "agent__team__name", "agent_id", "method"): one GROUP BY query."""
    rows = evaluations.values(field).annotate(**SCORE_STATS).order_by(field)
    return [(row[field], _mean(row)) for row in rows]


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
    randoms = evaluations.filter(
        assignment__reason=AssignmentReason.RANDOM, assignment__inclusion_probability__gt=0
    )
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
    """Evaluations not drawn at random: line top-up, coaching follow-up, by hand, ad hoc."""
    return evaluations.exclude(assignment__reason=AssignmentReason.RANDOM)


def distribution(evaluations: QuerySet[Evaluation], *, width: int = 10) -> list[tuple[int, int, int]]:
    """[(low, high, count)] of totals in bands of `width` points (the last band includes 100): one query."""
    edges = list(range(0, 100, width))
    aggregates = {
        f"b{low}": Count(
            "pk",
            filter=Q(total__gte=low) & (Q(total__lt=low + width) if low + width < 100 else Q(total__lte=100)),
        )
        for low in edges
    }
    row = evaluations.aggregate(**aggregates)
    return [(low, min(low + width, 100), row[f"b{low}"]) for low in edges]


def lost_points(evaluations: QuerySet[Evaluation], *, by: str = "criterion") -> list[dict]:
    """Points lost per criterion (or per category), largest first, with each row's cumulative share
    of all lost points (a Pareto). A scale answer v of k loses points × (k − v) / k; N/A answers
    lose nothing. One GROUP BY query; the cumulative share is a running sum over its rows."""
    lost = ExpressionWrapper(
        Cast(F("criterion__points"), FloatField())
        * (F("criterion__scale_max") - F("value"))
        / Cast(F("criterion__scale_max"), FloatField()),
        output_field=FloatField(),
    )
    keys = ("criterion_id", "criterion__text", "criterion__category") if by == "criterion" else ("criterion__category",)
    rows = list(
        Answer.objects.filter(evaluation__in=evaluations, is_na=False, value__isnull=False)
        .values(*keys)
        .annotate(lost=Sum(lost), possible=Sum("criterion__points"), answers=Count("pk"))
        .order_by("-lost", *keys)
    )
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
    return calls.aggregate(
        calls=Count("pk"),
        avg_talk=Avg("talk_seconds"),
        avg_hold=Avg("hold_seconds"),
        avg_acw=Avg("acw_seconds"),
        avg_handle=Avg(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
        avg_csat=Avg("csat"),
        surveyed=Count("csat"),
        avg_nps=Avg("nps"),
        nps_answers=Count("nps"),
    )


@dataclass(frozen=True)
class Correlation:
    n: int
    r: float | None


def qa_csat_correlation(evaluations: QuerySet[Evaluation]) -> Correlation:
    """Pearson's r between the QA total and the call's CSAT, over evaluated calls with a survey:
    one aggregate of the sums."""
    x = Cast("total", FloatField())
    y = Cast("call__csat", FloatField())
    agg = (
        evaluations.filter(call__csat__isnull=False)
        .annotate(x=x, y=y)
        .aggregate(
            n=Count("pk"),
            sx=Sum("x"),
            sy=Sum("y"),
            sxx=Sum(F("x") * F("x")),
            syy=Sum(F("y") * F("y")),
            sxy=Sum(F("x") * F("y")),
        )
    )
    n = agg["n"] or 0
    if n < 3:
        return Correlation(n=n, r=None)
    cov = agg["sxy"] - agg["sx"] * agg["sy"] / n
    vx = agg["sxx"] - agg["sx"] ** 2 / n
    vy = agg["syy"] - agg["sy"] ** 2 / n
    if vx <= 0 or vy <= 0:
        return Correlation(n=n, r=None)
    return Correlation(n=n, r=cov / math.sqrt(vx * vy))
