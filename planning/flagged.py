"""The flagged stratum (DESIGN.md §9), pure: which of a week's calls count as flagged under a
line's policy, and which of an agent's flagged calls are taken first.

A call counts as flagged when its line's policy says one of these does (each can be switched
off): automatic QA found a forbidden phrase, a long silence or a long hold (the call's analysis
is done), or the customer's CSAT is at or below the policy's limit (blank: never).

Severity, most severe first:

1. a forbidden phrase (said to a customer, the worst finding);
2. then the lowest CSAT (among the calls whose CSAT flags them: 1 before 2; a call not flagged
   by its CSAT comes after every one that is);
3. then the longest counted silence or hold, in seconds (the longer of the two);
4. ties in an order shuffled by the run's random generator for the agent-week, so equal calls
   are not always taken in id order, and the same seed takes the same ones.

Flagged picks are targeted: they never carry an inclusion probability and never enter the
random-sample estimates.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from .models import CSAT_HIGHEST, QuotaPolicy

Severity = tuple[int, int, float]


def severity(row: dict, policy: QuotaPolicy) -> Severity | None:
    """The sort key of a call (a `selectors.flagged.flagged_calls` row) under `policy`, lower is
    more severe; None when nothing the policy counts flags it."""
    analysed = row["analysed"]
    forbidden = analysed and policy.flagged_forbidden_phrase and row["forbidden_phrase"]
    silence = analysed and policy.flagged_long_silence and row["long_silence"]
    hold = analysed and policy.flagged_long_hold and row["long_hold"]
    csat = row["csat"]
    low_csat = policy.flagged_csat_max is not None and csat is not None and csat <= policy.flagged_csat_max
    if not (forbidden or silence or hold or low_csat):
        return None
    longest = max(row["longest_silence"] if silence else 0.0, row["longest_hold"] if hold else 0.0)
    return (0 if forbidden else 1, csat if low_csat else CSAT_HIGHEST + 1, -longest)


def most_severe(candidates: Iterable[tuple[dict, Severity]], n: int, rng: random.Random) -> list[dict]:
    """The `n` most severe of (call, severity) pairs; ties broken by `rng` (deterministic for
    its seed, whatever order the candidates come in)."""
    if n <= 0:
        return []
    ordered = sorted(candidates, key=lambda pair: pair[0]["id"])
    rng.shuffle(ordered)
    ordered.sort(key=lambda pair: pair[1])  # stable: the shuffle orders equals
    return [call for call, _key in ordered[:n]]


def counted_flags(policies: Iterable[QuotaPolicy]) -> tuple[set[str], int | None]:
    """What any of `policies` counts: the analysis flags switched on, and the highest CSAT limit
    (None: none counts CSAT) — what the week's one query must fetch."""
    flags: set[str] = set()
    csat_max: int | None = None
    for policy in policies:
        for name in ("forbidden_phrase", "long_silence", "long_hold"):
            if getattr(policy, f"flagged_{name}"):
                flags.add(name)
        if policy.flagged_csat_max is not None:
            csat_max = max(csat_max or 0, policy.flagged_csat_max)
    return flags, csat_max
