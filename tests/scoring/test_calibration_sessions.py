"""Calibration sessions (issue 9): the lifecycle, who may run it, and blindness."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from qa_platform.errors import IllegalTransition
from scoring import selectors, services
from scoring.models import Kind, SessionStatus
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import FULL_MARKS, ScoringPersonas, answer_inputs, make_evaluation


class SessionLifecycleTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = session_calls(cls)
        cls.people = [cls.qa2, cls.supervisor, cls.trainer]

    def session(self, **kw):
        return make_session(by=self.qa, calls=self.calls, participants=self.people, **kw)

    def test_scored_blind_revealed_agreed_and_closed(self):
        session = self.session()
        items = list(session.items.all())
        self.assertEqual(len(items), 3)
        lenient = score_item(items[0], self.trainer)
        strict = score_item(items[0], self.supervisor, {**FULL_MARKS, "greeting": 0})
        self.assertEqual((lenient.kind, float(lenient.total), float(strict.total)), (Kind.CALIBRATION, 100.0, 85.0))
        with self.assertRaises(IllegalTransition):
            services.calibration_close(session=session, by=self.qa)
        services.calibration_reveal(session=session, by=self.qa)
        with self.assertRaises(IllegalTransition):  # after the reveal nobody changes their score
            score_item(items[0], self.qa2)
        for item in items:
            services.calibration_record_consensus(
                item=item, by=self.qa, answers=answer_inputs(item.version, FULL_MARKS), notes="Greeting was fine."
            )
        session = services.calibration_close(session=session, by=self.qa)
        self.assertEqual(session.status, SessionStatus.CLOSED)
        items[0].refresh_from_db()
        self.assertEqual(float(items[0].consensus_total), 100.0)

    def test_only_runners_create_and_only_participants_score(self):
        with self.assertRaises(PermissionDenied):
            make_session(by=self.supervisor, calls=self.calls, participants=self.people)
        session = self.session()
        with self.assertRaises(PermissionDenied):
            services.calibration_start_scoring(item=session.items.first(), by=self.manager)
        with self.assertRaises(PermissionDenied):
            services.calibration_reveal(session=session, by=self.qa2)

    def test_nobody_calibrates_on_their_own_call(self):
        with self.assertRaises(ValidationError) as ctx:
            make_session(by=self.qa, calls=self.calls, participants=[self.qa2, self.agent_user])
        self.assertIn("participants", ctx.exception.message_dict)

    def test_reveal_needs_two_submissions(self):
        session = self.session()
        score_item(session.items.first(), self.trainer)
        with self.assertRaises(IllegalTransition):
            services.calibration_reveal(session=session, by=self.qa)


class BlindnessTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = session_calls(cls, n=1)
        cls.regular = make_evaluation(call=cls.calls[0], by=cls.qa)
        cls.session = make_session(by=cls.manager, calls=cls.calls, participants=[cls.qa2, cls.trainer])
        cls.item = cls.session.items.get()

    def visible(self, user):
        return set(selectors.evaluations_visible_to(user).filter(call=self.calls[0]).values_list("pk", flat=True))

    def test_before_the_reveal_nobody_sees_another_participants_answers(self):
        mine = score_item(self.item, self.qa2)
        # The trainer has not submitted: they see neither the session score nor the call's regular one.
        self.assertEqual(self.visible(self.trainer), set())
        # The QA who submitted sees their own and the regular evaluation, not the trainer's draft.
        theirs = score_item(self.item, self.trainer, submit=False)
        self.assertEqual(self.visible(self.qa2), {mine.pk, self.regular.pk})
        self.assertEqual(self.visible(self.manager), {self.regular.pk})
        self.assertEqual(self.visible(self.trainer), {theirs.pk})

    def test_after_the_reveal_participants_see_everyone(self):
        a = score_item(self.item, self.qa2)
        b = score_item(self.item, self.trainer)
        services.calibration_reveal(session=self.session, by=self.manager)
        self.assertEqual(self.visible(self.qa2), {a.pk, b.pk, self.regular.pk})
        self.assertEqual(self.visible(self.manager), {a.pk, b.pk, self.regular.pk})
        self.assertEqual(self.visible(self.agent_user), {self.regular.pk})
        self.assertEqual(self.visible(self.hr), set())


class ProposalTests(ScoringPersonas):
    def test_the_weekly_proposal_picks_flagged_calls_first(self):
        import datetime as dt

        from django.utils import timezone

        week = dt.date(2026, 11, 16)
        tz = timezone.get_current_timezone()
        when = dt.datetime(2026, 11, 17, 10, tzinfo=tz)
        calls = [
            f.CallFactory(agent=self.agent, line_of_business=self.lob, start_time=when, recording="r.wav")
            for _ in range(8)
        ]
        disputed = make_evaluation(call=calls[0], by=self.qa)
        dispute = services.evaluation_dispute(evaluation=disputed, by=self.agent_user, reason="I did greet them.")
        type(dispute).objects.filter(pk=dispute.pk).update(raised_at=when)  # raised in that week
        sessions = services.calibration_propose_week(week_start=week)
        self.assertEqual(len(sessions), 1)
        items = list(sessions[0].items.order_by("position"))
        self.assertEqual(len(items), 4)
        self.assertEqual((items[0].call_id, items[0].reason), (calls[0].pk, "dispute"))
        self.assertTrue(all(i.reason == "random" for i in items[1:]))
        self.assertEqual(services.calibration_propose_week(week_start=week), [])  # idempotent
        roles = set(sessions[0].participants.values_list("role", flat=True))
        self.assertLessEqual({"supervisor", "qa", "trainer"}, roles)
