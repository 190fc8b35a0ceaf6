"""The weekly monitoring plan on small hand-made centers (DESIGN.md §3, the center of
tests/planning/helpers.py): planning.services.plan.plan_week and the sampler it drives
(planning.services.sampling), on a real database. This file: who gets which work (routing,
capacity, what cannot be routed) and double scoring.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import F

from monitoring.models import Assignment, AssignmentReason
from planning.models import AgentTier
from planning.policies import PolicyBook
from planning.routing import Router
from tests import factories as f
from tests.planning.helpers import WEEK, forget_the_week, plan, primary

pytestmark = pytest.mark.django_db


# --- routing ----------------------------------------------------------------------------------


def test_nobody_is_given_their_own_calls(center):
    # qa1 is also an agent (and the least loaded QA, first in line): never their own calls.
    center.set_policy(double_scoring_percent=100)
    agent = center.agents_a[0]
    agent.user = center.qa[0]
    agent.save()

    plan()

    assert Assignment.objects.filter(call__agent=agent).count() >= 5
    assert not Assignment.objects.filter(call__agent__user=F("evaluator")).exists()
    assert Assignment.objects.filter(evaluator=center.qa[0]).exists()  # qa1 still scores others


def test_supervisors_only_get_their_own_teams_calls(center):
    plan()

    by_supervisors = Assignment.objects.filter(evaluator_role="supervisor").select_related("call__agent")
    assert {a.evaluator for a in by_supervisors} == {center.sup_a, center.sup_b}
    for assignment in by_supervisors:
        team = center.team_a if assignment.evaluator == center.sup_a else center.team_b
        assert assignment.call.agent.team_id == team.pk


def test_a_teams_supervisors_are_tried_in_a_fixed_order_whatever_order_they_were_added(center):
    first = f.UserFactory(username="sup_low", roles=["supervisor"])
    second = f.UserFactory(username="sup_high", roles=["supervisor"])
    center.team_a.supervisors.remove(center.sup_a)
    center.team_a.supervisors.add(second)  # stored first
    center.team_a.supervisors.add(first)

    router = Router(WEEK, PolicyBook())

    assert router.candidates("supervisor", center.team_a.pk) == [first.pk, second.pk]
    # Equal loads: the tie goes to the same supervisor every run.
    assert router.pick("supervisor", team_id=center.team_a.pk, agent_user_id=None, policy=center.policy) == first.pk


def test_a_team_without_a_supervisor_has_its_share_taken_by_the_others(center):
    center.team_b.supervisors.clear()

    plan()

    team_b = primary().filter(call__agent__team=center.team_b)
    assert team_b.count() == 15
    assert not team_b.filter(evaluator_role="supervisor").exists()


def test_the_split_holds_over_the_week_so_the_trainer_gets_ten_percent(center):
    # Six agents of five calls: rounded per agent, 70/20/10 of five was 4/1/0 — no trainer at all.
    plan()

    assert Counter(primary().values_list("evaluator_role", flat=True)) == {"qa": 21, "supervisor": 6, "trainer": 3}


def test_a_supervisors_share_of_a_team_without_one_goes_to_qa_not_to_other_teams(center):
    center.team_b.supervisors.clear()

    plan()

    team_a = Counter(primary().filter(call__agent__team=center.team_a).values_list("evaluator_role", flat=True))
    team_b = Counter(primary().filter(call__agent__team=center.team_b).values_list("evaluator_role", flat=True))
    assert team_a["supervisor"] == 3  # 20 % of team A's 15, not team B's share on top
    assert team_b["supervisor"] == 0
    assert team_a["trainer"] + team_b["trainer"] == 3  # the trainer keeps their 10 %
    assert team_a["qa"] + team_b["qa"] == 24  # QA takes the 3 team B's supervisor could not


def test_work_the_week_already_has_counts_toward_the_split(center):
    # A run already gave the week's 30 calls; the agents' targets then rise to 10 (at risk).
    plan()
    first = Counter(primary().values_list("evaluator_role", flat=True))
    AgentTier.objects.filter(week_start=WEEK).update(target=10)

    plan()

    # 60 in all, split once over the week: 42/12/6, the first run's 21/6/3 included.
    assert first == {"qa": 21, "supervisor": 6, "trainer": 3}
    assert Counter(primary().values_list("evaluator_role", flat=True)) == {"qa": 42, "supervisor": 12, "trainer": 6}


def test_the_split_by_role_is_within_one_call_per_agent(center):
    plan()

    shares = center.policy.shares()
    for agent in center.agents:
        roles = Counter(primary().filter(call__agent=agent).values_list("evaluator_role", flat=True))
        total = sum(roles.values())
        for role, share in shares.items():
            assert abs(roles[role] - share * total / 100) <= 1, (agent, dict(roles))


def test_work_goes_to_the_least_loaded_evaluator(center):
    plan()

    qa_load = Counter(Assignment.objects.filter(evaluator_role="qa").values_list("evaluator_id", flat=True))
    assert len(qa_load) == 3
    assert max(qa_load.values()) - min(qa_load.values()) <= 1


def test_an_evaluator_never_gets_more_than_their_capacity(center):
    center.set_policy(capacity_qa=2, double_scoring_percent=100)

    report = plan().agents

    load = Counter(Assignment.objects.filter(evaluator_role="qa").values_list("evaluator_id", flat=True))
    assert load and max(load.values()) <= 2
    # What QA could not take went to supervisors and the trainer (within their capacity).
    assert primary().count() == 30
    assert report.unrouted == 0


def test_picks_nobody_has_capacity_for_are_reported_unrouted(center):
    center.set_policy(capacity_qa=2, capacity_supervisor=1, capacity_trainer=1, double_scoring_percent=0)

    report = plan().agents

    load = Counter(Assignment.objects.values_list("evaluator_id", flat=True))
    assert load[center.sup_a.pk] <= 1 and load[center.sup_b.pk] <= 1 and load[center.trainer.pk] <= 1
    assert all(load[qa.pk] <= 2 for qa in center.qa)
    assert report.added == sum(load.values()) == 3 * 2 + 2 + 1
    assert report.unrouted == 30 - report.added
    # Later runs cannot add what there is no capacity for either.
    assert plan().added == 0


def test_unrouted_picks_lower_the_recorded_inclusion_probability(center):
    center.set_policy(capacity_qa=2, capacity_supervisor=1, capacity_trainer=1, double_scoring_percent=0)

    plan()

    for agent in center.agents:
        mine = primary().filter(call__agent=agent)
        # Each agent had 20 eligible calls and a target of 5, but only these were routed.
        assert {a.inclusion_probability for a in mine} <= {round(mine.count() / 20, 6)}
    assert primary().exclude(inclusion_probability=0.25).exists()  # some agents got fewer than 5


# --- double scoring ---------------------------------------------------------------------------


def test_double_scoring_gives_a_second_qa_another_copy(center):
    center.set_policy(double_scoring_percent=100)

    plan()

    doubles = Assignment.objects.filter(reason=AssignmentReason.DOUBLE_SCORING).select_related("call")
    random_picks = primary().filter(reason=AssignmentReason.RANDOM)
    assert doubles.count() == random_picks.count() == 30
    firsts = {a.call_id: a for a in random_picks}
    for double in doubles:
        first = firsts[double.call_id]
        assert double.evaluator_id != first.evaluator_id
        assert double.evaluator_role == "qa"
        assert double.inclusion_probability == first.inclusion_probability
    # Double scoring is a copy for reliability, not extra coverage: the agents' counts stay 5.
    assert Counter(primary().values_list("call__agent_id", flat=True)) == {a.pk: 5 for a in center.agents}


def test_double_scoring_is_about_five_percent_by_default(center):
    totals = Counter()
    for seed in range(20):
        totals.update(plan(seed=seed).agents.by_reason)
        forget_the_week()
    # 20 runs × 30 random picks: 5 % is 30 doubles, give or take 5 (one standard deviation).
    share = totals[AssignmentReason.DOUBLE_SCORING] / totals[AssignmentReason.RANDOM]
    assert totals[AssignmentReason.RANDOM] == 600
    assert 0.02 <= share <= 0.09, share
