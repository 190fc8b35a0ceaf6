"""The pure parts of the monitoring plan (DESIGN.md §3), no database: how a sample is split over
strata, how picks are split over evaluator roles, and the tier rules with their 95 % interval.

Properties over many inputs are in test_sampling_properties.py; the services are tested on real
rows in tests/scoring/test_planning.py.
"""

import random
from collections import Counter

import pytest

from planning.models import QuotaPolicy, Tier
from planning.routing import ROLES, WeekSplit, largest_remainder
from planning.strata import allocate, stratified_pick
from planning.tiers import classify, t95

DAY, NIGHT = 1, 2


def frame(spec: dict[tuple, int]) -> list[dict]:
    """Calls as the sampler sees them: {(shift_id, direction, service_type): how many}."""
    calls, next_id = [], 1
    for (shift, direction, service), count in spec.items():
        for _ in range(count):
            calls.append({"id": next_id, "shift_id": shift, "direction": direction, "service_type": service})
            next_id += 1
    return calls


def strata_of(calls: list[dict]) -> Counter:
    return Counter((c["shift_id"], c["direction"], c["service_type"]) for c in calls)


# --- allocate ---------------------------------------------------------------------------------


def test_allocate_gives_exactly_n():
    sizes = {"a": 7, "b": 13, "c": 1, "d": 29}
    for seed in range(50):
        assert sum(allocate(sizes, 9, random.Random(seed)).values()) == 9


def test_allocate_gives_everything_when_n_exceeds_the_frame():
    sizes = {"a": 2, "b": 3}
    assert allocate(sizes, 10, random.Random(1)) == {"a": 2, "b": 3}


def test_allocate_gives_nothing_for_no_picks_or_an_empty_frame():
    assert allocate({"a": 5}, 0, random.Random(1)) == {}
    assert allocate({}, 5, random.Random(1)) == {}
    assert allocate({"a": 0, "b": 0}, 5, random.Random(1)) == {}


def test_allocate_never_gives_a_stratum_more_than_it_holds():
    sizes = {"big": 95, "tiny": 1, "small": 4}
    for seed in range(200):
        got = allocate(sizes, 60, random.Random(seed))
        assert all(got.get(k, 0) <= sizes[k] for k in sizes), got


def test_allocate_is_exact_when_the_shares_are_whole():
    sizes = {"a": 80, "b": 10, "c": 10}
    for seed in range(20):
        assert allocate(sizes, 10, random.Random(seed)) == {"a": 8, "b": 1, "c": 1}


def test_allocate_is_unbiased_over_random_starts():
    """Systematic rounding: a stratum's expected share is exactly n × N_h / N, even for strata
    whose share is below one pick (they get one pick in that fraction of runs)."""
    sizes = {"a": 61, "b": 23, "c": 9, "d": 5, "e": 2}
    n, total, runs = 7, sum(sizes.values()), 4_000
    sums = Counter()
    for seed in range(runs):
        sums.update(allocate(sizes, n, random.Random(seed)))
    for key, size in sizes.items():
        assert sums[key] / runs == pytest.approx(n * size / total, abs=0.03), key


def test_allocate_is_deterministic_for_a_seed():
    sizes = {"a": 11, "b": 7, "c": 3}
    assert allocate(sizes, 5, random.Random("s")) == allocate(sizes, 5, random.Random("s"))


# --- stratified_pick --------------------------------------------------------------------------


def test_a_frame_that_is_mostly_day_inbound_still_yields_the_other_strata_in_proportion():
    calls = frame(
        {
            (DAY, "inbound", "billing"): 80,
            (NIGHT, "inbound", "billing"): 10,
            (DAY, "outbound", "billing"): 5,
            (DAY, "inbound", "refund"): 5,
        }
    )
    for seed in range(20):
        picked, probability = stratified_pick(calls, 20, random.Random(seed))
        assert strata_of(picked) == {
            (DAY, "inbound", "billing"): 16,
            (NIGHT, "inbound", "billing"): 2,
            (DAY, "outbound", "billing"): 1,
            (DAY, "inbound", "refund"): 1,
        }
        assert probability == pytest.approx(0.2)


def test_small_strata_are_picked_as_often_as_their_share_says():
    # 80 % day inbound; a sample of 5 should reach night and outbound calls in 5×10/100 = ½ of
    # the weeks each, not never (which "take the first 5" or a plain shuffle of a sorted list risk).
    calls = frame({(DAY, "inbound", "x"): 80, (NIGHT, "inbound", "x"): 10, (DAY, "outbound", "x"): 10})
    runs = 2_000
    seen = Counter()
    for seed in range(runs):
        picked, _ = stratified_pick(calls, 5, random.Random(seed))
        seen.update(strata_of(picked))
    assert seen[(NIGHT, "inbound", "x")] / runs == pytest.approx(0.5, abs=0.05)
    assert seen[(DAY, "outbound", "x")] / runs == pytest.approx(0.5, abs=0.05)
    assert seen[(DAY, "inbound", "x")] / runs == pytest.approx(4.0, abs=0.05)


