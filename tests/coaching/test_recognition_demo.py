"""Recognition's demo data on a small seeded center: badges awarded week by week, kudos on the demo
supervisor's team's best calls, and the demo agent's page opens with them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from coaching.models import BadgeAward, Kudos
from monitoring.models import Agent

SMALL = {"agents": 12, "weeks": 6, "calls_per_agent_week": 4, "seed": 1}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_the_demo_center_has_badges_and_kudos(db, client):
    call_command("seed_demo", **SMALL, stdout=io.StringIO(), stderr=io.StringIO())
    assert BadgeAward.objects.exists()
    assert Kudos.objects.count() >= 1
    agent = Agent.objects.get(user__username="agent")
    client.force_login(agent.user)
    assert client.get("/coaching/recognition/").status_code == 200
    assert client.get("/coaching/recognition/board/").status_code == 200
