"""Properties of the sampler's pure parts (DESIGN.md §3), over inputs hypothesis chooses.

- allocate: exactly min(n, N) picks, never more than a stratum holds, each stratum within one
  of its proportional share n × N_h / N, and on average exactly that share (systematic rounding
  from a random start is unbiased).
- stratified_pick: distinct calls of the frame, as many as asked (or the whole frame), each
  stratum in proportion.
- next_role: for any total of 1..15 and shares adding to 100, every role ends within one call of
  its share, and stays within one as picks are added one by one (top-ups join an agent-week).
- classify: the interval holds the average and stays on the 0–100 scale; the flag says whether
  it crosses a boundary; flags (critical, coaching, tenure) always win over the average.
"""

import random
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planning.models import QuotaPolicy, Tier
from planning.routing import ROLES, next_role
from planning.strata import allocate, stratified_pick
from planning.tiers import classify

EPS = 1e-9

sizes_st = st.dictionaries(
    keys=st.tuples(st.integers(0, 4), st.sampled_from(["inbound", "outbound"]), st.sampled_from(["a", "b", "c"])),
    values=st.integers(0, 60),
    min_size=1,
    max_size=12,
)


def shares_st():
    return (
        st.tuples(st.integers(0, 100), st.integers(0, 100))
        .filter(lambda t: t[0] + t[1] <= 100)
        .map(lambda t: {"qa": t[0], "supervisor": t[1], "trainer": 100 - t[0] - t[1]})
    )


@given(sizes=sizes_st, n=st.integers(0, 80), seed=st.integers(0, 2**32))
def test_allocate_gives_min_n_total_and_respects_every_stratum(sizes, n, seed):
    total = sum(sizes.values())
    got = allocate(sizes, n, random.Random(seed))
    assert sum(got.values()) == min(n, total)
    assert set(got) <= set(sizes)
    for key, count in got.items():
        assert 0 < count <= sizes[key]


@given(sizes=sizes_st, n=st.integers(1, 80), seed=st.integers(0, 2**32))
def test_allocate_keeps_every_stratum_within_one_of_its_share(sizes, n, seed):
    total = sum(sizes.values())
    assume(total > 0)
    n = min(n, total)
    got = allocate(sizes, n, random.Random(seed))
    for key, size in sizes.items():
        assert abs(got.get(key, 0) - n * size / total) < 1 + EPS, (key, got)


@settings(max_examples=30, deadline=None)
@given(sizes=sizes_st, n=st.integers(1, 30))
def test_allocate_is_unbiased_over_many_seeds(sizes, n):
    total = sum(sizes.values())
    assume(total > 0)
    n = min(n, total)
    runs = 1_500
    sums = Counter()
    for seed in range(runs):
        sums.update(allocate(sizes, n, random.Random(seed)))
    for key, size in sizes.items():
        # Each n_h is ⌊share⌋ or ⌈share⌉, so its variance is at most ¼: the mean of 1,500 runs
        # is within 0.05 of the share with overwhelming probability (≥ 3.8 standard errors).
        assert sums[key] / runs == pytest.approx(n * size / total, abs=0.05), key


@given(sizes=sizes_st, n=st.integers(0, 80), seed=st.integers(0, 2**32))
def test_stratified_pick_takes_distinct_calls_in_proportion(sizes, n, seed):
    calls, next_id = [], 1
    for (shift, direction, service), count in sizes.items():
        for _ in range(count):
            calls.append({"id": next_id, "shift_id": shift, "direction": direction, "service_type": service})
            next_id += 1
    picked, probability = stratified_pick(calls, n, random.Random(seed))
    ids = [c["id"] for c in picked]
    assert len(ids) == len(set(ids)) == min(n, len(calls))
    assert set(ids) <= {c["id"] for c in calls}
    if calls and n:
        assert probability == pytest.approx(min(n, len(calls)) / len(calls))
        by_stratum = Counter((c["shift_id"], c["direction"], c["service_type"]) for c in picked)
        for key, size in sizes.items():
            share = min(n, len(calls)) * size / len(calls)
            assert abs(by_stratum[key] - share) < 1 + EPS


