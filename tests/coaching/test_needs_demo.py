"""The demo's training needs: on a small seeded center the default thresholds flag at least one
need common to a group, and the trainer has a held session (attendance taken, before/after
figures) and a planned one."""

from __future__ import annotations

import random

import pytest

from coaching.demo.needs import seed_needs
from coaching.models import GroupKind, NeedStatus, TrainingNeed, TrainingSession, TrainingSessionStatus
from coaching.selectors.needs import rate_before_after
from monitoring import demo as monitoring_demo
from scoring import demo as scoring_demo


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rng = random.Random(1)
    org = monitoring_demo.seed_monitoring(rng=rng, agents=24, weeks=4, calls_per_agent_week=8)
    scoring_demo.seed_scoring(rng=rng, org=org)
    return org, seed_needs(rng=rng, org=org)


def test_the_demo_has_common_and_individual_needs_and_two_sessions(seeded):
    org, counts = seeded
    assert counts["training needs (common)"] >= 1
    assert counts["training sessions"] == 2
    assert TrainingNeed.objects.exclude(group_kind=GroupKind.AGENT).exists()
    held, planned = TrainingSession.objects.order_by("scheduled_for")
    assert held.status == TrainingSessionStatus.HELD and held.trainer == org.users["trainer"]
    assert held.attendance.filter(attended__isnull=False).count() == held.attendance.count() > 0
    assert planned.status == TrainingSessionStatus.PLANNED and planned.trainer == org.users["trainer"]
    assert {held.need.status, planned.need.status} == {NeedStatus.SCHEDULED}
    # In lifecycle order: the job's run, the session made, held, attendance taken.
    assert held.need.computed_at < held.created_at < held.scheduled_for < held.held_at
    assert [r.history_date for r in held.history.order_by("history_id")] == [held.created_at, held.held_at]
    change = rate_before_after(held)
    assert change.before.n > 0 and change.since.n > 0


def test_the_trainer_sees_them_on_the_pages(seeded, client):
    org, _counts = seeded
    client.force_login(org.users["trainer"])
    assert client.get("/coaching/needs/").status_code == 200
    session = TrainingSession.objects.order_by("scheduled_for").first()
    assert client.get(f"/coaching/training/{session.pk}/").status_code == 200
    assert client.get(f"/coaching/needs/{session.need_id}/").status_code == 200
