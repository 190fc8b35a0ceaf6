"""Tier rules (DESIGN.md §3), pure: no ORM, tested directly.

From the policy's trailing weeks (4) before the week: excellent (average ≥ 90, no critical
failure) → 3 a week; good (80–90) → 5; needs improvement (70–80) → 7; at risk (< 70, any
critical failure, an open coaching plan, or tenure under 90 days) → 10; no evaluations yet → 5.
Every number comes from the agent's QuotaPolicy. The 95 % interval of the average (Student's t)
is kept with the tier; when it straddles a tier boundary the agent is flagged as a candidate for
more samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.stats import t_quantile

from .models import Tier


def t95(df: int) -> float:
    """The two-sided 95 % Student's t quantile for `df` degrees of freedom (exact, from scipy)."""
    return t_quantile(df)


def one_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TierResult:
    tier: str
    reason: str
    average: float | None
    n: int
    ci: tuple[float, float] | None
    critical_failures: int
    new_hire: bool
    straddles: bool


def classify(
    *,
    totals: list[float],
    critical_failures: int,
    tenure_days: int,
    coaching_open: bool,
    policy,
) -> TierResult:
    """Pure: the tier for one agent's trailing scores under `policy`."""
    n = len(totals)
    average = sum(totals) / n if n else None
    ci = None
    if n >= 2:
        variance = sum((x - average) ** 2 for x in totals) / (n - 1)
        half = t95(n - 1) * math.sqrt(variance / n)
        ci = (max(0.0, average - half), min(100.0, average + half))
    new_hire = tenure_days < policy.new_hire_days
    boundaries = (policy.needs_improvement_min, policy.good_min, policy.excellent_min)
    straddles = bool(ci) and any(ci[0] < b <= ci[1] for b in boundaries)
    reasons = []
    if new_hire:
        reasons.append(f"tenure {tenure_days} days")
    if coaching_open:
        reasons.append("open coaching plan")
    if critical_failures:
        reasons.append(f"{critical_failures} critical failure(s)")
    if average is not None and average < policy.needs_improvement_min:
        reasons.append(f"average {average:.1f} < {policy.needs_improvement_min}")
    if reasons:
        tier = Tier.AT_RISK
    elif average is None:
        tier, reasons = Tier.NO_HISTORY, ["no evaluations in the trailing weeks"]
    elif average >= policy.excellent_min:
        tier, reasons = Tier.EXCELLENT, [f"average {average:.1f} ≥ {policy.excellent_min}"]
    elif average >= policy.good_min:
        tier, reasons = Tier.GOOD, [f"average {average:.1f} in {policy.good_min}–{policy.excellent_min}"]
    else:
        tier, reasons = (
            Tier.NEEDS_IMPROVEMENT,
            [f"average {average:.1f} in {policy.needs_improvement_min}–{policy.good_min}"],
        )
    return TierResult(tier, "; ".join(reasons), average, n, ci, critical_failures, new_hire, straddles)