@given(shares=shares_st(), total=st.integers(1, 15))
def test_next_role_keeps_every_role_within_one_of_its_share(shares, total):
    targets = {role: shares[role] * total / 100 for role in ROLES}
    current = Counter()
    for _ in range(total):
        role = next_role(targets, current, ROLES)
        assert role is not None
        current[role] += 1
    assert sum(current.values()) == total
    for role in ROLES:
        assert abs(current[role] - targets[role]) <= 1 + EPS, (role, dict(current))


@given(shares=shares_st(), first=st.integers(0, 15), more=st.integers(1, 15))
def test_next_role_stays_within_one_as_picks_are_added(shares, first, more):
    """An agent-week routed for `first` picks, then given more one at a time (line top-ups)."""
    current = Counter()
    targets = {role: shares[role] * first / 100 for role in ROLES}
    for _ in range(first):
        current[next_role(targets, current, ROLES)] += 1
    for total in range(first + 1, first + more + 1):
        targets = {role: shares[role] * total / 100 for role in ROLES}
        current[next_role(targets, current, ROLES)] += 1
        for role in ROLES:
            assert abs(current[role] - targets[role]) <= 1 + EPS, (total, role, dict(current))


@given(shares=shares_st(), total=st.integers(1, 15), missing=st.sampled_from(ROLES))
def test_next_role_never_offers_a_role_that_is_not_allowed(shares, total, missing):
    allowed = set(ROLES) - {missing}
    targets = {role: shares[role] * total / 100 for role in ROLES}
    current = Counter()
    for _ in range(total):
        role = next_role(targets, current, allowed)
        assert role in allowed
        current[role] += 1


POLICY = QuotaPolicy()
scores_st = st.lists(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)), max_size=40)


@given(totals=scores_st)
def test_the_interval_holds_the_average_and_stays_on_the_scale(totals):
    result = classify(totals=totals, critical_failures=0, tenure_days=400, coaching_open=False, policy=POLICY)
    assert result.n == len(totals)
    if len(totals) < 2:
        assert result.ci is None and not result.straddles
        return
    low, high = result.ci
    assert 0.0 <= low <= result.average + EPS
    assert result.average - EPS <= high <= 100.0
    boundaries = (POLICY.needs_improvement_min, POLICY.good_min, POLICY.excellent_min)
    assert result.straddles == any(low < b <= high for b in boundaries)


@given(totals=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40))
def test_without_flags_the_tier_is_the_band_of_the_average(totals):
    result = classify(totals=totals, critical_failures=0, tenure_days=400, coaching_open=False, policy=POLICY)
    average = sum(totals) / len(totals)
    expected = (
        Tier.EXCELLENT
        if average >= 90
        else Tier.GOOD
        if average >= 80
        else Tier.NEEDS_IMPROVEMENT
        if average >= 70
        else Tier.AT_RISK
    )
    assert result.tier == expected


@given(
    totals=scores_st,
    critical=st.integers(0, 3),
    tenure=st.integers(0, 2_000),
    coaching=st.booleans(),
)
def test_any_risk_flag_means_at_risk_whatever_the_average(totals, critical, tenure, coaching):
    result = classify(
        totals=totals, critical_failures=critical, tenure_days=tenure, coaching_open=coaching, policy=POLICY
    )
    flagged = critical > 0 or tenure < 90 or coaching
    if flagged:
        assert result.tier == Tier.AT_RISK
        assert result.reason
    elif not totals:
        assert result.tier == Tier.NO_HISTORY
    # The weekly target is always one of the policy's, between 3 and 10 with the defaults.
    assert 3 <= POLICY.target_for(result.tier) <= 10
