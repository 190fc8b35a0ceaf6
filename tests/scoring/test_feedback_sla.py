"""Feedback SLA (DESIGN.md §2): due FEEDBACK_SLA_HOURS after submission, flagged late, reminded once."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from scoring import services
from scoring.models import Evaluation
from tests.scoring.factories import ScoringPersonas, make_evaluation

HOUR = dt.timedelta(hours=1)


def move_back(evaluation: Evaluation, delta: dt.timedelta) -> None:
    """Travel in time: the evaluation was submitted (and its feedback fell due) `delta` earlier."""
    Evaluation.objects.filter(pk=evaluation.pk).update(
        submitted_at=evaluation.submitted_at - delta, feedback_due_at=evaluation.feedback_due_at - delta
    )
    evaluation.refresh_from_db()


@override_settings(FEEDBACK_SLA_HOURS=4)
class FeedbackDueTests(ScoringPersonas):
    def test_feedback_is_due_sla_hours_after_submission(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        self.assertEqual(evaluation.feedback_due_at, evaluation.submitted_at + 4 * HOUR)
        self.assertIsNone(evaluation.feedback_delivered_at)

    def test_delivered_at_submission_it_is_on_time(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        self.assertEqual(evaluation.feedback_delivered_at, evaluation.submitted_at)
        self.assertFalse(evaluation.feedback_late)

    def test_it_is_not_late_before_it_is_due(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, 3 * HOUR)
        self.assertFalse(evaluation.feedback_late)

    def test_undelivered_past_due_it_is_late(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, 5 * HOUR)
        self.assertTrue(evaluation.feedback_late)

    def test_delivered_after_it_was_due_it_stays_late(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, 5 * HOUR)
        services.evaluation_deliver_feedback(evaluation=evaluation, by=self.supervisor)
        evaluation.refresh_from_db()
        self.assertGreater(evaluation.feedback_delivered_at, evaluation.feedback_due_at)
        self.assertTrue(evaluation.feedback_late)

    def test_delivered_before_it_was_due_it_is_on_time(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, 3 * HOUR)
        services.evaluation_deliver_feedback(evaluation=evaluation, by=self.qa)
        evaluation.refresh_from_db()
        self.assertFalse(evaluation.feedback_late)

    def test_self_evaluations_have_no_feedback_due(self):
        evaluation = make_evaluation(call=self.call, by=self.agent_user, kind="self")
        self.assertIsNone(evaluation.feedback_due_at)
        self.assertFalse(evaluation.feedback_late)

    def test_the_api_exposes_feedback_late(self):
        on_time = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        late = make_evaluation(call=self.other_call, by=self.qa, deliver_feedback=False)
        move_back(late, 5 * HOUR)
        client = self.api(self.manager)
        self.assertFalse(client.get(self.url(on_time)).data["feedback_late"])
        self.assertTrue(client.get(self.url(late)).data["feedback_late"])
        rows = {row["id"]: row["feedback_late"] for row in client.get(self.url()).data["results"]}
        self.assertEqual(rows, {on_time.pk: False, late.pk: True})

        response = client.post(self.url(late, "deliver-feedback"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data["feedback_late"])


@override_settings(FEEDBACK_SLA_HOURS=4)
class FeedbackReminderTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = get_user_model().objects
        for user in (cls.qa, cls.supervisor, cls.other_supervisor):
            users.filter(pk=user.pk).update(email=f"{user.username}@example.com")

    def test_overdue_feedback_reminds_the_evaluator_and_the_agents_supervisors_once(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, 5 * HOUR)

        self.assertEqual(services.feedback_reminders_send(), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["qa@example.com", "supervisor@example.com"])
        self.assertIn("overdue", message.subject)
        self.assertIn(self.agent.name, message.subject)
        self.assertIn(f"/evaluations/{evaluation.pk}/", message.body)
        evaluation.refresh_from_db()
        self.assertIsNotNone(evaluation.feedback_reminded_at)

        self.assertEqual(services.feedback_reminders_send(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_feedback_due_within_the_hour_is_reminded_as_due_soon(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        move_back(evaluation, dt.timedelta(hours=3, minutes=30))
        self.assertEqual(services.feedback_reminders_send(), 1)
        self.assertIn("due soon", mail.outbox[0].subject)

    def test_feedback_due_later_is_not_reminded_yet(self):
        make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        self.assertEqual(services.feedback_reminders_send(), 0)
        self.assertEqual(services.feedback_reminders_send(now=timezone.now() + dt.timedelta(hours=3, minutes=30)), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_delivered_feedback_is_not_reminded(self):
        delivered = make_evaluation(call=self.call, by=self.qa)
        late_but_delivered = make_evaluation(call=self.other_call, by=self.qa, deliver_feedback=False)
        move_back(late_but_delivered, 5 * HOUR)
        services.evaluation_deliver_feedback(evaluation=late_but_delivered, by=self.qa)
        move_back(delivered, 5 * HOUR)

        self.assertEqual(services.feedback_reminders_send(), 0)
        self.assertEqual(mail.outbox, [])

    def test_each_evaluation_reminds_its_own_agents_supervisors(self):
        ours = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        theirs = make_evaluation(call=self.other_call, by=self.qa, deliver_feedback=False)
        move_back(ours, 5 * HOUR)
        move_back(theirs, 5 * HOUR)

        self.assertEqual(services.feedback_reminders_send(), 2)
        recipients = sorted(tuple(m.to) for m in mail.outbox)
        self.assertEqual(
            recipients,
            [("other_supervisor@example.com", "qa@example.com"), ("qa@example.com", "supervisor@example.com")],
        )