def test_every_call_has_the_inclusion_probability_it_reports():
    calls = frame({(DAY, "inbound", "x"): 13, (NIGHT, "outbound", "y"): 4, (None, "inbound", "z"): 3})
    runs = 3_000
    hits = Counter()
    for seed in range(runs):
        picked, probability = stratified_pick(calls, 6, random.Random(seed))
        assert probability == pytest.approx(6 / 20)
        hits.update(c["id"] for c in picked)
    for call in calls:
        assert hits[call["id"]] / runs == pytest.approx(0.3, abs=0.05), call


def test_stratified_pick_picks_distinct_calls_of_the_frame():
    calls = frame({(DAY, "inbound", "x"): 30, (NIGHT, "inbound", "x"): 7})
    picked, _ = stratified_pick(calls, 12, random.Random(3))
    ids = [c["id"] for c in picked]
    assert len(ids) == len(set(ids)) == 12
    assert set(ids) <= {c["id"] for c in calls}


def test_stratified_pick_takes_the_whole_frame_when_it_is_too_small():
    calls = frame({(DAY, "inbound", "x"): 2, (NIGHT, "inbound", "x"): 1})
    picked, probability = stratified_pick(calls, 10, random.Random(1))
    assert sorted(c["id"] for c in picked) == [1, 2, 3]
    assert probability == 1.0


def test_stratified_pick_of_nothing_is_nothing():
    assert stratified_pick([], 5, random.Random(1)) == ([], 0.0)
    assert stratified_pick(frame({(DAY, "inbound", "x"): 3}), 0, random.Random(1)) == ([], 0.0)


# --- the week's role split (routing.WeekSplit) ----------------------------------------------

DEFAULT = {"qa": 70, "supervisor": 20, "trainer": 10}


def deal(split: WeekSplit, picks: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Route (group, open roles) picks in order; the roles they got."""
    return [split.choose(group, open_roles) for group, open_roles in picks]


def test_the_default_split_of_ten_is_seven_two_one():
    assert largest_remainder(DEFAULT, 10) == {"qa": 7, "supervisor": 2, "trainer": 1}


def test_largest_remainder_gives_the_extra_call_to_the_largest_remainder_then_qa():
    # 215 calls: QA 150.5, supervisors 43, trainers 21.5 → the tie between the halves goes to QA.
    assert largest_remainder(DEFAULT, 215) == {"qa": 151, "supervisor": 43, "trainer": 21}
    # 3 calls: QA 2.1, supervisors 0.6, trainers 0.3 → the third call to the supervisor.
    assert largest_remainder(DEFAULT, 3) == {"qa": 2, "supervisor": 1, "trainer": 0}


def test_a_week_of_small_batches_keeps_the_trainers_ten_percent():
    """The issue: 40 agents of five calls each, routed one batch at a time. Rounded per batch
    the trainer got nothing; over the week they get their 20 of 200."""
    split = WeekSplit(existing={}, new={1: 200}, shares={1: DEFAULT})

    got = Counter(deal(split, [(1, ROLES)] * 200))

    assert got == {"qa": 140, "supervisor": 40, "trainer": 20}


def test_every_batch_of_five_gets_a_mix_not_a_run_of_one_role():
    split = WeekSplit(existing={}, new={1: 200}, shares={1: DEFAULT})

    roles = deal(split, [(1, ROLES)] * 200)

    for first in range(0, 200, 5):
        batch = Counter(roles[first : first + 5])
        assert 2 <= batch["qa"] <= 5 and batch["supervisor"] <= 2 and batch["trainer"] <= 1, batch


def test_work_the_week_already_has_is_counted():
    # 20 done by QA already: of 10 more, QA gets none until the others catch up (30 → 21/6/3).
    split = WeekSplit(existing={1: {"qa": 20}}, new={1: 10}, shares={1: DEFAULT})

    assert Counter(deal(split, [(1, ROLES)] * 10)) == {"supervisor": 6, "trainer": 3, "qa": 1}


def test_a_role_closed_for_a_pick_spills_its_share_to_qa_and_does_not_catch_up_later():
    """Team B has no supervisor: its supervisor share goes to QA, and team A's supervisor is not
    given team B's share on top of their own."""
    split = WeekSplit(existing={}, new={1: 100}, shares={1: DEFAULT})
    team_a = [(1, ROLES)] * 50
    team_b = [(1, ("qa", "trainer"))] * 50

    roles = deal(split, team_b + team_a)

    assert Counter(roles[:50]) == {"qa": 45, "trainer": 5}
    assert Counter(roles[50:]) == {"qa": 35, "supervisor": 10, "trainer": 5}


def test_each_policy_keeps_its_own_shares():
    split = WeekSplit(
        existing={},
        new={"a": 10, "b": 10},
        shares={"a": DEFAULT, "b": {"qa": 50, "supervisor": 0, "trainer": 50}},
    )

    roles = deal(split, [("a", ROLES), ("b", ROLES)] * 10)

    assert Counter(roles[0::2]) == {"qa": 7, "supervisor": 2, "trainer": 1}
    assert Counter(roles[1::2]) == {"qa": 5, "trainer": 5}


# --- classify (tier rules, DESIGN.md §3) ------------------------------------------------------

POLICY = QuotaPolicy()  # the seed defaults: 90 / 80 / 70, new hires for 90 days


def tier(totals, *, critical=0, tenure=400, coaching=False):
    return classify(
        totals=list(totals), critical_failures=critical, tenure_days=tenure, coaching_open=coaching, policy=POLICY
    )


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([95, 92, 90], Tier.EXCELLENT),
        ([90, 90], Tier.EXCELLENT),  # 90 is excellent
        ([89.9], Tier.GOOD),
        ([80], Tier.GOOD),  # 80 is good
        ([85, 88, 82], Tier.GOOD),
        ([79.9], Tier.NEEDS_IMPROVEMENT),
        ([70], Tier.NEEDS_IMPROVEMENT),  # 70 is needs improvement
        ([69.9], Tier.AT_RISK),
        ([40, 60, 65], Tier.AT_RISK),
        ([], Tier.NO_HISTORY),
    ],
)
def test_the_tier_follows_the_trailing_average(totals, expected):
    assert tier(totals).tier == expected


