"""Demo data for recognition (seed_demo): the badges of the seeded weeks, awarded week by week in
order as the Monday job would have (coaching/services/recognition.py), and kudos from the demo
supervisor on the best-scored evaluations of their team's calls. Written through the services."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _

from monitoring.demo import DemoOrg
from scoring.models import SCORED, Evaluation, Kind

from ..models import BadgeAward, Kudos
from ..services import recognition as services

KUDOS = 3


def seed_recognition(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    for week_start in org.weeks:
        services.award_badges(week_start=week_start)
    supervisor = org.supervisors[0] if org.supervisors else None
    if supervisor is not None:
        teams = [pk for pk, users in org.team_supervisors.items() if supervisor in users]
        best = (
            Evaluation.objects.filter(agent__team_id__in=teams, kind=Kind.REGULAR, status__in=SCORED)
            .exclude(evaluator=supervisor)
            .exclude(call__kudos__given_by=supervisor)
            .order_by("-total", "pk")[:KUDOS]
        )
        for evaluation in best:
            services.kudos_give(
                by=supervisor, evaluation=evaluation, message=_("A model call: calm, clear and complete. Thank you!")
            )
    return {"recognition badges awarded": BadgeAward.objects.count(), "kudos given": Kudos.objects.count()}
