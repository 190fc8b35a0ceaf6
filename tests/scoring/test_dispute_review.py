"""Disputes resolved independently (issue 9): a dispute is routed to a different calibrated
evaluator, who re-scores the call blind and then decides upheld / adjusted; the agent may
propose a score and, once, appeal to a manager; overturn rates per evaluator and per criterion."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus
from reports.selectors.qa import Scope, evaluations_in
from scoring import services
from scoring.models import (
    CalibrationPolicy,
    CalibrationSession,
    Dispute,
    DisputeChange,
    DisputeStatus,
    Evaluation,
    Kind,
    SessionStatus,
    Status,
)
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item
from tests.scoring.dispute_helpers import ORIGINAL, DisputeReviewBase, review_assignment
from tests.scoring.factories import (
    WORKED_ANSWERS,
    answer_inputs,
    make_evaluation,
    rescore_dispute,
)

# --- routing ----------------------------------------------------------------------------------


class RoutingTests(DisputeReviewBase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.qa3 = f.UserFactory(username="qa3", roles=["qa"])

    def test_it_is_never_routed_to_the_original_evaluator_even_when_they_are_the_only_calibrated_one(self):
        self.calibrate(self.qa)
        self.qa3.is_active = False
        self.qa3.save()
        evaluation = self.disputed()
        dispute = evaluation.disputes.get()
        self.assertEqual(dispute.reviewer, self.qa2)
        self.assertFalse(Assignment.objects.filter(call=self.call, reason="dispute_review", evaluator=self.qa).exists())
        # The fallback is said: the reviewer is not calibrated.
        self.client.force_login(self.manager)
        row = self.client.get("/disputes/").content.decode().split(f'id="dispute-{dispute.pk}"')[1].split("</tr>")[0]
        self.assertIn("qa2", row)
        self.assertIn("not calibrated", row)

    def test_a_calibrated_evaluator_comes_before_a_less_loaded_one(self):
        self.calibrate(self.qa3)
        # qa3 is busier than qa2, yet calibrated.
        for _ in range(3):
            f_call = f.CallFactory(agent=self.other_agent, line_of_business=self.lob)
            Assignment.objects.create(
                call=f_call,
                evaluator=self.qa3,
                evaluator_role="qa",
                reason=AssignmentReason.RANDOM,
                period_start=dt.date(2026, 11, 16),
                due_at=timezone.now() + dt.timedelta(days=2),
            )
        evaluation = self.disputed()
        self.assertEqual(evaluation.disputes.get().reviewer, self.qa3)
        self.client.force_login(self.manager)
        self.assertNotContains(self.client.get("/disputes/"), "not calibrated")

    def test_a_session_closed_too_long_ago_or_joined_without_submitting_does_not_calibrate(self):
        policy = CalibrationPolicy.current()
        self.calibrate(self.qa3, days_ago=policy.calibrated_within_days + 5)
        self.calibrate(self.qa2, submit=False)
        qa4 = f.UserFactory(username="qa4", roles=["qa"])
        self.calibrate(qa4, days_ago=3)
        evaluation = self.disputed()
        self.assertEqual(evaluation.disputes.get().reviewer, qa4)

    def test_among_uncalibrated_ones_the_fewest_open_assignments_wins(self):
        other = f.CallFactory(agent=self.other_agent, line_of_business=self.lob)
        Assignment.objects.create(
            call=other,
            evaluator=self.qa2,
            evaluator_role="qa",
            reason=AssignmentReason.RANDOM,
            period_start=dt.date(2026, 11, 16),
            due_at=timezone.now() + dt.timedelta(days=2),
        )
        evaluation = self.disputed()
        self.assertEqual(evaluation.disputes.get().reviewer, self.qa3)

    def test_nobody_holding_an_assignment_or_evaluation_of_the_call_nor_the_agent_is_chosen(self):
        # All calibrated, all involved: qa3 scores the call, qa2 double-scores it, qa4 scored it in
        # a calibration session, and the agent is QA too. Only qa (uncalibrated) is left.
        qa4 = f.UserFactory(username="qa4", roles=["qa"])
        self.calibrate(self.qa2, self.qa3)
        session = make_session(by=self.manager, calls=[self.call], participants=[self.manager, qa4])
        score_item(session.items.get(), qa4)
        CalibrationSession.objects.filter(pk=session.pk).update(status=SessionStatus.CLOSED, closed_at=timezone.now())
        Assignment.objects.create(
            call=self.call,
            evaluator=self.qa2,
            evaluator_role="qa",
            reason=AssignmentReason.DOUBLE_SCORING,
            period_start=dt.date(2026, 11, 16),
            due_at=timezone.now() + dt.timedelta(days=2),
        )
        self.agent_user.groups.add(*self.qa.groups.all())
        self.calibrate(self.agent_user)
        evaluation = self.disputed(by=self.qa3)
        self.assertEqual(evaluation.disputes.get().reviewer, self.qa)

    def test_the_assignment_is_due_within_the_policy_hours_in_this_week(self):
        policy = CalibrationPolicy.current()
        policy.dispute_review_hours = 24
        policy.save()
        before = timezone.now()
        evaluation = self.disputed()
        dispute = evaluation.disputes.get()
        assignment = review_assignment(self.call, dispute.reviewer)
        today = timezone.localdate()
        self.assertEqual(
            (assignment.status, assignment.evaluator_role, assignment.period_start),
            (AssignmentStatus.OPEN, "qa", today - dt.timedelta(days=today.weekday())),
        )
        self.assertTrue(before + dt.timedelta(hours=24) <= assignment.due_at <= timezone.now() + dt.timedelta(hours=24))
        self.assertEqual(dispute.review_due_at, assignment.due_at)

    def test_with_nobody_eligible_a_manager_decides_it_directly(self):
        for user in (self.qa2, self.qa3):
            user.is_active = False
            user.save()
        evaluation = self.disputed()
        dispute = evaluation.disputes.get()
        self.assertIsNone(dispute.reviewer)
        self.assertFalse(Assignment.objects.filter(reason=AssignmentReason.DISPUTE_REVIEW).exists())
        self.client.force_login(self.manager)
        self.assertContains(self.client.get("/disputes/"), "nobody eligible: a manager decides")
        response = self.api(self.manager).post(
            self.url(evaluation, "resolve"),
            {"outcome": "adjusted", "reason": "Resolved on the call.", "answers": self.payload({"resolved": 1})},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["total"], "77.5")


# --- blind re-score ---------------------------------------------------------------------------


class BlindReScoreTests(DisputeReviewBase):
    """Before submitting, nothing the reviewer can open shows the original's comments, total,
    summary or evaluator, nor the agent's reason or proposed score."""

    SECRETS = ("ORIGCOMMENT", "ORIGSUMMARY", "Olga", "Original", "olga", "57.5", "REASONTEXT", "88.5")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = f.UserFactory(username="olga", first_name="Olga", last_name="Original", roles=["qa"])
        evaluation = services.evaluation_start(call=cls.call, by=cls.olga)
        inputs = [
            services.AnswerInput(a.criterion_id, a.value, a.na, f"ORIGCOMMENT {i}", a.time_offset)
            for i, a in enumerate(answer_inputs(cls.version, ORIGINAL))
        ]
        services.evaluation_submit(evaluation=evaluation, by=cls.olga, answers=inputs, summary="ORIGSUMMARY")
        cls.original = Evaluation.objects.get(pk=evaluation.pk)
        assert cls.original.total == Decimal("57.5")
        services.evaluation_dispute(
            evaluation=cls.original,
            by=cls.agent_user,
            reason="REASONTEXT: resolved at 2:10",
            proposed_total="88.5",
        )
        # qa and qa2 are both eligible: whichever got it is the reviewer.
        cls.dispute = Dispute.objects.get()

    def setUp(self):
        self.reviewer = self.dispute.reviewer
        self.client.force_login(self.reviewer)

    def assertBlind(self, body: str, where: str):
        for secret in self.SECRETS:
            self.assertNotIn(secret, body, f"{where} shows {secret!r}")

    def open_assignment(self) -> Evaluation:
        assignment = review_assignment(self.call, self.reviewer)
        response = self.client.post(f"/assignments/{assignment.pk}/open/")
        review = Evaluation.objects.get(kind=Kind.REVIEW)
        self.assertRedirects(response, f"/evaluations/{review.pk}/score/")
        return review

    def test_the_proposed_score_is_stored(self):
        self.assertEqual(self.dispute.proposed_total, Decimal("88.5"))
        self.assertIn(self.reviewer, (self.qa, self.qa2))

    def test_opening_the_assignment_starts_a_review_on_the_disputed_version_linked_to_the_dispute(self):
        review = self.open_assignment()
        self.assertEqual((review.kind, review.version, review.evaluator), (Kind.REVIEW, self.version, self.reviewer))
        self.dispute.refresh_from_db()
        self.assertEqual(self.dispute.review, review)
        self.assertFalse(review.answers.exists())

    def test_the_pages_before_submitting_show_nothing_of_the_original(self):
        review = self.open_assignment()
        page = self.client.get(f"/evaluations/{review.pk}/score/")
        self.assertContains(page, "A dispute's re-score")
        self.assertBlind(page.content.decode(), "the scoring page")
        for url in (
            f"/calls/{self.call.pk}/",
            f"/calls/{self.call.pk}/evaluate/",
            "/evaluations/",
            f"/evaluations/?agent={self.agent.employee_id}",
            f"/evaluations/{review.pk}/",
            "/disputes/",
            "/queue/",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertBlind(response.content.decode(), url)
        self.assertNotContains(self.client.get("/evaluations/"), f"/evaluations/{self.original.pk}/")
        self.assertEqual(self.client.get(f"/evaluations/{self.original.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/evaluations/{self.original.pk}/resolve/").status_code, 404)

    def test_the_start_page_opens_the_review_instead_of_naming_the_original(self):
        response = self.client.post(f"/calls/{self.call.pk}/evaluate/", {"method": "recording"})
        review = Evaluation.objects.get(kind=Kind.REVIEW, evaluator=self.reviewer)
        self.assertRedirects(response, f"/evaluations/{review.pk}/score/")

    def test_the_api_before_submitting_shows_nothing_of_the_original(self):
        api = self.api(self.reviewer)
        started = api.post(self.url(), {"call": self.call.pk}, format="json")
        self.assertEqual(started.status_code, 201, started.data)
        self.assertEqual(started.data["kind"], "review")
        review_id = started.data["id"]
        responses = {
            "start": started,
            "list": api.get(self.url()),
            "list by call": api.get(self.url(), {"call": self.call.external_id}),
            "detail": api.get(self.url(review_id)),
            "autosave": api.patch(self.url(review_id, "answers"), {"answers": self.payload()}, format="json"),
            "original": api.get(self.url(self.original)),
            "resolve": api.post(
                self.url(self.original, "resolve"), {"outcome": "upheld", "reason": "x"}, format="json"
            ),
        }
        self.assertEqual((responses["original"].status_code, responses["resolve"].status_code), (404, 404))
        for name, response in responses.items():
            self.assertBlind(json.dumps(response.json()), f"API {name}")
        self.assertEqual([e["id"] for e in responses["list"].json()["results"]], [review_id])
        submitted = api.post(self.url(review_id, "submit"), {}, format="json")
        self.assertEqual(submitted.status_code, 200, submitted.data)
        self.assertBlind(json.dumps(submitted.json()), "API submit")

    def test_after_submitting_the_resolve_page_sets_both_side_by_side_with_the_reason(self):
        review = self.open_assignment()
        self.assertEqual(
            self.client.get(f"/evaluations/{review.pk}/score/").context["structure"]["urls"]["detail"],
            f"/evaluations/{self.original.pk}/resolve/",
        )
        services.evaluation_submit(
            evaluation=review, by=self.reviewer, answers=answer_inputs(self.version, WORKED_ANSWERS)
        )
        page = self.client.get(f"/evaluations/{self.original.pk}/resolve/")
        self.assertEqual(page.status_code, 200)
        body = page.content.decode()
        for shown in (
            "REASONTEXT: resolved at 2:10",
            "The agent proposes 88.5 (31.0 from the score now)",
            "Olga Original",
        ):
            self.assertIn(shown, body)
        self.assertIn('<strong id="original-total">57.5</strong>', body)
        self.assertIn('<strong id="review-total">77.5</strong>', body)
        self.assertIn('<dd id="total-difference">+20.0</dd>', body)
        resolved = self.criteria["resolved"].pk
        row = body.split(f'id="compare-{resolved}"')[1].split("</tr>")[0]
        self.assertIn("differs", row)
        self.assertIn("ORIGCOMMENT 5", row)
        self.assertIn("+10", row)
        closing = body.split(f'id="compare-{self.criteria["closing"].pk}"')[1].split("</tr>")[0]
        self.assertNotIn("differs", closing)
        # The controls start from the re-score's answers.
        self.assertIn(f'id="c-{resolved}-1" name="c-{resolved}" value="1" checked', body)


# --- deciding ----------------------------------------------------------------------------------


class DecisionTests(DisputeReviewBase):
    def setUp(self):
        self.evaluation = self.disputed()
        self.dispute = self.evaluation.disputes.get()
        self.reviewer = self.dispute.reviewer
        self.review = rescore_dispute(self.evaluation, answer_inputs(self.version, WORKED_ANSWERS))

    def test_upheld_keeps_the_original_and_records_no_change(self):
        response = self.api(self.reviewer).post(
            self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Not resolved."}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.evaluation.refresh_from_db()
        self.assertEqual((self.evaluation.status, self.evaluation.total), (Status.RESOLVED, Decimal("57.5")))
        self.dispute.refresh_from_db()
        self.assertEqual((self.dispute.status, self.dispute.resolved_by), (DisputeStatus.UPHELD, self.reviewer))
        self.assertFalse(DisputeChange.objects.exists())
        self.assertEqual(self.evaluation.answers.get(criterion__text="Resolved").value, 0)

    def test_adjusted_on_the_page_applies_the_edited_re_score_and_records_each_change(self):
        self.client.force_login(self.reviewer)
        data = {"outcome": "adjusted", "reason": "Resolved at 2:10, and a proper closing."}
        for key, value in {**WORKED_ANSWERS, "closing": 1}.items():
            pk = self.criteria[key].pk
            data.update({f"c-{pk}": str(value), f"c-{pk}-comment": "", f"c-{pk}-time": ""})
        response = self.client.post(f"/evaluations/{self.evaluation.pk}/resolve/", data)
        self.assertRedirects(response, f"/evaluations/{self.evaluation.pk}/")
        self.evaluation.refresh_from_db()
        # S1 1.0 × 30 + S2 0.75 × 30 + S3 1.0 × 40 = 92.5
        self.assertEqual((self.evaluation.status, self.evaluation.total), (Status.RESOLVED, Decimal("92.5")))
        changes = {
            (c.criterion.text, c.before_value, c.before_na, c.after_value, c.after_na)
            for c in DisputeChange.objects.filter(dispute=self.dispute).select_related("criterion")
        }
        self.assertEqual(changes, {("Closing", 0, False, 1, False), ("Resolved", 0, False, 1, False)})
        self.dispute.refresh_from_db()
        self.assertEqual(
            (self.dispute.status, self.dispute.original_total, self.dispute.adjusted_total),
            (DisputeStatus.ADJUSTED, Decimal("57.5"), Decimal("92.5")),
        )
        detail = self.client.get(f"/evaluations/{self.evaluation.pk}/").content.decode().split('id="disputes"')[1]
        self.assertIn("Closing: No → <strong>Yes</strong>", detail)
        self.assertIn("Resolved: No → <strong>Yes</strong>", detail)

    def test_adjusted_through_the_api_without_answers_applies_the_re_score(self):
        response = self.api(self.reviewer).post(
            self.url(self.evaluation, "resolve"), {"outcome": "adjusted", "reason": "Resolved at 2:10."}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["total"], "77.5")
        [dispute] = response.data["disputes"]
        self.assertEqual(
            dispute["changes"],
            [
                {
                    "criterion": self.cid("resolved"),
                    "before_value": 0,
                    "before_na": False,
                    "after_value": 1,
                    "after_na": False,
                }
            ],
        )

    def test_the_review_never_counts_and_never_reaches_the_agent(self):
        settle = self.api(self.reviewer).post(
            self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Stands."}, format="json"
        )
        self.assertEqual(settle.status_code, 200)
        self.assertEqual(self.review.kind, Kind.REVIEW)
        self.assertEqual(self.review.status, Status.SUBMITTED)
        start, end = timezone.now() - dt.timedelta(days=30), timezone.now() + dt.timedelta(days=1)
        counted = evaluations_in(Scope(Scope.AGENT, self.agent.pk), start=start, end=end)
        self.assertEqual(list(counted), [self.evaluation])
        for user in (self.agent_user, self.supervisor):
            self.assertEqual(self.api(user).get(self.url(self.review)).status_code, 404, user)
            ids = [e["id"] for e in self.api(user).get(self.url()).json()["results"]]
            self.assertNotIn(self.review.pk, ids)

    def test_the_submitted_re_score_leads_its_reviewer_to_the_decision(self):
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/evaluations/{self.review.pk}/")
        self.assertContains(page, "Dispute re-score")
        self.assertContains(page, f'href="/evaluations/{self.evaluation.pk}/resolve/"')

    def test_the_wrong_people_cannot_decide(self):
        other_qa = f.UserFactory(username="qa3", roles=["qa"])
        for user in (self.qa, self.agent_user, self.manager, other_qa, self.supervisor, self.trainer):
            response = self.api(user).post(
                self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Mine."}, format="json"
            )
            self.assertIn(response.status_code, (403, 404), user.username)
            self.client.force_login(user)
            self.assertIn(
                self.client.get(f"/evaluations/{self.evaluation.pk}/resolve/").status_code, (403, 404), user.username
            )
        response = self.api(self.manager).post(
            self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Mine."}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("routed to its own reviewer", response.data["detail"])
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DISPUTED)

    def test_the_proposed_score_is_checked(self):
        other = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        evaluation = make_evaluation(call=other, by=self.qa)
        for bad in ("101", "-1", "abc", "-"):
            response = self.api(self.agent_user).post(
                self.url(evaluation, "dispute"),
                {"reason": "Listen to the closing.", "proposed_total": bad},
                format="json",
            )
            self.assertEqual(response.status_code, 400, bad)
            self.assertIn("proposed_total", response.data)
        self.client.force_login(self.agent_user)
        page = self.client.post(
            f"/evaluations/{evaluation.pk}/dispute/", {"reason": "Listen to the closing.", "proposed_total": "120"}
        )
        self.assertContains(page, "Propose a score from 0 to 100", status_code=400)
        response = self.client.post(
            f"/evaluations/{evaluation.pk}/dispute/", {"reason": "Listen to the closing.", "proposed_total": "90"}
        )
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        self.assertEqual(evaluation.disputes.get().proposed_total, Decimal("90.0"))
