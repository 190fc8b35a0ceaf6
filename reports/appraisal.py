"""The evaluator appraisal's arithmetic (pure: no database), as `scoring/formula.py` is the
scorecard's. `reports.selectors.appraisal` feeds it each evaluator-month's raw figures.

- `signed_mean`: a mean offset with Student's t interval (`scoring.stats.t_quantile`; not
  `mean_interval`, which clamps to the 0–100 score range where an offset is signed).
- `clustered_mean`: the mean over units given per cluster (a calibration session's mean offset
  over its calls) with the cluster-robust interval
  S / (S − 1) · Σ (n_s / N)² (m_s − m)², t with S − 1 degrees of freedom (none below 2 clusters).
- `scoring_time`: mean (with interval) and median seconds, leaving out durations above the cap
  (2 hours: a form left open, not scoring time) or under the floor (10 seconds: answers saved
  elsewhere and submitted in one go, not scoring), counted apart.
- `appraisal_score`: 100 × Σ weight × value / Σ weight over the components that have data and a
  weight — on time, feedback SLA, calibration alignment, severity = 1 − min(|offset| ÷ scale, 1),
  disputes not overturned; a component without data drops out and the others are rescaled.
  Worked example (default weights 30/20/25/15/10, scale 10): on time 0.9, feedback 0.8,
  alignment 0.95, offset −2 → severity 0.8, no dispute decided → dropped:
  (30 × 0.9 + 20 × 0.8 + 25 × 0.95 + 15 × 0.8) / 90 × 100 = 87.5, "based on 4 of 5".
- `drift_flags`: |offset| from the consensus or from the second rater above the threshold
  (points), calibration alignment below its threshold (%).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from monitoring.selectors import Period
from scoring.selectors_calibration import ParticipantOffset
from scoring.selectors_disputes import OverturnCount
from scoring.stats import t_quantile

from .selectors.dashboard import FeedbackSla, Share

if TYPE_CHECKING:
    from .models import AppraisalPolicy

TREND_MONTHS = 6
SCORING_TIME_CAP = dt.timedelta(hours=2)
SCORING_TIME_FLOOR = dt.timedelta(seconds=10)

ON_TIME, FEEDBACK, ALIGNMENT, SEVERITY, DISPUTES = "on_time", "feedback", "alignment", "severity", "disputes"
COMPONENT_LABELS = {
    ON_TIME: _("Assignments on time"),
    FEEDBACK: _("Feedback SLA met"),
    ALIGNMENT: _("Calibration alignment"),
    SEVERITY: _("Severity"),
    DISPUTES: _("Disputes not overturned"),
}
COMPONENTS = tuple(COMPONENT_LABELS)


@dataclass(frozen=True)
class SignedMean:
    """A mean signed offset in points (+ lenient, − strict) with its n and 95 % interval."""

    n: int
    mean: float | None
    interval: tuple[float, float] | None = None

    @property
    def leaning(self) -> str:
        if self.mean is None or self.mean == 0:
            return ""
        return "lenient" if self.mean > 0 else "strict"

    @property
    def size(self) -> float | None:
        return None if self.mean is None else abs(self.mean)


NO_OFFSET = SignedMean(0, None)


def signed_mean(values: Sequence[float]) -> SignedMean:
    """The mean of `values` with Student's t interval (none below two values); unclamped."""
    n = len(values)
    if not n:
        return NO_OFFSET
    mean = statistics.fmean(values)
    if n < 2:
        return SignedMean(n, mean)
    half = t_quantile(n - 1) * statistics.stdev(values) / math.sqrt(n)
    return SignedMean(n, mean, (mean - half, mean + half))


