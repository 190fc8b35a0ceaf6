"""The demo's coaching plans (coaching/demo_plans.py) on a small seeded center: every status,
both demo owners, sessions some acknowledged, the demo agent's plan in progress waiting for
them, and goals whose score since the plan is higher than before it."""

from __future__ import annotations

import random
import time

import pytest

from coaching.demo.plans import seed_plans
from coaching.models import CoachingGoal, CoachingPlan, CoachingSession, PlanStatus
from coaching.selectors.effect import goal_effects
from monitoring import demo as monitoring_demo
from scoring import demo as scoring_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rng = random.Random(3)
    org = monitoring_demo.seed_monitoring(rng=rng, agents=16, weeks=5, calls_per_agent_week=8)
    org.counts.update(scoring_demo.seed_scoring(rng=rng, org=org).counts)
    return org, rng


def test_seed_plans_makes_plans_in_every_status_with_measurable_effects(org):
    org, rng = org
    started = time.monotonic()
    counts = seed_plans(rng=rng, org=org)
    elapsed = time.monotonic() - started

    plans = list(CoachingPlan.objects.select_related("owner"))
    assert {p.status for p in plans} == set(PlanStatus.values)
    assert {p.owner.username for p in plans} == {"trainer", "supervisor"}
    assert counts["coaching plans"] == len(plans)
    assert elapsed < 5

    mine = CoachingPlan.objects.get(agent=org.demo_agent)
    assert mine.status == PlanStatus.IN_PROGRESS and mine.acknowledged_at is None
    assert mine.sessions.filter(acknowledged_at__isnull=True).exists()

    sessions = CoachingSession.objects.all()
    assert sessions.filter(acknowledged_at__isnull=False).exists()
    assert not CoachingSession.objects.filter(plan__status=PlanStatus.OPEN).exists()
    for plan in plans:
        assert plan.created_at < min(
            (s.held_at for s in plan.sessions.all()), default=plan.created_at + plan.created_at.resolution
        )
        assert plan.evaluations.exists() or plan.agent_id == org.demo_agent.pk

    effects = goal_effects(CoachingGoal.objects.all())
    measured = [e for e in effects.values() if e.before.n and e.since.n]
    assert len(measured) == len(plans)
    rose = [e for e in measured if e.since.mean > e.before.mean]
    assert len(rose) >= len(plans) - 1  # the demo agent's goal is there whatever their scores did
