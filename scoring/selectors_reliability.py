"""Continuous double scoring (DESIGN.md §4): the rolling reliability of scores.

A double-scored pair is a call's scored regular evaluation (the first) and a submitted calibration
evaluation of the same call on the same scorecard version whose assignment was a double-scoring
pick (the second, scored blind). Calibration-session evaluations have no such assignment and are
not pairs. `double_scored_pairs` fetches the last N pairs in three queries whatever N; the
figures below are computed from them in Python (scoring/stats.py).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from monitoring.models import AssignmentReason

from .models import SCORED, Answer, Evaluation, Kind
from .models_calibration import DEFAULT_TOLERANCE, OPEN_STATUSES, CalibrationItem, SessionStatus
from .stats import AlphaResult, IccResult, icc, krippendorff_alpha, mean_interval


@dataclass(frozen=True)
class Rater:
    id: int
    name: str


@dataclass
class Pair:
    call_id: int
    line_code: str
    line_name: str
    first_id: int
    second_id: int
    first: Rater
    second: Rater
    first_total: float
    second_total: float
    submitted_at: object
    # (scorecard id, criterion text) → (criterion text, scale max, first value, second value); None is N/A
    answers: dict[tuple[int, str], tuple[str, int, int | None, int | None]] = field(default_factory=dict)

    @property
    def difference(self) -> float:
        """The second score minus the first."""
        return self.second_total - self.first_total


FIELDS = ("pk", "call_id", "version_id", "total", "evaluator_id", "evaluator__username")
FIELDS += ("evaluator__first_name", "evaluator__last_name")
ANSWER_FIELDS = ("evaluation_id", "criterion__section__version__scorecard_id", "criterion__text")
ANSWER_FIELDS += ("criterion__scale_max", "value", "is_na")


def _name(row: dict, prefix: str) -> str:
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return full or row[prefix + "username"]


def _second_evaluations(*, line: str | None):
    firsts = Evaluation.objects.filter(
        call_id=OuterRef("call_id"), version_id=OuterRef("version_id"), kind=Kind.REGULAR, status__in=SCORED
    )
    qs = Evaluation.objects.filter(
        kind=Kind.CALIBRATION,
        status__in=SCORED,
        submitted_at__isnull=False,
        total__isnull=False,
        assignment__reason=AssignmentReason.DOUBLE_SCORING,
    ).filter(Exists(firsts.filter(total__isnull=False)))
    if line:
        qs = qs.filter(call__line_of_business__code=line)
    return qs


def double_scored_pairs(
    *, line: str | None = None, last: int | None = 200, since=None, until=None, with_answers: bool = True
) -> list[Pair]:
    """The last `last` pairs by the second's submission (all of them for None; only seconds
    submitted in [since, until) when given), newest first: three queries, two without the
    criterion answers (`with_answers=False`, for figures on totals only)."""
    lob = ("call__line_of_business__code", "call__line_of_business__name", "submitted_at")
    qs = _second_evaluations(line=line)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    if until is not None:
        qs = qs.filter(submitted_at__lt=until)
    qs = qs.order_by("-submitted_at", "-pk").values(*FIELDS, *lob)
    seconds = list(qs if last is None else qs[:last])
    if not seconds:
        return []
    firsts = {
        (r["call_id"], r["version_id"]): r
        for r in Evaluation.objects.filter(
            call_id__in={s["call_id"] for s in seconds}, kind=Kind.REGULAR, status__in=SCORED, total__isnull=False
        ).values(*FIELDS)
    }
    pairs = []
    for s in seconds:
        f = firsts.get((s["call_id"], s["version_id"]))
        if f is None:
            continue
        pairs.append(
            Pair(
                call_id=s["call_id"],
                line_code=s["call__line_of_business__code"],
                line_name=s["call__line_of_business__name"],
                first_id=f["pk"],
                second_id=s["pk"],
                first=Rater(f["evaluator_id"], _name(f, "evaluator__")),
                second=Rater(s["evaluator_id"], _name(s, "evaluator__")),
                first_total=float(f["total"]),
                second_total=float(s["total"]),
                submitted_at=s["submitted_at"],
            )
        )
    if not with_answers:
        return pairs
    by_evaluation = {p.first_id: (p, 0) for p in pairs} | {p.second_id: (p, 1) for p in pairs}
    rows = Answer.objects.filter(evaluation_id__in=list(by_evaluation)).values_list(*ANSWER_FIELDS)
    for evaluation_id, scorecard_id, text, scale_max, value, is_na in rows:
        pair, side = by_evaluation[evaluation_id]
        key = (scorecard_id, text)
        _text, _max, a, b = pair.answers.get(key, (text, scale_max, None, None))
        v = None if is_na else value
        pair.answers[key] = (text, scale_max, v, b) if side == 0 else (text, scale_max, a, v)
    return pairs


@dataclass(frozen=True)
class MeanDifference:  # of the absolute differences of totals
    n: int
    mean: float | None
    interval: tuple[float, float] | None


def _mean_abs(differences: list[float]) -> MeanDifference:
    values = [abs(d) for d in differences]
    if not values:
        return MeanDifference(0, None, None)
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) >= 2 else None
    return MeanDifference(len(values), mean, mean_interval(len(values), mean, sd))


def _icc(pairs: list[Pair]) -> IccResult | None:
    if len(pairs) < 2:
        return None
    try:
        result = icc([[p.first_total, p.second_total] for p in pairs], "ICC2")
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return None
    return result if math.isfinite(result.value) else None


@dataclass
class LineReliability:
    code: str
    name: str
    n: int
    alpha: AlphaResult
    icc: IccResult | None
    mean_abs_difference: MeanDifference
    beyond_tolerance: list[Pair]


def _on_totals(group: list[Pair]) -> tuple[AlphaResult, IccResult | None, MeanDifference]:
    """Alpha (interval) and ICC(2,1) on the pairs' totals, and their mean |difference|."""
    alpha = krippendorff_alpha([[p.first_total for p in group], [p.second_total for p in group]], "interval")
    return alpha, _icc(group), _mean_abs([p.difference for p in group])