def clustered_mean(groups: Sequence[tuple[int, float]]) -> SignedMean:
    """The mean over all units of clusters given as (units, cluster mean), with the
    cluster-robust 95 % interval: variance S / (S − 1) · Σ (n_s / N)² (m_s − m)², t with S − 1
    degrees of freedom (none below two clusters)."""
    groups = [(n, m) for n, m in groups if n > 0]
    total = sum(n for n, _m in groups)
    if not total:
        return NO_OFFSET
    mean = sum(n * m for n, m in groups) / total
    s = len(groups)
    if s < 2:
        return SignedMean(total, mean)
    variance = s / (s - 1) * sum((n / total) ** 2 * (m - mean) ** 2 for n, m in groups)
    half = t_quantile(s - 1) * math.sqrt(variance)
    return SignedMean(total, mean, (mean - half, mean + half))


def pooled(*parts: SignedMean) -> SignedMean:
    """The mean over the units of several means together (weighted by their n); no interval."""
    n = sum(p.n for p in parts if p.mean is not None)
    if not n:
        return NO_OFFSET
    return SignedMean(n, sum(p.n * p.mean for p in parts if p.mean is not None) / n)


@dataclass(frozen=True)
class ScoringTime:
    """Seconds from opening an evaluation to submitting it."""

    n: int
    mean: float | None
    median: float | None
    interval: tuple[float, float] | None
    left_out: int  # over the cap or under the floor


def scoring_time(
    seconds: Iterable[float], cap: dt.timedelta = SCORING_TIME_CAP, floor: dt.timedelta = SCORING_TIME_FLOOR
) -> ScoringTime:
    """Mean (with interval) and median of the durations from `floor` to `cap`; the others are
    counted as left out."""
    values, left_out = [], 0
    for s in seconds:
        if floor.total_seconds() <= s <= cap.total_seconds():
            values.append(s)
        else:
            left_out += 1
    if not values:
        return ScoringTime(0, None, None, None, left_out)
    mean = signed_mean(values)
    interval = None if mean.interval is None else (max(0.0, mean.interval[0]), mean.interval[1])
    return ScoringTime(len(values), mean.mean, statistics.median(values), interval, left_out)


@dataclass(frozen=True)
class Calibration:
    sessions: int
    items: int  # calibration calls with a consensus the evaluator scored
    within: int  # sessions within the session's tolerance
    deviation: float | None  # mean |total − consensus| over the calls
    alignment: float | None  # 0..1, over the calls of sessions with comparable answers
    alignment_items: int
    offset: SignedMean  # total − consensus, over the calls; interval by session

    @property
    def alignment_percent(self) -> float | None:
        return None if self.alignment is None else 100 * self.alignment


def calibration_figures(offsets: Sequence[ParticipantOffset]) -> Calibration:
    """One evaluator's month of `participant_offsets`, each session weighted by its calls."""
    items = sum(o.n_items for o in offsets)
    aligned = [o for o in offsets if not math.isnan(o.alignment)]
    aligned_items = sum(o.n_items for o in aligned)
    return Calibration(
        sessions=len(offsets),
        items=items,
        within=sum(o.within_tolerance for o in offsets),
        deviation=sum(o.mean_abs * o.n_items for o in offsets) / items if items else None,
        alignment=sum(o.alignment * o.n_items for o in aligned) / aligned_items if aligned_items else None,
        alignment_items=aligned_items,
        offset=clustered_mean([(o.n_items, o.mean_signed) for o in offsets]),
    )


@dataclass(frozen=True)
class Component:
    code: str
    weight: int
    value: float | None  # 0..1; None: no data, dropped
    n: int

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.code]

    @property
    def counted(self) -> bool:
        return self.value is not None and self.weight > 0

    @property
    def percent(self) -> float | None:
        return None if self.value is None else 100 * self.value


@dataclass(frozen=True)
class AppraisalScore:
    value: float | None  # 0..100
    components: tuple[Component, ...]

    @property
    def used(self) -> int:
        return sum(c.counted for c in self.components)

    @property
    def possible(self) -> int:
        """The components with a weight (5 with the default weights)."""
        return sum(c.weight > 0 for c in self.components)


def appraisal_score(values: dict[str, tuple[float | None, int]], weights: dict[str, int]) -> AppraisalScore:
    """100 × Σ weight × value / Σ weight over the components with data (value, n) and a weight;
    None when none has both."""
    components = tuple(Component(code, weights.get(code, 0), *values.get(code, (None, 0))) for code in COMPONENTS)
    counted = [c for c in components if c.counted]
    weight = sum(c.weight for c in counted)
    value = 100 * sum(c.weight * c.value for c in counted) / weight if weight else None
    return AppraisalScore(value, components)


