"""Statistics on scores, from scipy (never hand-typed tables).

`mean_interval`: the 95 % interval of a mean from n, the mean and the sample standard deviation
(Student's t with n − 1 degrees of freedom). Reliability statistics (Krippendorff's alpha, ICC)
join this module with calibration (DESIGN.md §8).
"""

from __future__ import annotations

import math

from scipy import stats


def t_quantile(df: int, confidence: float = 0.95) -> float:
    """The two-sided Student's t quantile for `df` degrees of freedom."""
    return float(stats.t.ppf(0.5 + confidence / 2, df))


def mean_interval(n: int, mean: float | None, sd: float | None, confidence: float = 0.95) -> tuple[float, float] | None:
    """(low, high) of the mean's interval, clamped to the 0–100 score range; None below n = 2."""
    if n < 2 or mean is None or sd is None:
        return None
    half = t_quantile(n - 1, confidence) * sd / math.sqrt(n)
    return max(0.0, mean - half), min(100.0, mean + half)
