"""seed_demo's scoring data: every role's pages have something true to show."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from monitoring.models import Assignment, AssignmentStatus
from scoring.models import Evaluation, Kind, ScorecardVersion, Status, VersionStatus
from scoring.services import evaluation_score


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", agents=12, weeks=3, calls_per_agent_week=8, seed=3, stdout=io.StringIO())


def test_the_default_scorecard_has_a_retired_and_a_published_version(seeded):
    statuses = list(ScorecardVersion.objects.order_by("number").values_list("status", flat=True))
    assert statuses == [VersionStatus.RETIRED, VersionStatus.PUBLISHED]
    published = ScorecardVersion.objects.get(status=VersionStatus.PUBLISHED)
    assert sum(s.weight for s in published.sections.all()) == 100


def test_every_stored_total_is_what_the_formula_gives(seeded):
    evaluations = Evaluation.objects.prefetch_related("answers", "version__sections__criteria").select_related(
        "version"
    )
    assert evaluations.count() > 50
    for ev in evaluations:
        result = evaluation_score(ev)
        assert result.total == ev.total, ev.pk
        assert result.critical_failed == ev.critical_failed
        assert Decimal(0) <= ev.total <= Decimal(100)


def test_the_demo_agent_has_feedback_to_acknowledge_an_open_dispute_and_a_self_evaluation(seeded):
    from django.contrib.auth import get_user_model

    agent = get_user_model().objects.get(username="agent").agent
    mine = Evaluation.objects.filter(agent=agent)
    assert mine.filter(status=Status.FEEDBACK_DELIVERED).exists()
    assert mine.filter(kind=Kind.SELF).count() == 1
    disputed = mine.get(status=Status.DISPUTED)
    assert disputed.evaluator.username != "qa"  # so the demo qa may resolve it


def test_qa_supervisor_and_trainer_have_open_work(seeded):
    open_work = Assignment.objects.filter(status=AssignmentStatus.OPEN)
    for username in ("qa", "supervisor", "trainer"):
        assert open_work.filter(evaluator__username=username).exists(), username
    supervisor_calls = open_work.filter(evaluator__username="supervisor")
    assert all(a.call.agent.team.supervisors.filter(username="supervisor").exists() for a in supervisor_calls)


def test_no_evaluation_is_of_a_private_line_call_or_by_the_agent_on_a_regular_kind(seeded):
    from monitoring.models import PrivateLine

    private = PrivateLine.objects.values_list("line", flat=True)
    assert not Evaluation.objects.filter(call__line__in=private).exists()
    assert not Evaluation.objects.filter(kind=Kind.REGULAR, evaluator__agent__isnull=False).exists()
