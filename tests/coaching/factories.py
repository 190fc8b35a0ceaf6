"""Coaching rows for tests of other apps (planning reads plans): made directly, without the
services, so that a planning test does not depend on how a plan is written."""

from __future__ import annotations

import datetime as dt

from coaching.models import CoachingGoal, CoachingPlan, GoalScope, PlanStatus
from scoring.models import Category
from tests import factories as f


def make_plan(
    *,
    agent,
    owner=None,
    status=PlanStatus.OPEN,
    service_types=(),
    category=Category.ETIQUETTE,
    deadline=None,
    target=90.0,
) -> CoachingPlan:
    deadline = deadline or dt.date.today() + dt.timedelta(days=30)
    plan = CoachingPlan.objects.create(
        agent=agent,
        owner=owner or f.UserFactory(roles=["trainer"]),
        title="Greeting and empathy",
        status=status,
        deadline=deadline,
    )
    CoachingGoal.objects.create(
        plan=plan,
        scope=GoalScope.CATEGORY,
        category=category,
        target=target,
        deadline=deadline,
        service_types=list(service_types),
    )
    return plan
