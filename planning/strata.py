"""Stratified sampling, pure (no ORM): how a sample is split over strata (shift × direction ×
service type) and drawn, so a week's sample is not all day-shift inbound.

Allocation is proportional with systematic rounding from a random start, so a stratum's expected
sample is exactly n × N_h / N and every call of the frame has the same inclusion probability n / N.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class SamplingReport:
    kind: str
    period_start: dt.date
    period_end: dt.date
    seed: int
    eligible_calls: int = 0
    units: int = 0  # agents (or lines) considered
    units_short: int = 0  # agents (or lines) with fewer eligible calls than needed
    added: int = 0
    by_reason: Counter = field(default_factory=Counter)
    by_role: Counter = field(default_factory=Counter)
    unrouted: int = 0  # picks no evaluator had capacity for
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "seed": self.seed,
            "eligible_calls": self.eligible_calls,
            "units": self.units,
            "units_short": self.units_short,
            "added": self.added,
            "by_reason": dict(self.by_reason),
            "by_role": dict(self.by_role),
            "unrouted": self.unrouted,
            "seconds": round(self.seconds, 3),
        }


def stratum_key(call: dict) -> tuple:
    return (call["shift_id"] or 0, call["direction"], call["service_type"])


def allocate(sizes: dict[tuple, int], n: int, rng: random.Random) -> dict[tuple, int]:
    """Split n picks over strata in proportion to their sizes, rounding systematically from a
    random start, so E[n_h] = n × N_h / N exactly and no stratum gets more than it holds."""
    total = sum(sizes.values())
    if n <= 0 or total == 0:
        return {}
    n = min(n, total)
    start = rng.random()
    out: dict[tuple, int] = {}
    cumulative = 0.0
    taken = 0
    for key in sorted(sizes):
        cumulative += n * sizes[key] / total
        upto = math.floor(cumulative - start + 1) if cumulative >= start else 0
        upto = min(upto, n)
        out[key] = min(upto - taken, sizes[key])
        taken += out[key]
    short = n - taken  # float edge cases: give any missing pick to strata with room, in order
    for key in sorted(sizes):
        if short <= 0:
            break
        room = sizes[key] - out[key]
        extra = min(room, short)
        out[key] += extra
        short -= extra
    return {k: v for k, v in out.items() if v}


def stratified_pick(calls: list[dict], n: int, rng: random.Random) -> tuple[list[dict], float]:
    """n calls stratified by shift × direction × service type; returns them and the inclusion
    probability every call of the frame had (n / N)."""
    if n <= 0 or not calls:
        return [], 0.0
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for call in calls:
        strata[stratum_key(call)].append(call)
    allocation = allocate({k: len(v) for k, v in strata.items()}, n, rng)
    picked = []
    for key in sorted(allocation):
        picked.extend(rng.sample(strata[key], allocation[key]))
    return picked, min(1.0, len(picked) / len(calls))
