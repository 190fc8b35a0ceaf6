"""A plan created through the coaching service drives the monitoring plan (planning reads it
through coaching/selectors/followups.py): the agent is at risk and half the week's target follows
the plan up, from the goal's service types only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coaching.models import PlanStatus
from coaching.services import plans as services
from monitoring.models import AssignmentReason
from planning.models import AgentTier, Tier
from tests.planning.helpers import WEEK, Center, plan, primary
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(db) -> Center:
    return Center()


def test_a_plan_created_by_the_service_puts_the_agent_at_risk_with_follow_ups_of_its_service_types(center):
    agent = center.agents_a[1]
    version = make_scorecard_version(lines_of_business=center.lob)
    scored = make_evaluation(
        call=agent.calls.filter(service_type="invoice query").first(), by=center.qa[0], version=version
    )
    closing = version.sections.get(title="Etiquette").criteria.get(text="Closing")
    created = services.create_plan(
        by=center.trainer,
        agent=agent,
        owner=center.sup_a,
        title="Refund calls",
        goals=[
            services.GoalInput(
                scope="criterion",
                criterion=closing,
                target=90,
                deadline=timezone.localdate() + dt.timedelta(days=28),
                service_types=["refund"],
            )
        ],
        evaluations=[scored],
    )
    assert created.status == PlanStatus.OPEN

    plan()

    tier = AgentTier.objects.get(agent=agent, week_start=WEEK)
    assert (tier.tier, tier.target) == (Tier.AT_RISK, 10)
    assert tier.open_coaching_plan and tier.focus_service_types == ["refund"]
    mine = primary().filter(call__agent=agent).select_related("call")
    # The at-risk target is 10 a week; the evaluation already made this week is one of them.
    assert mine.count() == 9
    peer = center.agents_a[0]
    assert primary().filter(call__agent=peer).count() == 5  # no history, no plan: 5 a week
    coaching = [a for a in mine if a.reason == AssignmentReason.COACHING]
    assert len(coaching) == 9 // 2  # half of what is still to pick follows the plan up
    assert {a.call.service_type for a in coaching} == {"refund"}
    others = AgentTier.objects.filter(week_start=WEEK).exclude(agent=agent)
    assert not any(t.open_coaching_plan for t in others)
