"""Statistics on scores, from scipy (never hand-typed tables).

`mean_interval`: the 95 % interval of a mean from n, the mean and the sample standard deviation
(Student's t with n − 1 degrees of freedom); `welch_interval`: the interval of the difference of
two means with unequal variances (Welch–Satterthwaite); `proportion_interval`: the Wilson interval
of k / n. Reliability statistics (Krippendorff's alpha, ICC)
join this module with calibration (DESIGN.md §8).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from scipy import stats

StrOrPromise = str | Promise


def t_quantile(df: int, confidence: float = 0.95) -> float:
    """The two-sided Student's t quantile for `df` degrees of freedom."""
    return float(stats.t.ppf(0.5 + confidence / 2, df))


def mean_interval(n: int, mean: float | None, sd: float | None, confidence: float = 0.95) -> tuple[float, float] | None:
    """(low, high) of the mean's interval, clamped to the 0–100 score range; None below n = 2."""
    if n < 2 or mean is None or sd is None:
        return None
    half = t_quantile(n - 1, confidence) * sd / math.sqrt(n)
    return max(0.0, mean - half), min(100.0, mean + half)


def welch_interval(
    a: tuple[int, float, float], b: tuple[int, float, float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """(low, high) of mean(b) − mean(a), each side given as (n, mean, sample sd), by Welch's t
    with Satterthwaite's degrees of freedom; signed, not clamped. None when a side has n < 2.
    Two sides without any spread give the difference itself as the interval."""
    (n1, m1, s1), (n2, m2, s2) = a, b
    if n1 < 2 or n2 < 2:
        return None
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    diff = m2 - m1
    if v1 + v2 == 0:
        return diff, diff
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * math.sqrt(v1 + v2)
    return diff - half, diff + half


def proportion_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """The Wilson interval of k / n (0–1), None when n is 0."""
    if not n:
        return None
    # The closed form scipy's binomtest(...).proportion_ci(method="wilson") computes, without the
    # test's p-value (a report shows hundreds of these).
    z = _z(confidence)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@functools.lru_cache(maxsize=8)
def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa of two raters over n items, with its 95 % interval (None when undefined)."""

    n: int
    observed: float | None  # share of items they agree on
    expected: float | None  # agreement expected by chance from each rater's own shares
    kappa: float | None
    low: float | None
    high: float | None


def cohen_kappa(table: Sequence[Sequence[int]], confidence: float = 0.95) -> KappaResult:
    """Cohen's kappa from a k × k table of counts (rows: rater A's category, columns: rater
    B's), with the large-sample interval of Fleiss, Cohen and Everitt (1969). Undefined (None)
    without items, and when either rater gave the same category every time (a rule that never
    fails): kappa is then 0 by its formula whatever the other rater did, which says nothing about
    how well the two agree."""
    counts = np.asarray(table, dtype=float)
    n = int(counts.sum())
    if n == 0:
        return KappaResult(0, None, None, None, None, None)
    p = counts / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po = float(np.trace(p))
    pe = float(rows @ cols)
    if pe >= 1.0 or np.count_nonzero(rows) < 2 or np.count_nonzero(cols) < 2:
        return KappaResult(n, po, pe, None, None, None)
    kappa = (po - pe) / (1 - pe)
    diag = np.diag(p)
    term1 = float(np.sum(diag * (1 - (rows + cols) * (1 - kappa)) ** 2))
    off = p.copy()
    np.fill_diagonal(off, 0.0)
    term2 = (1 - kappa) ** 2 * float(np.sum(off * (cols[:, None] + rows[None, :]) ** 2))
    term3 = (kappa - pe * (1 - kappa)) ** 2
    variance = max(0.0, (term1 + term2 - term3) / (n * (1 - pe) ** 2))
    half = float(stats.norm.ppf(0.5 + confidence / 2)) * math.sqrt(variance)
    return KappaResult(n, po, pe, kappa, max(-1.0, kappa - half), min(1.0, kappa + half))


# ---------------------------------------------------------------------------------------------
# Reliability: Krippendorff's alpha and the intraclass correlation (DESIGN.md §4, §8)
# ---------------------------------------------------------------------------------------------

LEVELS = ("nominal", "ordinal", "interval", "ratio")
ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


class AlphaBand(TextChoices):
    """Krippendorff's (2004) thresholds: ≥ .800 reliable, .667–.800 tentative, below unreliable."""

    RELIABLE = "reliable", _("Reliable")
    TENTATIVE = "tentative", _("Tentative conclusions only")
    UNRELIABLE = "unreliable", _("Unreliable")


class IccBand(TextChoices):
    """Koo & Li (2016): < .5 poor, .5–.75 moderate, .75–.9 good, > .9 excellent."""

    POOR = "poor", _("Poor")
    MODERATE = "moderate", _("Moderate")
    GOOD = "good", _("Good")
    EXCELLENT = "excellent", _("Excellent")


NO_PAIRABLE_UNITS = _("No unit has two or more values to compare.")
NO_VARIATION = _("All values are the same, so agreement beyond chance cannot be measured.")


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha; `value` is None (with `reason`) when the data cannot define it."""

    value: float | None
    level: str
    n_units: int  # units with at least two pairable values
    n_values: int  # pairable values in those units
    low: float | None = None  # percentile bootstrap interval (units resampled)
    high: float | None = None
    reason: StrOrPromise | None = None

    @property
    def band(self) -> AlphaBand | None:
        if self.value is None:
            return None
        if self.value >= 0.800:
            return AlphaBand.RELIABLE
        return AlphaBand.TENTATIVE if self.value >= 0.667 else AlphaBand.UNRELIABLE


@dataclass(frozen=True)
class IccResult:
    """An intraclass correlation with its F-based interval (Shrout & Fleiss 1979; McGraw & Wong 1996)."""

    value: float
    low: float
    high: float
    form: str
    n_targets: int
    n_raters: int

    @property
    def band(self) -> IccBand:
        if self.value < 0.5:
            return IccBand.POOR
        if self.value < 0.75:
            return IccBand.MODERATE
        return IccBand.GOOD if self.value <= 0.9 else IccBand.EXCELLENT


def _value_counts(reliability_data: Sequence[Sequence[object]]) -> tuple[list[object], np.ndarray]:
    """(sorted value domain, units × values count matrix) of the pairable units only."""
    rows = [list(row) for row in reliability_data]
    if not rows or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("reliability_data must be a non-empty list of equally long rows (one per rater)")
    present = [v for row in rows for v in row if not _missing(v)]
    try:
        domain = sorted(set(present))
    except TypeError:
        domain = list(dict.fromkeys(present))
    index = {v: i for i, v in enumerate(domain)}
    counts = np.zeros((len(rows[0]), len(domain)))
    for row in rows:
        for unit, v in enumerate(row):
            if not _missing(v):
                counts[unit, index[v]] += 1
    pairable = counts.sum(axis=1) >= 2
    used = counts[pairable].sum(axis=0) > 0
    return [v for v, keep in zip(domain, used, strict=True) if keep], counts[pairable][:, used]


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _alpha_terms(counts: np.ndarray, weights: np.ndarray, level: str, values: np.ndarray) -> tuple[np.ndarray, ...]:
    """(n, Σ o·δ, Σ n_c·n_k·δ) for each row of `weights` (how often each unit is drawn)."""
    m = counts.sum(axis=1)
    n_c = weights @ counts  # value marginals of the coincidence matrix, one row per draw
    n = n_c.sum(axis=1)
    if level in ("ordinal", "interval"):
        # Both are squared differences of positions: the values themselves (interval), or, since
        # δ(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² = (r_k − r_c)², the mid-ranks r taken from each
        # draw's marginals (ordinal). Moments avoid a values × values matrix.
        pos = np.cumsum(n_c, axis=1) - n_c / 2 if level == "ordinal" else np.broadcast_to(values, n_c.shape)
        s1, s2 = counts @ pos.T, counts @ (pos**2).T  # units × draws
        observed = (weights * (2 * (m[:, None] * s2 - s1**2) / (m - 1)[:, None]).T).sum(axis=1)
        expected = 2 * n * (n_c * pos**2).sum(axis=1) - 2 * (n_c * pos).sum(axis=1) ** 2
        return n, observed, expected
    delta = _metric(level, values)
    per_unit = ((counts @ delta) * counts).sum(axis=1) / (m - 1)
    return n, weights @ per_unit, ((n_c @ delta) * n_c).sum(axis=1)


def _metric(level: str, values: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    c, k = values[:, None], values[None, :]
    total = c + k
    ratio = np.divide(c - k, total, out=np.zeros_like(total), where=total != 0)
    return ratio**2


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[object]],
    level: str = "interval",
    *,
    draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> AlphaResult:
    """Krippendorff's alpha by the coincidence matrix (Krippendorff 2011).

    Rows are raters, columns units, None (or NaN) a missing value. Units with fewer than two values
    are not pairable and drop out. The interval is a percentile bootstrap over the pairable units
    (`draws` resamples, reproducible from `seed`; 0 draws skips it).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    domain, counts = _value_counts(reliability_data)
    n_units, n_values = counts.shape[0], int(counts.sum())
    if n_units == 0:
        return AlphaResult(None, level, 0, 0, reason=NO_PAIRABLE_UNITS)
    if len(domain) < 2:
        return AlphaResult(None, level, n_units, n_values, reason=NO_VARIATION)
    values = np.arange(len(domain), dtype=float) if level == "nominal" else np.asarray(domain, dtype=float)
    n, observed, expected = _alpha_terms(counts, np.ones((1, n_units)), level, values)
    value = float(1 - (n[0] - 1) * observed[0] / expected[0])
    low = high = None
    if draws > 0:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=draws).astype(float)
        alphas = []
        for chunk in np.array_split(weights, max(1, draws * n_units * len(domain) // 4_000_000 + 1)):
            n, observed, expected = _alpha_terms(counts, chunk, level, values)
            with np.errstate(divide="ignore", invalid="ignore"):
                alphas.append(np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan))
        sample = np.concatenate(alphas)
        if np.isfinite(sample).any():
            tail = (1 - confidence) / 2 * 100
            low, high = (float(q) for q in np.nanpercentile(sample, [tail, 100 - tail]))
    return AlphaResult(value, level, n_units, n_values, low, high)


def _mean_squares(data: np.ndarray) -> tuple[float, float, float, float]:
    """(MS rows, MS columns, MS error, MS within) of a two-way ANOVA without replication."""
    n, k = data.shape
    grand = data.mean()
    ss_total = float(((data - grand) ** 2).sum())
    ss_rows = float(k * ((data.mean(axis=1) - grand) ** 2).sum())
    ss_cols = float(n * ((data.mean(axis=0) - grand) ** 2).sum())
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    ms_within = (ss_total - ss_rows) / (n * (k - 1))
    return ss_rows / (n - 1), ss_cols / (k - 1), ms_error, ms_within


def icc(matrix: Sequence[Sequence[float]], form: str = "ICC2", confidence: float = 0.95) -> IccResult:
    """The intraclass correlation `form` of complete targets × raters data, with its F-based interval.

    ICC1 one-way random, ICC2 two-way random absolute agreement (Satterthwaite interval), ICC3
    two-way mixed consistency; the "k" forms are the reliability of the raters' average.
    """
    if form not in ICC_FORMS:
        raise ValueError(f"form must be one of {', '.join(ICC_FORMS)}, not {form!r}")
    rows = [list(row) for row in matrix]
    if not rows or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("matrix must be a non-empty list of equally long rows (one per target)")
    if any(_missing(v) for row in rows for v in row):
        raise ValueError("icc needs complete data: the matrix has missing values (None or NaN)")
    data = np.asarray(rows, dtype=float)
    n, k = data.shape
    if n < 2 or k < 2:
        raise ValueError(f"icc needs at least 2 targets and 2 raters, not {n} × {k}")
    msr, msc, mse, msw = _mean_squares(data)
    error = msw if form.startswith("ICC1") else mse
    if msr == 0 or error == 0:
        raise ValueError("icc is undefined when targets do not differ or raters agree without any error")
    q = 0.5 + confidence / 2
    if form in ("ICC1", "ICC1k"):
        value = (msr - msw) / (msr + (k - 1) * msw) if form == "ICC1" else (msr - msw) / msr
        f_obs, df2 = msr / msw, n * (k - 1)
    elif form in ("ICC3", "ICC3k"):
        value = (msr - mse) / (msr + (k - 1) * mse) if form == "ICC3" else (msr - mse) / msr
        f_obs, df2 = msr / mse, (n - 1) * (k - 1)
    else:
        one = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        value = one if form == "ICC2" else (msr - mse) / (msr + (msc - mse) / n)
        # McGraw & Wong (1996) case 2A, Satterthwaite's degrees of freedom for the denominator.
        a = k * one / (n * (1 - one))
        b = 1 + k * one * (n - 1) / (n * (1 - one))
        v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
        f_u, f_l = stats.f.ppf(q, n - 1, v), stats.f.ppf(q, v, n - 1)
        spread = k * msc + (k * n - k - n) * mse
        low = n * (msr - f_u * mse) / (f_u * spread + n * msr)
        high = n * (f_l * msr - mse) / (spread + n * f_l * msr)
        if form == "ICC2k":
            low, high = (x * k / (1 + x * (k - 1)) for x in (low, high))
        return IccResult(float(value), float(low), float(high), form, n, k)
    f_low = f_obs / stats.f.ppf(q, n - 1, df2)
    f_high = f_obs * stats.f.ppf(q, df2, n - 1)
    if form.endswith("k"):
        low, high = 1 - 1 / f_low, 1 - 1 / f_high
    else:
        low, high = (f_low - 1) / (f_low + k - 1), (f_high - 1) / (f_high + k - 1)
    return IccResult(float(value), float(low), float(high), form, n, k)