def test_any_critical_failure_puts_even_an_excellent_agent_at_risk():
    result = tier([98, 96, 97], critical=1)
    assert result.tier == Tier.AT_RISK
    assert "critical" in result.reason


def test_an_open_coaching_plan_puts_the_agent_at_risk():
    assert tier([95], coaching=True).tier == Tier.AT_RISK
    assert tier([], coaching=True).tier == Tier.AT_RISK


def test_a_new_hire_is_at_risk_for_ninety_days():
    assert tier([95], tenure=89).tier == Tier.AT_RISK
    assert tier([95], tenure=89).new_hire
    assert tier([], tenure=10).tier == Tier.AT_RISK  # new, with no history yet: at risk, not "no history"
    assert tier([95], tenure=90).tier == Tier.EXCELLENT
    assert not tier([95], tenure=90).new_hire


def test_no_evaluations_means_no_history():
    result = tier([])
    assert result.tier == Tier.NO_HISTORY
    assert result.average is None and result.n == 0 and result.ci is None
    assert not result.straddles


def test_the_targets_are_three_to_ten_by_tier():
    targets = {t: POLICY.target_for(t) for t in Tier.values}
    assert targets == {"excellent": 3, "good": 5, "needs_improvement": 7, "at_risk": 10, "no_history": 5}


def test_the_thresholds_come_from_the_policy():
    strict = QuotaPolicy(excellent_min=95, good_min=85, needs_improvement_min=75)
    result = classify(totals=[92], critical_failures=0, tenure_days=400, coaching_open=False, policy=strict)
    assert result.tier == Tier.GOOD


# --- the 95 % interval ------------------------------------------------------------------------


def test_the_interval_uses_students_t_not_the_normal_quantile():
    # Three scores 70, 80, 90: mean 80, s = 10, s/√n = 5.7735, t(0.975, 2) = 4.3027.
    result = tier([70, 80, 90])
    assert result.average == pytest.approx(80)
    low, high = result.ci
    assert low == pytest.approx(80 - 4.3027 * 5.7735, abs=0.01)  # 55.16, not 80 − 1.96 × 5.77 = 68.7
    assert high == 100.0  # clipped to the scale


def test_the_interval_of_a_steady_agent_is_narrow():
    # mean 92, s = 0.8944, n = 6, t(0.975, 5) = 2.5706 → ± 0.9386
    result = tier([91, 92, 93, 92, 91, 93])
    assert result.ci == pytest.approx((92 - 0.9386, 92 + 0.9386), abs=0.001)
    assert result.tier == Tier.EXCELLENT
    assert not result.straddles


def test_one_evaluation_has_no_interval():
    result = tier([85])
    assert result.ci is None
    assert not result.straddles


def test_an_interval_across_a_tier_boundary_flags_the_agent_for_more_samples():
    result = tier([84, 90, 93, 87])  # mean 88.5, ± 6.4: could be excellent
    assert result.tier == Tier.GOOD
    assert result.ci[0] < 90 <= result.ci[1]
    assert result.straddles


def test_an_interval_inside_one_tier_does_not_flag():
    result = tier([84, 85, 86, 85, 84, 86, 85])
    assert result.tier == Tier.GOOD
    assert 80 < result.ci[0] and result.ci[1] < 90
    assert not result.straddles


@pytest.mark.parametrize(("df", "quantile"), [(1, 12.706), (2, 4.303), (5, 2.571), (9, 2.262), (30, 2.042)])
def test_t95_is_the_two_sided_95_percent_t_quantile(df, quantile):
    assert t95(df) == pytest.approx(quantile, abs=0.001)


def test_t95_is_exact_beyond_30_degrees_of_freedom():
    """No 1.96 fallback: Student's t stays wider than the normal quantile at every df."""
    assert round(t95(40), 3) == 2.021
    assert round(t95(60), 3) == 2.000
    assert round(t95(120), 3) == 1.980
    assert 1.96 < t95(500) < 1.966
