"""The lifecycle forms on the evaluation page (feedback delivered, acknowledge, dispute), resolving
a dispute, and the lists of evaluations and disputes — their permissions and their content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from scoring import services
from scoring.models import Evaluation, Status
from tests.scoring.factories import rescore_dispute
from tests.scoring.pages import WORKED_ANSWERS, ScoringPagesBase, answers_for

# --- the lifecycle forms ----------------------------------------------------------------------


class LifecycleFormTests(ScoringPagesBase):
    def test_the_evaluator_records_feedback_as_delivered(self):
        evaluation = self.submitted(deliver=False)
        self.client.force_login(self.qa)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(page, "Record feedback as delivered")
        response = self.client.post(f"/evaluations/{evaluation.pk}/feedback/")
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)
        self.assertEqual(evaluation.feedback_delivered_by, self.qa)

    def test_a_trainer_may_not_deliver_feedback(self):
        evaluation = self.submitted(deliver=False)
        self.client.force_login(self.trainer)
        response = self.client.post(f"/evaluations/{evaluation.pk}/feedback/")
        self.assertContains(response, "Only the evaluator, the agent", status_code=403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_late_feedback_is_flagged(self):
        evaluation = self.submitted(deliver=False)
        Evaluation.objects.filter(pk=evaluation.pk).update(feedback_due_at=timezone.now() - dt.timedelta(hours=1))
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(response, "LATE")
        self.assertContains(response, "Record feedback as delivered")

    def test_the_agent_acknowledges_once(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        self.assertRedirects(
            self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/"), f"/evaluations/{evaluation.pk}/"
        )
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.ACKNOWLEDGED)
        again = self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/")
        self.assertContains(again, "Only delivered feedback can be acknowledged", status_code=409)

    def test_only_the_agent_acknowledges(self):
        evaluation = self.submitted()
        self.client.force_login(self.supervisor)
        self.assertContains(
            self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/"), "Only the evaluated agent", status_code=403
        )
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.post(f"/evaluations/{evaluation.pk}/acknowledge/").status_code, 404)

    def test_a_dispute_needs_a_reason_shown_under_the_field(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        response = self.client.post(f"/evaluations/{evaluation.pk}/dispute/", {"reason": "no"})
        self.assertContains(response, "at least 10 characters", status_code=400)
        self.assertContains(response, 'id="reason-errors"', status_code=400)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)

    def test_the_agent_disputes_with_a_reason(self):
        evaluation = self.submitted()
        self.client.force_login(self.agent_user)
        response = self.client.post(
            f"/evaluations/{evaluation.pk}/dispute/", {"reason": "I did close the call politely."}
        )
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.DISPUTED)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertContains(page, "I did close the call politely.")


class ResolveTests(ScoringPagesBase):
    def disputed(self, *, rescored: bool = True) -> Evaluation:
        """A disputed evaluation; issue 9: routed to qa2, who has re-scored it blind (the same answers)."""
        evaluation = self.submitted()
        services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="I did close the call politely.")
        if rescored:
            rescore_dispute(evaluation, answers_for(self.criteria, WORKED_ANSWERS))
        return evaluation

    def posted_answers(self, evaluation, **changes) -> dict:
        data = {}
        for key, value in {**WORKED_ANSWERS, **changes}.items():
            pk = self.criteria[key].pk
            data[f"c-{pk}"] = str(value)
            data[f"c-{pk}-comment"] = f"note on {key}"
            data[f"c-{pk}-time"] = ""
        return data

    def test_another_auditor_adjusts_and_history_keeps_both_totals(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        page = self.client.get(f"/evaluations/{evaluation.pk}/resolve/")
        self.assertEqual(page.status_code, 200)
        closing = self.criteria["closing"]
        self.assertContains(page, f'id="c-{closing.pk}-0" name="c-{closing.pk}" value="0" checked')
        data = self.posted_answers(evaluation, closing=1)
        data.update({"outcome": "adjusted", "reason": "The recording has a proper closing."})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.status, evaluation.total), (Status.RESOLVED, Decimal("92.5")))
        detail = self.client.get(f"/evaluations/{evaluation.pk}/").content.decode()
        history = detail.split('id="history"')[1]
        self.assertIn("77.5", history)
        self.assertIn("score changed 77.5 → 92.5", history)
        disputes = detail.split('id="disputes"')[1]
        self.assertIn("77.5 → 92.5", disputes)
        self.assertIn("Closing: No → <strong>Yes</strong>", disputes)

    def test_an_upheld_score_stays(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)  # issue 9: the reviewer decides, no longer any manager
        data = self.posted_answers(evaluation)
        data.update({"outcome": "upheld", "reason": "The closing was missing."})
        self.assertRedirects(
            self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data), f"/evaluations/{evaluation.pk}/"
        )
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.status, evaluation.total), (Status.RESOLVED, Decimal("77.5")))

    def test_an_adjustment_that_changes_nothing_is_400(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        data = self.posted_answers(evaluation)
        data.update({"outcome": "adjusted", "reason": "Adjusting."})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertContains(response, "An adjustment changes at least one answer.", status_code=400)

    def test_a_missing_reason_is_400_on_the_field(self):
        evaluation = self.disputed()
        self.client.force_login(self.qa2)
        data = self.posted_answers(evaluation)
        data.update({"outcome": "upheld", "reason": ""})
        response = self.client.post(f"/evaluations/{evaluation.pk}/resolve/", data)
        self.assertContains(response, "This field is required.", status_code=400)

    def test_the_original_evaluator_and_the_agent_cannot_resolve(self):
        evaluation = self.disputed()
        for user in (self.qa, self.agent_user, self.supervisor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/resolve/").status_code, 403, user)
        self.client.force_login(self.other_agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{evaluation.pk}/resolve/").status_code, 404)

    def test_without_an_open_dispute_the_resolve_page_redirects(self):
        evaluation = self.submitted()
        self.client.force_login(self.qa2)
        self.assertRedirects(
            self.client.get(f"/evaluations/{evaluation.pk}/resolve/"), f"/evaluations/{evaluation.pk}/"
        )


# --- lists ------------------------------------------------------------------------------------


class ListTests(ScoringPagesBase):
    def test_my_evaluations_highlights_those_waiting_for_acknowledgement(self):
        waiting = self.submitted()
        self.submitted(call=self.other_call)
        self.client.force_login(self.agent_user)
        response = self.client.get("/evaluations/")
        self.assertContains(response, "My evaluations")
        self.assertContains(response, f"/evaluations/{waiting.pk}/")
        self.assertContains(response, "needs your acknowledgement")
        self.assertContains(response, "1 evaluation needs your acknowledgement.")
        self.assertContains(response, "QA auditor")
        self.assertNotContains(response, "B-1")

    def test_others_filter_by_agent_status_and_kind(self):
        self.submitted()
        self.submitted(call=self.other_call, deliver=False)
        self.client.force_login(self.qa)
        self.assertContains(self.client.get("/evaluations/"), "2 evaluations")
        self.assertContains(self.client.get("/evaluations/", {"agent": "wang"}), "1 evaluation")
        self.assertContains(self.client.get("/evaluations/", {"status": "submitted"}), "Wang Wei")
        self.assertContains(self.client.get("/evaluations/", {"kind": "self"}), "0 evaluations")

    def test_the_list_sorts_by_score(self):
        self.submitted()
        self.submitted(call=self.other_call, values={**WORKED_ANSWERS, "closing": 1})
        self.client.force_login(self.manager)
        high_first = self.client.get("/evaluations/", {"sort": "-score"}).content.decode()
        self.assertLess(high_first.index("92.5"), high_first.index("77.5"))
        low_first = self.client.get("/evaluations/", {"sort": "score"}).content.decode()
        self.assertLess(low_first.index("77.5"), low_first.index("92.5"))

    def test_a_supervisor_lists_own_teams_only(self):
        self.submitted()
        self.submitted(call=self.other_call)
        self.client.force_login(self.supervisor)
        response = self.client.get("/evaluations/")
        self.assertContains(response, "1 evaluation")
        self.assertNotContains(response, "Wang Wei")

    def test_hr_gets_403(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/evaluations/").status_code, 403)


class DisputeListTests(ScoringPagesBase):
    def test_open_disputes_link_to_resolve_except_ones_own(self):
        mine = self.submitted()
        services.evaluation_dispute(evaluation=mine, by=self.agent_user, reason="Please listen again to the closing.")
        theirs = self.submitted(by=self.qa2, call=self.other_call)
        services.evaluation_dispute(evaluation=theirs, by=self.other_agent_user, reason="The customer hung up first.")
        self.client.force_login(self.qa)
        # Issue 9: theirs is routed to qa, who sees it only after the blind re-score.
        self.assertNotContains(self.client.get("/disputes/"), "The customer hung up first.")
        rescore_dispute(theirs)
        response = self.client.get("/disputes/")
        self.assertContains(response, f"/evaluations/{theirs.pk}/resolve/")
        self.assertNotContains(response, f"/evaluations/{mine.pk}/resolve/")
        self.assertContains(response, "You scored this call: someone else resolves it.")
        self.assertContains(response, "The customer hung up first.")

    def test_agents_and_supervisors_have_no_dispute_list(self):
        for user in (self.agent_user, self.supervisor, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/disputes/").status_code, 403)