def line_reliability(pairs: list[Pair], tolerance: float = float(DEFAULT_TOLERANCE)) -> list[LineReliability]:
    """Per line of business: alpha (interval) and ICC(2,1) on totals, mean |difference|, and the
    pairs whose totals differ by more than `tolerance` points (for the next calibration session)."""
    by_line: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs:
        by_line[(p.line_code, p.line_name)].append(p)
    out = []
    for (code, name), group in sorted(by_line.items(), key=lambda kv: kv[0][1]):
        alpha, icc_, mean_abs = _on_totals(group)
        beyond = [p for p in group if abs(p.difference) > tolerance]
        out.append(LineReliability(code, name, len(group), alpha, icc_, mean_abs, beyond))
    return out


@dataclass
class CriterionReliability:
    scorecard_id: int
    text: str
    scale_max: int
    n: int
    alpha: AlphaResult
    agreeing: int

    @property
    def share_agreeing(self) -> float | None:
        return self.agreeing / self.n if self.n else None


def criterion_reliability(pairs: list[Pair]) -> list[CriterionReliability]:
    """Per criterion (by its text within a scorecard): nominal alpha for yes/no criteria, ordinal
    for scales, and the share of pairs giving the same answer; least reliable first."""
    values: dict[tuple[int, str], list[tuple[int | None, int | None]]] = defaultdict(list)
    scale: dict[tuple[int, str], int] = {}
    for p in pairs:
        for key, (_text, scale_max, a, b) in p.answers.items():
            values[key].append((a, b))
            scale[key] = max(scale.get(key, 1), scale_max)
    out = []
    for key, rows in values.items():
        both = [(a, b) for a, b in rows if a is not None and b is not None]
        level = "nominal" if scale[key] == 1 else "ordinal"
        alpha = krippendorff_alpha([[a for a, _ in rows], [b for _, b in rows]], level)
        out.append(CriterionReliability(key[0], key[1], scale[key], len(both), alpha, sum(a == b for a, b in both)))
    inf = math.inf
    return sorted(out, key=lambda c: (inf if c.alpha.value is None else c.alpha.value, c.share_agreeing or 0, c.text))


@dataclass
class EvaluatorPairReliability:
    a: Rater
    b: Rater
    n: int
    mean_signed_difference: float  # a's total minus b's: positive when b is the stricter
    mean_abs_difference: float

    @property
    def stricter(self) -> Rater | None:
        if self.mean_signed_difference > 0:
            return self.b
        return self.a if self.mean_signed_difference < 0 else None


