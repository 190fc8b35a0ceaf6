"""The demo center's monitoring plan: its last week sampled and routed like any other week, so
`qa` opens a work queue of real assignments and the progress page has a sampled week to show."""

from __future__ import annotations

import random

from django.contrib.auth.models import Group, Permission

from qa_platform.roles import MANAGER

from .services.plan import plan_week


def seed_planning(*, rng: random.Random, org) -> dict[str, int]:
    """Run the plan for the demo's last week (after its evaluations exist); returns the counts
    seed_demo prints."""
    # The demo manager is staff: they manage quota policies, tiers and runs in the admin too.
    Group.objects.get(name=MANAGER).permissions.add(*Permission.objects.filter(content_type__app_label="planning"))
    plan = plan_week(week_start=org.weeks[-1], seed=rng.randrange(2**31))
    return {"assignments sampled for the last week": plan.added}
