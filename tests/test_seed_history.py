"""The demo's history is consistent (issue 15): over everything seed_demo makes, times run in
lifecycle order and every historical row is dated when its step was taken and credited to the
person who took it.

The demo is seeded once for the class (setUpTestData); four weeks, so both scorecard versions,
closed and scoring calibration sessions and resolved disputes are all there.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Min
from django.test import TestCase, override_settings
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus, Call
from scoring.models import (
    CalibrationItem,
    CalibrationSession,
    Criterion,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    Scorecard,
    ScorecardVersion,
    Section,
    Status,
    VersionStatus,
)

User = get_user_model()
SIZE = {"agents": 12, "weeks": 4, "calls_per_agent_week": 8, "seed": 5}


def histories(model) -> dict[int, list]:
    """Every historical row of `model`, per object, in the order they were written."""
    out: dict[int, list] = defaultdict(list)
    for record in model.history.order_by("id", "history_id"):
        out[record.id].append(record)
    return out


def in_order(moments) -> bool:
    moments = [m for m in moments if m is not None]
    return all(a <= b for a, b in zip(moments, moments[1:], strict=False))


class SeedHistoryTests(TestCase):
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="qa-seed-history-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", **SIZE, stdout=io.StringIO(), stderr=io.StringIO())
        cls.now = timezone.now()
        cls.manager = User.objects.get(username="manager")
        cls.evaluations = list(Evaluation.objects.select_related("assignment", "call", "agent").order_by("pk"))
        cls.resolver = {
            d.evaluation_id: d.resolved_by_id for d in Dispute.objects.exclude(resolved_at=None).order_by("resolved_at")
        }

    # --- evaluations ---------------------------------------------------------------------------

    def test_the_demo_has_every_kind_and_state_of_evaluation(self):
        # What the other tests walk over: a history worth checking.
        kinds = {ev.kind for ev in self.evaluations}
        self.assertEqual(kinds, {Kind.REGULAR, Kind.CALIBRATION, Kind.SELF, Kind.REVIEW})
        statuses = {ev.status for ev in self.evaluations}
        self.assertLessEqual(
            {Status.IN_PROGRESS, Status.SUBMITTED, Status.FEEDBACK_DELIVERED, Status.ACKNOWLEDGED, Status.RESOLVED},
            statuses,
        )
        self.assertIn(Status.DISPUTED, statuses)

    def test_every_evaluations_times_run_in_lifecycle_order(self):
        for ev in self.evaluations:
            assignment = ev.assignment
            answered = ev.acknowledged_at or ev.disputed_at
            moments = [
                assignment.created_at if assignment else None,
                ev.created_at,
                ev.started_at,
                ev.draft_saved_at,
                ev.submitted_at,
                ev.feedback_delivered_at,
                answered,
                ev.resolved_at,
                self.now,
            ]
            self.assertTrue(in_order(moments), (ev.pk, ev.kind, ev.status, moments))
            self.assertEqual(ev.created_at, ev.started_at, ev.pk)  # opened when scoring began
            self.assertFalse(ev.acknowledged_at and ev.disputed_at, ev.pk)

    def test_no_call_reached_the_platform_before_it_started_or_after_it_was_evaluated(self):
        first_evaluated = dict(
            Evaluation.objects.values("call_id").annotate(at=Min("created_at")).values_list("call_id", "at")
        )
        calls = list(Call.objects.values_list("pk", "start_time", "created_at"))
        self.assertTrue(first_evaluated)
        for pk, start, created in calls:
            self.assertLessEqual(start, created, pk)
            self.assertLessEqual(created, self.now, pk)
            if pk in first_evaluated:
                self.assertLessEqual(created, first_evaluated[pk], pk)

    def test_assignments_were_routed_before_they_were_started_and_done(self):
        for a in Assignment.objects.select_related("evaluation"):
            self.assertTrue(in_order([a.created_at, a.started_at, a.completed_at, self.now]), a.pk)
            if a.status == AssignmentStatus.DONE:
                self.assertEqual(a.completed_at, a.evaluation.submitted_at, a.pk)
                self.assertEqual(a.started_at, a.evaluation.started_at, a.pk)

    def expected_step(self, ev: Evaluation, status: str) -> tuple:
        """(when, by whom) the step that brought `ev` to `status` was taken."""
        agent_user = ev.agent.user_id
        return {
            Status.IN_PROGRESS: (ev.started_at, ev.evaluator_id),
            Status.SUBMITTED: (ev.submitted_at, ev.evaluator_id),
            Status.FEEDBACK_DELIVERED: (ev.feedback_delivered_at, ev.feedback_delivered_by_id),
            Status.ACKNOWLEDGED: (ev.acknowledged_at, agent_user),
            Status.DISPUTED: (ev.disputed_at, agent_user),
            Status.RESOLVED: (ev.resolved_at, self.resolver.get(ev.pk)),
        }[status]

    def test_every_evaluation_history_row_is_in_time_order_by_whoever_took_the_step(self):
        self.maxDiff = None
        rows = histories(Evaluation)
        tracked = Evaluation.history.model.tracked_fields
        credited = defaultdict(set)
        for ev in self.evaluations:
            history = rows[ev.pk]
            self.assertTrue(history, ev.pk)
            self.assertTrue(in_order([r.history_date for r in history] + [self.now]), ev.pk)
            first = history[0]
            self.assertEqual(
                (first.history_type, first.history_date, first.history_user_id),
                ("+", ev.created_at, ev.evaluator_id),
                ev.pk,
            )
            # The last row is the evaluation as it stands.
            self.assertEqual(
                {f.attname: getattr(history[-1], f.attname) for f in tracked},
                {f.attname: getattr(ev, f.attname) for f in tracked},
                ev.pk,
            )
            previous = None
            for record in history:
                if record.status != previous:
                    when, who = self.expected_step(ev, record.status)
                    self.assertEqual((record.history_date, record.history_user_id), (when, who), (ev.pk, record.status))
                    credited[record.status].add(who)
                previous = record.status
        # Not only the evaluator: supervisors delivered feedback, the demo agent answered it.
        agent = User.objects.get(username="agent")
        self.assertIn(agent.pk, credited[Status.ACKNOWLEDGED] | credited[Status.DISPUTED])
        supervisors = set(User.objects.filter(groups__name="supervisor").values_list("pk", flat=True))
        qa_work = {ev.pk for ev in self.evaluations if ev.evaluator_role == "qa" and ev.feedback_delivered_by_id}
        self.assertTrue(
            any(ev.feedback_delivered_by_id in supervisors for ev in self.evaluations if ev.pk in qa_work),
            "no supervisor delivered a QA evaluation's feedback",
        )
        self.assertNotIn(self.manager.pk, set().union(*credited.values()))  # the manager scored nothing

    def test_every_assignment_history_row_is_by_whoever_took_the_step(self):
        rows = histories(Assignment)
        # The sampler's own bulk insert (planning, this week's picks) writes no history; every
        # assignment the demo made up for the past has its steps.
        self.assertFalse(
            Assignment.objects.exclude(created_at__gte=self.now - dt.timedelta(hours=1)).exclude(pk__in=rows)
        )
        for a in Assignment.objects.filter(pk__in=rows):
            history = rows[a.pk]
            self.assertTrue(in_order([r.history_date for r in history] + [self.now]), a.pk)
            self.assertEqual(
                (history[0].history_type, history[0].history_date, history[0].history_user_id),
                ("+", a.created_at, a.created_by_id),
                a.pk,
            )
            for record in history[1:]:
                self.assertEqual(record.history_user_id, a.evaluator_id, a.pk)
                if record.status == AssignmentStatus.DONE:
                    self.assertEqual(record.history_date, a.completed_at, a.pk)

    # --- scorecards ----------------------------------------------------------------------------

    def test_scorecard_versions_were_made_before_they_were_published_and_before_scoring_on_them(self):
        first_scored = dict(
            Evaluation.objects.values("version_id").annotate(at=Min("created_at")).values_list("version_id", "at")
        )
        versions = list(ScorecardVersion.objects.select_related("scorecard").order_by("number"))
        self.assertEqual([v.status for v in versions], [VersionStatus.RETIRED, VersionStatus.PUBLISHED])
        self.assertEqual(set(first_scored), {v.pk for v in versions})
        for v in versions:
            self.assertTrue(
                in_order([v.scorecard.created_at, v.created_at, v.published_at, first_scored[v.pk], self.now]), v
            )
        older, newer = versions
        # A regular (or self-) evaluation is scored on the version in force when it was opened; a
        # second look (double scoring, calibration, a dispute's re-score) on the first one's.
        for ev in self.evaluations:
            if ev.kind not in (Kind.REGULAR, Kind.SELF):
                continue
            expected = newer if ev.created_at >= newer.published_at else older
            self.assertEqual(ev.version_id, expected.pk, (ev.pk, ev.created_at))

    def test_scorecard_history_rows_are_the_builders_in_time_order(self):
        v1, v2 = ScorecardVersion.objects.order_by("number")
        rows = histories(ScorecardVersion)
        for v, retired in ((v1, v2.published_at), (v2, None)):
            history = rows[v.pk]
            self.assertTrue(in_order([r.history_date for r in history]), v)
            self.assertEqual((history[0].history_type, history[0].history_date), ("+", v.created_at))
            published = [r for r in history if r.status == VersionStatus.PUBLISHED]
            self.assertEqual(published[0].history_date, v.published_at)
            if retired:
                self.assertEqual([r.history_date for r in history if r.status == VersionStatus.RETIRED], [retired])
            self.assertEqual({r.history_user_id for r in history}, {self.manager.pk})
        scorecard = Scorecard.objects.get()
        self.assertEqual(
            [(r.history_date, r.history_user_id) for r in scorecard.history.all()],
            [(scorecard.created_at, self.manager.pk)],
        )
        # Sections and criteria were drafted between a version's creation and its publication.
        span = {v.pk: (v.created_at, v.published_at) for v in (v1, v2)}
        version_of = {r.id: r.version_id for r in Section.history.all()}
        records = [(r, r.version_id) for r in Section.history.all()]
        records += [(r, version_of[r.section_id]) for r in Criterion.history.all()]
        self.assertTrue(records)
        for record, version_id in records:
            made, published = span[version_id]
            self.assertTrue(made <= record.history_date <= published, (type(record).__name__, record.history_id))
            self.assertEqual(record.history_user_id, self.manager.pk)

    # --- calibration and disputes --------------------------------------------------------------

    def test_calibration_sessions_run_in_order_and_their_scores_fall_inside_them(self):
        sessions = list(CalibrationSession.objects.all())
        self.assertTrue(
            any(s.closed_at for s in sessions) and any(s.started_at and not s.revealed_at for s in sessions)
        )
        rows = histories(CalibrationSession)
        for s in sessions:
            self.assertTrue(in_order([s.created_at, s.started_at, s.revealed_at, s.closed_at, self.now]), s.pk)
            self.assertTrue(in_order([r.history_date for r in rows[s.pk]]), s.pk)
            self.assertEqual(rows[s.pk][0].history_date, s.created_at)
            for ev in Evaluation.objects.filter(calibration_item__session=s):
                self.assertTrue(in_order([s.started_at, ev.started_at, ev.submitted_at, s.revealed_at]), ev.pk)
            for item in CalibrationItem.objects.filter(session=s, consensus_at__isnull=False):
                self.assertTrue(in_order([s.revealed_at, item.consensus_at, s.closed_at]), item.pk)
            for p in s.participants.all():
                self.assertEqual(p.invited_at, s.created_at)

    def test_disputes_were_raised_after_the_feedback_and_resolved_after_that(self):
        disputes = list(Dispute.objects.select_related("evaluation", "review"))
        self.assertTrue(any(d.status == DisputeStatus.OPEN for d in disputes))
        self.assertTrue(any(d.resolved_at for d in disputes))
        rows = histories(Dispute)
        for d in disputes:
            ev = d.evaluation
            self.assertTrue(in_order([ev.feedback_delivered_at, d.raised_at, d.resolved_at, self.now]), d.pk)
            self.assertEqual(ev.disputed_at, d.raised_at, d.pk)
            if d.review is not None:
                self.assertTrue(in_order([d.raised_at, d.review.created_at, d.review.submitted_at, d.resolved_at]))
            history = rows[d.pk]
            self.assertTrue(in_order([r.history_date for r in history]), d.pk)
            self.assertEqual((history[0].history_date, history[0].history_user_id), (d.raised_at, d.raised_by_id))
            decided = [r for r in history if r.status != DisputeStatus.OPEN]
            if d.resolved_at:
                self.assertEqual(
                    [(r.history_date, r.history_user_id) for r in decided], [(d.resolved_at, d.resolved_by_id)]
                )
            else:
                self.assertEqual(decided, [])

    def test_the_demo_was_seeded_up_to_now_not_beyond(self):
        # Nothing of the history lies in the future: the seed's own clock bounds it.
        latest = max(r.history_date for model in (Evaluation, Assignment, Dispute) for r in model.history.all())
        self.assertLessEqual(latest, self.now)
        self.assertGreater(latest, self.now - dt.timedelta(days=1))  # the last week's sampling ran today
