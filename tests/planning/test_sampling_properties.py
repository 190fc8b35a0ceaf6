"""Properties of the sampler's pure parts (DESIGN.md §3), over inputs hypothesis chooses.

- allocate: exactly min(n, N) picks, never more than a stratum holds, each stratum within one
  of its proportional share n × N_h / N, and on average exactly that share (systematic rounding
  from a random start is unbiased).
- stratified_pick: distinct calls of the frame, as many as asked (or the whole frame), each
  stratum in proportion.
- largest_remainder: every role gets the floor or the ceiling of its quota, and all of the total.
- WeekSplit: with every role open, each role ends on its week target exactly, existing work
  counted; a role closed for some picks falls short by its share of those picks (within one
  call), is never given one, and the other roles stay within one call of their targets.
- classify: the interval holds the average and stays on the 0–100 scale; the flag says whether
  it crosses a boundary; flags (critical, coaching, tenure) always win over the average.
"""

import math
import random
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planning.models import QuotaPolicy, Tier
from planning.routing import ROLES, WeekSplit, largest_remainder
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


@given(shares=shares_st(), total=st.integers(0, 500))
def test_largest_remainder_gives_each_role_the_floor_or_ceiling_of_its_quota(shares, total):
    got = largest_remainder(shares, total)
    assert sum(got.values()) == total
    for role in ROLES:
        quota = shares[role] * total / 100
        assert math.floor(quota) <= got[role] <= math.ceil(quota), (role, got)


week_st = st.lists(st.tuples(st.integers(1, 10), st.sampled_from(["all", "no supervisor"])), min_size=1, max_size=60)


@given(shares=shares_st(), batches=week_st, have=st.dictionaries(st.sampled_from(ROLES), st.integers(0, 30)))
def test_with_every_role_open_each_role_ends_on_its_week_target(shares, batches, have):
    """Batches of 1–10 picks (agent-weeks), all roles open: the run adds target − have to each
    role, unless one already had more than its target (then that role gets nothing)."""
    new = sum(n for n, _ in batches)
    split = WeekSplit(existing={1: have}, new={1: new}, shares={1: shares})
    got = Counter(split.choose(1, ROLES) for _ in range(new))
    assert sum(got.values()) == new
    target = largest_remainder(shares, sum(have.values()) + new)
    if all(have.get(role, 0) <= target[role] for role in ROLES):
        assert {role: got[role] + have.get(role, 0) for role in ROLES} == target
    else:
        for role in ROLES:
            assert got[role] == 0 or have.get(role, 0) + got[role] <= target[role], (role, got, target)


@given(shares=shares_st(), batches=week_st)
def test_a_closed_role_moves_at_most_its_share_of_the_closed_picks_and_is_never_given_them(shares, batches):
    new = sum(n for n, _ in batches)
    split = WeekSplit(existing={}, new={1: new}, shares={1: shares})
    got, closed = Counter(), 0
    for n, kind in batches:
        open_roles = ROLES if kind == "all" else ("qa", "trainer")
        for _ in range(n):
            role = split.choose(1, open_roles)
            assert role in open_roles
            got[role] += 1
        closed += 0 if kind == "all" else n
    target = largest_remainder(shares, new)
    lost = target["supervisor"] * closed / new  # the supervisor's part of each closed pick
    # The supervisor falls short by its share of the picks it could not take (within one call),
    # the trainer stays on target (within one), and QA takes the rest.
    assert abs(got["supervisor"] - (target["supervisor"] - lost)) <= 1 + EPS, (got, target, closed)
    assert abs(got["trainer"] - target["trainer"]) <= 1 + EPS, (got, target, closed)
    assert sum(got.values()) == new


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
