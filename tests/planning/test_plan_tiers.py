"""The weekly monitoring plan on small hand-made centers (DESIGN.md §3, the center of
tests/planning/helpers.py): planning.services.plan.plan_week and the sampler it drives
(planning.services.sampling), on a real database. This file: why each call was picked and
with what probability, and the tiers that set each agent's target.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from monitoring.models import AssignmentReason
from planning.models import AgentTier, Tier
from planning.services import plan as plan_svc
from scoring.models import Evaluation
from tests import factories as f
from tests.coaching.factories import make_plan
from tests.planning.helpers import WEEK, add_calls, plan, primary
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db


# --- why picked and with what probability -----------------------------------------------------


def test_random_picks_record_their_inclusion_probability(center):
    plan()

    picks = primary()
    assert {a.reason for a in picks} == {AssignmentReason.RANDOM}
    assert {a.inclusion_probability for a in picks} == {0.25}


def test_an_agent_with_an_open_coaching_plan_is_at_risk_and_gets_coaching_follow_ups(center):
    agent = center.agents_a[1]
    make_plan(agent=agent, service_types=["refund"])

    plan()

    tier = AgentTier.objects.get(agent=agent, week_start=WEEK)
    assert (tier.tier, tier.target) == (Tier.AT_RISK, 10)
    assert tier.open_coaching_plan and tier.focus_service_types == ["refund"]
    mine = primary().filter(call__agent=agent).select_related("call")
    assert mine.count() == 10
    coaching = [a for a in mine if a.reason == AssignmentReason.COACHING]
    assert len(coaching) == 5  # half the week's target follows the plan up
    assert {a.call.service_type for a in coaching} == {"refund"}
    assert all(a.inclusion_probability is None for a in coaching)
    random_picks = [a for a in mine if a.reason == AssignmentReason.RANDOM]
    assert len(random_picks) == 5
    # 5 of the other 15; a refund call is among those 15 only if the coaching draw (5 of the
    # 10 refund calls) passed it over: × (1 − 5/10).
    by_type = {(a.call.service_type, a.inclusion_probability) for a in random_picks}
    assert by_type <= {("invoice query", round(5 / 15, 6)), ("refund", round(5 / 15 * (1 - 5 / 10), 6))}
    assert ("refund", round(5 / 15 * 0.5, 6)) in by_type  # seed 0 draws some refund calls at random


def test_tiers_from_the_trailing_weeks_set_the_targets(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    excellent, at_risk = center.agents_a[0], center.agents_b[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    for call in add_calls(excellent, 3, lob=center.lob, week=previous):
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
    for call in add_calls(at_risk, 3, lob=center.lob, week=previous):
        make_evaluation(call=call, by=center.qa[0], version=version, values={**perfect, "correct_information": 0})

    plan()

    tiers = {t.agent_id: t for t in AgentTier.objects.filter(week_start=WEEK)}
    assert (tiers[excellent.pk].tier, tiers[excellent.pk].target) == (Tier.EXCELLENT, 3)
    assert (tiers[at_risk.pk].tier, tiers[at_risk.pk].target) == (Tier.AT_RISK, 10)
    assert tiers[at_risk.pk].critical_failures == 3
    per_agent = Counter(primary().values_list("call__agent_id", flat=True))
    assert per_agent[excellent.pk] == 3
    assert per_agent[at_risk.pk] == 10


def test_a_sampled_weeks_tiers_are_kept_when_the_plan_runs_again(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    evaluations = [
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
        for call in add_calls(agent, 3, lob=center.lob, week=previous)
    ]
    first = plan()
    before = AgentTier.objects.get(week_start=WEEK, agent=agent)
    assert before.tier == Tier.EXCELLENT

    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(total=Decimal("50.0"))
    again = plan()

    after = AgentTier.objects.get(week_start=WEEK, agent=agent)
    assert (after.tier, after.target, after.average) == (before.tier, before.target, before.average)
    assert after.computed_at == before.computed_at
    assert again.tiers == first.tiers == AgentTier.objects.filter(week_start=WEEK).count()


def test_tiers_of_a_week_not_yet_sampled_are_recomputed(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    evaluations = [
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
        for call in add_calls(agent, 3, lob=center.lob, week=previous)
    ]
    plan_svc.agent_tiers_refresh(week_start=WEEK)
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(total=Decimal("50.0"))
    plan_svc.agent_tiers_refresh(week_start=WEEK)
    assert AgentTier.objects.get(week_start=WEEK, agent=agent).tier == Tier.AT_RISK


def test_a_new_hire_is_monitored_as_at_risk(center):
    newcomer = f.AgentFactory(name="New", team=center.team_a, hire_date=WEEK - dt.timedelta(days=30))
    add_calls(newcomer, 20, lob=center.lob)

    plan()

    assert AgentTier.objects.get(agent=newcomer, week_start=WEEK).tier == Tier.AT_RISK
    assert primary().filter(call__agent=newcomer).count() == 10