def evaluator_pair_reliability(pairs: list[Pair]) -> list[EvaluatorPairReliability]:
    """Per unordered pair of evaluators: how far apart their totals are and who is stricter."""
    groups: dict[tuple[int, int], list[float]] = defaultdict(list)
    raters: dict[int, Rater] = {}
    for p in pairs:
        raters[p.first.id], raters[p.second.id] = p.first, p.second
        if p.first.id <= p.second.id:
            groups[(p.first.id, p.second.id)].append(p.first_total - p.second_total)
        else:
            groups[(p.second.id, p.first.id)].append(p.second_total - p.first_total)
    out = [
        EvaluatorPairReliability(raters[a], raters[b], len(d), statistics.fmean(d), statistics.fmean(map(abs, d)))
        for (a, b), d in groups.items()
    ]
    return sorted(out, key=lambda r: (-r.mean_abs_difference, r.a.name, r.b.name))


def disagreeing_call_ids(*, line: str | None, since, until, tolerance: float = float(DEFAULT_TOLERANCE)) -> list[int]:
    """Calls whose double-scored pair (second submitted in [since, until)) lies more than
    `tolerance` points apart: proposed for the next calibration session."""
    seconds = _second_evaluations(line=line).filter(submitted_at__gte=since, submitted_at__lt=until)
    rows = list(seconds.values_list("call_id", "version_id", "total"))
    firsts = dict(
        ((c, v), t)
        for c, v, t in Evaluation.objects.filter(
            call_id__in={r[0] for r in rows}, kind=Kind.REGULAR, status__in=SCORED, total__isnull=False
        ).values_list("call_id", "version_id", "total")
    )
    return sorted({c for c, v, t in rows if (c, v) in firsts and abs(float(t) - float(firsts[(c, v)])) > tolerance})


# --- the trend: the same figures month by month ---------------------------------------------

TREND_MONTHS = 6


@dataclass
class MonthReliability:
    month: dt.date  # its first day (the center's calendar)
    n: int
    alpha: AlphaResult
    icc: IccResult | None
    mean_abs_difference: MeanDifference


@dataclass
class LineTrend:
    code: str
    name: str
    months: list[MonthReliability]  # oldest first, one per month of the window, empty ones too


def trend_months(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the last `months` calendar months up to `today`'s, oldest first."""
    index = today.year * 12 + today.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def reliability_trend(*, line: str | None = None, months: int = TREND_MONTHS, today=None) -> list[LineTrend]:
    """Per line of business, month by month: alpha (interval) and ICC(2,1) on totals and the mean
    |difference|, each over the pairs whose second was submitted in that month (the center's
    time zone), for the last `months` months up to this one. Two queries whatever the pairs."""
    starts = trend_months(today or timezone.localdate(), months)
    since = dt.datetime.combine(starts[0], dt.time.min, tzinfo=timezone.get_current_timezone())
    groups: dict[tuple[str, str], dict[dt.date, list[Pair]]] = defaultdict(lambda: defaultdict(list))
    for p in double_scored_pairs(line=line, last=None, since=since, with_answers=False):
        local = timezone.localtime(p.submitted_at)
        groups[(p.line_code, p.line_name)][dt.date(local.year, local.month, 1)].append(p)
    out = []
    for (code, name), by_month in sorted(groups.items(), key=lambda kv: kv[0][1]):
        rows = [MonthReliability(m, len(by_month[m]), *_on_totals(by_month[m])) for m in starts]
        out.append(LineTrend(code, name, rows))
    return out


# --- where a disagreeing call went --------------------------------------------------------------


@dataclass(frozen=True)
class SessionOfCall:
    id: int
    title: str
    status: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return SessionStatus(self.status).label


def sessions_of_calls(call_ids: Iterable[int]) -> dict[int, SessionOfCall]:
    """Each call's latest calibration session that was not cancelled (one query)."""
    rows = (
        CalibrationItem.objects.filter(call_id__in=set(call_ids))
        .exclude(session__status=SessionStatus.CANCELLED)
        .order_by("call_id", "-session_id")
        .values_list("call_id", "session_id", "session__title", "session__status")
    )
    out: dict[int, SessionOfCall] = {}
    for call_id, session_id, title, status in rows:
        out.setdefault(call_id, SessionOfCall(session_id, title, status))
    return out