def severity_component(offset: SignedMean, scale: float) -> float | None:
    """1 − min(|offset| ÷ scale, 1): 1 for an evaluator on the reference, 0 at `scale` points off."""
    return None if offset.mean is None else 1 - min(abs(offset.mean) / scale, 1.0)


CONSENSUS, SECOND, LOW_ALIGNMENT = "consensus", "second", "alignment"


@dataclass(frozen=True)
class Drift:
    code: str  # CONSENSUS | SECOND | LOW_ALIGNMENT
    value: float  # the offset in points, or the alignment in %
    threshold: float
    n: int


def drift_flags(calibration: Calibration, vs_second: SignedMean, *, offset: float, alignment: float) -> list[Drift]:
    """Alerts for a month: |offset| from the consensus or from the second rater above `offset`
    points; alignment below `alignment` %."""
    out = []
    if calibration.offset.size is not None and calibration.offset.size > offset:
        out.append(Drift(CONSENSUS, calibration.offset.mean, offset, calibration.offset.n))
    if vs_second.size is not None and vs_second.size > offset:
        out.append(Drift(SECOND, vs_second.mean, offset, vs_second.n))
    if calibration.alignment is not None and 100 * calibration.alignment < alignment:
        out.append(Drift(LOW_ALIGNMENT, 100 * calibration.alignment, alignment, calibration.alignment_items))
    return out


@dataclass
class EvaluatorMonth:
    user_id: int
    period: Period
    on_time: Share
    feedback: FeedbackSla
    time: ScoringTime
    calibration: Calibration
    vs_second: SignedMean
    disputes: OverturnCount
    severity: SignedMean  # consensus and second rater pooled: what the score uses
    score: AppraisalScore
    drift: list[Drift] = field(default_factory=list)

    @property
    def overturned(self) -> Share:
        return Share(self.disputes.overturned, self.disputes.resolved)

    @property
    def not_overturned(self) -> Share:
        return Share(self.disputes.resolved - self.disputes.overturned, self.disputes.resolved)

    @property
    def has_data(self) -> bool:
        return bool(
            self.on_time.n
            or self.feedback.due
            or self.time.n
            or self.time.left_out
            or self.calibration.sessions
            or self.vs_second.n
            or self.disputes.resolved
        )


def evaluator_month(
    *,
    user_id: int,
    period: Period,
    policy: AppraisalPolicy,
    on_time: Share,
    feedback: FeedbackSla,
    seconds: Sequence[float],
    offsets: Sequence[ParticipantOffset],
    pair_offsets: Sequence[float],
    disputes: OverturnCount,
) -> EvaluatorMonth:
    """One evaluator-month's figures, score and alerts from its raw inputs (pure)."""
    calibration = calibration_figures(offsets)
    vs_second = signed_mean(pair_offsets)
    severity = pooled(calibration.offset, vs_second)
    not_overturned = disputes.resolved - disputes.overturned
    score = appraisal_score(
        {
            ON_TIME: (on_time.rate, on_time.n),
            FEEDBACK: (feedback.share.rate, feedback.due),
            ALIGNMENT: (calibration.alignment, calibration.alignment_items),
            SEVERITY: (severity_component(severity, float(policy.severity_scale)), severity.n),
            DISPUTES: (not_overturned / disputes.resolved if disputes.resolved else None, disputes.resolved),
        },
        policy.weights,
    )
    drift = drift_flags(
        calibration, vs_second, offset=float(policy.drift_offset), alignment=float(policy.drift_alignment)
    )
    return EvaluatorMonth(
        user_id=user_id,
        period=period,
        on_time=on_time,
        feedback=feedback,
        time=scoring_time(seconds),
        calibration=calibration,
        vs_second=vs_second,
        disputes=disputes,
        severity=severity,
        score=score,
        drift=drift,
    )
