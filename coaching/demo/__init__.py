"""The demo center's coaching (DESIGN.md §8): the call library first (sessions attach its
calls), then the week's training needs and group sessions, the coaching plans (some from the
evaluations that lost points), the half-year's development reviews, and recognition's badges
and kudos. Each step returns its counts for seed_demo's summary."""

from __future__ import annotations

import random

from monitoring.demo import DemoOrg

from .library import seed_library
from .needs import seed_needs
from .plans import seed_plans
from .recognition import seed_recognition
from .reviews import seed_reviews


def seed_coaching(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in (seed_library, seed_needs, seed_plans, seed_reviews, seed_recognition):
        counts.update(step(rng=rng, org=org))
    return counts
