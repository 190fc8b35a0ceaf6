"""seed_demo's scoring data: every role's pages have something true to show."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus
from scoring import selectors_reliability as rel
from scoring.models import (
    SCORED,
    CalibrationPolicy,
    CalibrationSession,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    ScorecardVersion,
    SessionStatus,
    Status,
    VersionStatus,
)
from scoring.selectors import evaluations_visible_to
from scoring.selectors_calibration import session_report
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
    # Every scored evaluation (a calibration draft has no total yet).
    evaluations = (
        Evaluation.objects.filter(total__isnull=False)
        .prefetch_related("answers", "version__sections__criteria")
        .select_related("version")
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


# --- calibration (scoring/demo_calibration.py) ------------------------------------------------


def test_past_weekly_sessions_are_closed_with_a_consensus_and_strict_and_lenient_raters(seeded):
    closed = list(CalibrationSession.objects.filter(status=SessionStatus.CLOSED))
    assert closed
    for session in closed:
        items = list(session.items.all())
        assert 3 <= len(items) <= 4
        assert all(item.has_consensus and item.consensus_notes for item in items)
        assert {"supervisor", "qa", "trainer"} <= set(session.participants.values_list("user__username", flat=True))
        assert session.started_at < session.revealed_at < session.closed_at < timezone.now()
        assert session.closed_at.date() > session.week_start
    report = session_report(closed[0])
    offsets = {p.person.username: p for p in report.participants}
    assert all(p.n == len(report.calls) and p.alignment is not None for p in offsets.values())
    assert offsets["supervisor"].mean_signed > offsets["trainer"].mean_signed  # lenient, strict
    assert report.totals.alpha is not None and report.totals.n_calls == len(report.calls)


def test_qa_has_calls_still_to_score_in_a_session_and_last_week_is_proposed(seeded):
    qa = get_user_model().objects.get(username="qa")
    session = CalibrationSession.objects.get(status=SessionStatus.SCORING)
    assert session.participants.filter(user=qa).exists()
    submitted = Evaluation.objects.filter(calibration_item__session=session, evaluator=qa, status__in=SCORED)
    assert 0 < submitted.count() < session.items.count()
    others = Evaluation.objects.filter(calibration_item__session=session).exclude(evaluator=qa)
    assert others.filter(status__in=SCORED).count() == session.items.count() * (session.participants.count() - 1)
    # Scored blind: before the reveal qa sees nobody else's score of the session's calls.
    assert not evaluations_visible_to(qa).filter(pk__in=others.values("pk")).exists()
    proposed = CalibrationSession.objects.filter(status=SessionStatus.PROPOSED, proposed_automatically=True)
    assert proposed.exists()
    assert all(s.items.exists() and s.participants.count() >= 2 for s in proposed)


def test_double_scored_pairs_lie_on_both_sides_of_the_tolerance_and_the_page_has_figures(seeded, client):
    pairs = rel.double_scored_pairs(last=None)
    regular = Evaluation.objects.filter(kind=Kind.REGULAR).count()
    assert 3 <= len(pairs) <= 0.1 * regular
    tolerance = float(CalibrationPolicy.current().tolerance)
    assert any(abs(p.difference) > tolerance for p in pairs)
    assert any(abs(p.difference) <= tolerance for p in pairs)
    assert all(p.first.id != p.second.id for p in pairs)
    client.force_login(get_user_model().objects.get(username="qa"))
    response = client.get("/reliability/")
    assert response.status_code == 200
    assert any(row.alpha.value is not None for row in response.context["line_rows"])
    assert response.context["beyond"]
    assert any(m.n for trend, _chart in response.context["trend"] for m in trend.months)
    assert any(session is not None for _p, session in response.context["beyond"])  # one went to a session


def test_resolved_disputes_of_both_outcomes_were_re_scored_blind_by_someone_else(seeded):
    decided = list(
        Dispute.objects.filter(review__isnull=False, status__in=[DisputeStatus.UPHELD, DisputeStatus.ADJUSTED])
        .select_related("evaluation", "review")
        .order_by("raised_at")
    )
    assert {d.status for d in decided} == {DisputeStatus.UPHELD, DisputeStatus.ADJUSTED}
    for d in decided:
        assert d.reviewer_id not in (d.evaluation.evaluator_id, None)
        assert d.resolved_by_id == d.reviewer_id
        assert (d.review.kind, d.review.evaluator_id) == (Kind.REVIEW, d.reviewer_id)
        assert d.evaluation.submitted_at < d.raised_at < d.review.submitted_at < d.resolved_at < timezone.now()
        assert d.evaluation.status == Status.RESOLVED
        if d.status == DisputeStatus.ADJUSTED:
            assert d.adjusted_total > d.original_total and d.criterion_changes.exists()
        else:
            assert d.adjusted_total == d.original_total and not d.criterion_changes.exists()
