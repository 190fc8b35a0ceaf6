"""Disputes resolved independently (issue 9), continued: a manager hands the re-score to another
reviewer; the agent appeals once to a manager; overturn rates per evaluator and per criterion
against a hand count."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone

from monitoring.models import AssignmentStatus
from scoring import services
from scoring.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    Status,
)
from scoring.selectors_disputes import overturns_by_criterion, overturns_by_evaluator
from tests import factories as f
from tests.scoring.dispute_helpers import DisputeReviewBase, review_assignment
from tests.scoring.factories import (
    WORKED_ANSWERS,
    answer_inputs,
    make_evaluation,
    make_scorecard_version,
    rescore_dispute,
    settle_dispute,
)


class ReassignTests(DisputeReviewBase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.qa3 = f.UserFactory(username="qa3", roles=["qa"])

    def setUp(self):
        self.evaluation = self.disputed()
        self.dispute = self.evaluation.disputes.get()
        self.first = self.dispute.reviewer
        self.other = self.qa3 if self.first == self.qa2 else self.qa2

    def test_a_manager_hands_the_re_score_to_another_eligible_reviewer(self):
        draft = services.evaluation_start_from_assignment(
            assignment=review_assignment(self.call, self.first), by=self.first
        )
        self.client.force_login(self.manager)
        page = self.client.get(f"/disputes/{self.dispute.pk}/reassign/")
        self.assertContains(page, self.other.username)
        self.assertNotContains(page, f'value="{self.qa.pk}"')  # the evaluator is never offered
        response = self.client.post(f"/disputes/{self.dispute.pk}/reassign/", {"reviewer": self.other.pk})
        self.assertRedirects(response, "/disputes/")
        self.dispute.refresh_from_db()
        self.assertEqual((self.dispute.reviewer, self.dispute.review), (self.other, None))
        self.assertEqual(review_assignment(self.call, self.first).status, AssignmentStatus.CANCELLED)
        self.assertEqual(review_assignment(self.call, self.other).status, AssignmentStatus.OPEN)
        self.assertFalse(Evaluation.objects.filter(pk=draft.pk).exists())
        # The new reviewer is blind; the former one no longer decides.
        self.assertEqual(self.api(self.other).get(self.url(self.evaluation)).status_code, 404)
        rescore_dispute(self.evaluation)
        response = self.api(self.first).post(
            self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Mine."}, format="json"
        )
        self.assertEqual(response.status_code, 403)

    def test_only_a_manager_reassigns_and_only_to_someone_eligible_before_the_re_score(self):
        for user in (self.first, self.other, self.qa):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/disputes/{self.dispute.pk}/reassign/").status_code, 403, user)
            response = self.api(user).post(
                self.url(self.evaluation, "reassign-reviewer"), {"reviewer": self.other.username}, format="json"
            )
            self.assertIn(response.status_code, (403, 404), user)
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/disputes/{self.dispute.pk}/reassign/").status_code, 403)
        api = self.api(self.manager)
        response = api.post(self.url(self.evaluation, "reassign-reviewer"), {"reviewer": "qa"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("reviewer", response.data)
        rescore_dispute(self.evaluation)
        response = api.post(
            self.url(self.evaluation, "reassign-reviewer"), {"reviewer": self.other.username}, format="json"
        )
        self.assertEqual(response.status_code, 409)
        self.dispute.refresh_from_db()
        self.assertEqual(self.dispute.reviewer, self.first)


# --- appeal -------------------------------------------------------------------------------------


class AppealTests(DisputeReviewBase):
    def setUp(self):
        self.evaluation = self.disputed()
        self.first = self.evaluation.disputes.get()
        self.reviewer = self.first.reviewer
        self.other_manager = f.UserFactory(username="manager2", roles=["manager"])

    def appeal(self, user=None, **body):
        body = {"reason": "The customer thanked me for solving it.", **body}
        return self.api(user or self.agent_user).post(self.url(self.evaluation, "appeal"), body, format="json")

    def test_an_appeal_waits_for_the_first_decision(self):
        self.assertEqual(self.appeal().status_code, 409)

    def test_the_agent_appeals_once_and_a_manager_decides(self):
        settle_dispute(self.evaluation, outcome=DisputeStatus.UPHELD)
        response = self.appeal(proposed_total="77.5")
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual((response.data["level"], response.data["appeal_of"]), (2, self.first.pk))
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DISPUTED)
        self.assertEqual(self.appeal().status_code, 409)  # one open at a time
        # The manager sees it to decide; QA does not.
        self.client.force_login(self.manager)
        self.assertContains(self.client.get("/disputes/"), f"/evaluations/{self.evaluation.pk}/resolve/")
        self.client.force_login(self.qa2)
        self.assertNotContains(self.client.get("/disputes/"), f"/evaluations/{self.evaluation.pk}/resolve/")
        # Neither the evaluator nor the reviewer nor the agent decides it.
        for user in (self.qa, self.reviewer, self.agent_user, self.qa2, self.supervisor):
            response = self.api(user).post(
                self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "x"}, format="json"
            )
            self.assertIn(response.status_code, (403, 404), user.username)
        page = self.client_for(self.manager).get(f"/evaluations/{self.evaluation.pk}/resolve/")
        self.assertContains(page, "Decide the appeal")
        self.assertContains(page, "Evaluator&#x27;s original")
        response = self.api(self.manager).post(
            self.url(self.evaluation, "resolve"),
            {"outcome": "adjusted", "reason": "Resolved, on listening.", "answers": self.payload({"resolved": 1})},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual((response.data["status"], response.data["total"]), ("resolved", "77.5"))
        appeal = Dispute.objects.get(level=2)
        self.assertEqual(
            (appeal.status, appeal.resolved_by, appeal.proposed_total), ("adjusted", self.manager, Decimal("77.5"))
        )
        self.assertEqual(
            list(appeal.criterion_changes.values_list("criterion__text", "before_value", "after_value")),
            [("Resolved", 0, 1)],
        )
        # Once only.
        self.assertEqual(self.appeal().status_code, 409)

    def test_a_manager_who_decided_the_first_level_does_not_decide_the_appeal(self):
        for user in (self.qa2,):
            user.is_active = False
            user.save()
        other = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        evaluation = self.disputed(call=other)
        self.assertIsNone(evaluation.disputes.get().reviewer)
        services.evaluation_resolve_dispute(evaluation=evaluation, by=self.manager, outcome="upheld", reason="Stands.")
        services.evaluation_appeal(evaluation=evaluation, by=self.agent_user, reason="Please listen once more.")
        response = self.api(self.manager).post(
            self.url(evaluation, "resolve"), {"outcome": "upheld", "reason": "Still."}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        response = self.api(self.other_manager).post(
            self.url(evaluation, "resolve"), {"outcome": "upheld", "reason": "Still."}, format="json"
        )
        self.assertEqual(response.status_code, 200)

    def test_only_the_agent_appeals(self):
        settle_dispute(self.evaluation, outcome=DisputeStatus.UPHELD)
        for user in (self.qa, self.reviewer, self.manager, self.supervisor):
            self.assertIn(self.appeal(user).status_code, (403, 404), user.username)
        self.client.force_login(self.agent_user)
        page = self.client.get(f"/evaluations/{self.evaluation.pk}/")
        self.assertContains(page, "Appeal to a manager")
        response = self.client.post(f"/evaluations/{self.evaluation.pk}/appeal/", {"reason": "short"})
        self.assertContains(response, "at least 10 characters", status_code=400)
        self.assertFalse(Dispute.objects.filter(level=2).exists())

    def client_for(self, user):
        self.client.force_login(user)
        return self.client


# --- overturn rates -----------------------------------------------------------------------------


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


class OverturnRateTests(DisputeReviewBase):
    """Eight disputes, counted by hand (E1 = olga, E2 = qa):

    1 E1 adjusted (closing)                          final L1: overturned, Closing changed
    2 E1 upheld                                      final L1: not overturned
    3 E1 adjusted (resolved), appeal upheld          final L2: overturned, Resolved changed
    4 E2 adjusted (closing), appeal puts it back     final L2: not overturned, nothing changed
    5 E2 adjusted (empathy), appeal still open       no final decision: left out
    6 E2 adjusted (greeting), decided 400 days ago   outside the window: left out
    7 E2 upheld                                      final L1: not overturned
    8 E2 adjusted (closing) on another scorecard     final L1: overturned, Closing changed

    E1: 3 decided, 2 overturned; E2: 3 decided, 1 overturned. Six final decisions, each on a
    scorecard with all six criteria: Closing changed 2, Resolved 1, the others 0.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = f.UserFactory(username="olga", roles=["qa"])
        f.UserFactory(username="qa3", roles=["qa"])
        other_version = make_scorecard_version(name="Other scorecard")

        def case(evaluator, l1, l1_values=None, appeal=None, appeal_values=None, version=None):
            call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob)
            evaluation = make_evaluation(call=call, by=evaluator, version=version)
            services.evaluation_dispute(evaluation=evaluation, by=cls.agent_user, reason="Please listen again.")
            evaluation.refresh_from_db()
            answers = answer_inputs(evaluation.version, {**WORKED_ANSWERS, **(l1_values or {})})
            settle_dispute(evaluation, outcome=l1, answers=answers)
            if appeal is not None:
                evaluation.refresh_from_db()
                services.evaluation_appeal(evaluation=evaluation, by=cls.agent_user, reason="I appeal this decision.")
                if appeal != "open":
                    evaluation.refresh_from_db()
                    services.evaluation_resolve_dispute(
                        evaluation=evaluation,
                        by=cls.manager,
                        outcome=appeal,
                        reason="On appeal.",
                        answers=answer_inputs(evaluation.version, appeal_values) if appeal_values else None,
                    )
            return evaluation

        adjusted, upheld = DisputeStatus.ADJUSTED, DisputeStatus.UPHELD
        case(cls.olga, adjusted, {"closing": 1})
        case(cls.olga, upheld)
        case(cls.olga, adjusted, {"resolved": 0}, appeal=upheld)
        case(cls.qa, adjusted, {"closing": 1}, appeal=adjusted, appeal_values={"closing": 0})
        case(cls.qa, adjusted, {"empathy": 4}, appeal="open")
        old = case(cls.qa, adjusted, {"greeting": 0})
        Dispute.objects.filter(evaluation=old).update(resolved_at=timezone.now() - dt.timedelta(days=400))
        case(cls.qa, upheld)
        case(cls.qa, adjusted, {"closing": 1}, version=other_version)
        cls.since = timezone.now() - dt.timedelta(days=30)
        cls.until = timezone.now() + dt.timedelta(minutes=1)

    def test_per_evaluator_against_the_hand_count(self):
        counts = overturns_by_evaluator(since=self.since, until=self.until)
        self.assertEqual(
            {uid: (c.resolved, c.overturned) for uid, c in counts.items()},
            {self.olga.pk: (3, 2), self.qa.pk: (3, 1)},
        )
        self.assertAlmostEqual(counts[self.olga.pk].rate, 2 / 3)
        low, high = counts[self.qa.pk].interval
        expected = wilson(1, 3)
        self.assertAlmostEqual(low, expected[0], places=6)
        self.assertAlmostEqual(high, expected[1], places=6)

    def test_per_criterion_against_the_hand_count(self):
        rows = overturns_by_criterion(since=self.since, until=self.until)
        self.assertEqual(
            [(r.text, r.resolved, r.changed) for r in rows],
            [
                ("Closing", 6, 2),
                ("Resolved", 6, 1),
                ("Clarity", 6, 0),
                ("Correct information", 6, 0),
                ("Empathy", 6, 0),
                ("Greeting", 6, 0),
            ],
        )
        self.assertAlmostEqual(rows[0].rate, 2 / 6)

    def test_the_window_is_the_final_decision_s(self):
        counts = overturns_by_evaluator(since=None, until=None)
        self.assertEqual(counts[self.qa.pk].resolved, 4)  # with the one decided 400 days ago
        self.assertEqual(overturns_by_evaluator(since=self.until, until=None), {})

    def test_the_disputes_page_shows_both_with_their_n(self):
        self.client.force_login(self.manager)
        body = self.client.get("/disputes/").content.decode()
        evaluators = body.split('id="overturn-evaluators"')[1].split("</table>")[0]
        olga_row = evaluators.split("olga")[1].split("</tr>")[0]
        self.assertIn('<td class="num">3</td>', olga_row)
        self.assertIn('<td class="num">2</td>', olga_row)
        self.assertIn("67 %", olga_row)
        criteria = body.split('id="overturn-criteria"')[1].split("</table>")[0]
        closing_row = criteria.split("Closing")[1].split("</tr>")[0]
        self.assertIn('<td class="num">6</td>', closing_row)
        self.assertIn("33 %", closing_row)
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get("/disputes/").status_code, 403)

    def test_the_disputes_page_costs_the_same_queries_whatever_the_open_disputes(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count() -> int:
            self.client.force_login(self.manager)
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/disputes/").status_code, 200)
            return len(ctx.captured_queries)

        def dispute() -> None:
            call = f.CallFactory(agent=self.agent, line_of_business=self.lob)
            evaluation = make_evaluation(call=call, by=self.olga)
            services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="Please listen again.")

        dispute()
        before = count()
        for _ in range(3):
            dispute()
        self.assertEqual(count(), before)

    def test_the_figures_cost_the_same_queries_whatever_the_disputes(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            overturns_by_evaluator(since=self.since, until=self.until)
            overturns_by_criterion(since=self.since, until=self.until)
        self.assertEqual(len(ctx.captured_queries), 4)
