"""The evaluation page's feedback and acknowledge forms answered in place (htmx): the actions
panel alone, with the outcome inside it and the status tag out of band; a refusal keeps its
status and is marked with HX-Reswap for static/js/common.js to swap. Without htmx the same
forms still redirect (tests/scoring/test_lifecycle_pages.py)."""

from __future__ import annotations

from scoring.models import Status
from tests.scoring.factories import ScoringPersonas, make_evaluation

HTMX = {"HTTP_HX_REQUEST": "true"}
PANEL = "scoring/_evaluation_actions.html"
OOB_TAG = 'id="status-tag" hx-swap-oob="true"'


class EvaluationHtmxTests(ScoringPersonas):
    def post(self, user, evaluation, step, **headers):
        self.client.force_login(user)
        return self.client.post(f"/evaluations/{evaluation.pk}/{step}/", **headers)

    def test_the_agent_acknowledges_in_place(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.post(self.agent_user, evaluation, "acknowledge", **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, PANEL)
        self.assertTemplateNotUsed(response, "scoring/evaluation_detail.html")
        self.assertNotIn("<html", response.content.decode())
        self.assertContains(response, f"{OOB_TAG}>Acknowledged</span>")
        self.assertContains(response, "Thank you: you acknowledged this evaluation.")
        self.assertNotContains(response, f'hx-post="/evaluations/{evaluation.pk}/acknowledge/"')
        self.assertFalse(response.has_header("HX-Reswap"))
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.ACKNOWLEDGED)
        self.assertIsNotNone(evaluation.acknowledged_at)

    def test_the_message_of_an_in_place_step_is_not_shown_again_on_the_next_page(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        self.post(self.agent_user, evaluation, "acknowledge", **HTMX)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertNotContains(page, "you acknowledged this evaluation")

    def test_someone_else_acknowledging_is_refused_in_place(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.post(self.supervisor, evaluation, "acknowledge", **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertTemplateUsed(response, PANEL)
        self.assertContains(response, "Only the evaluated agent may do this.", status_code=403)
        self.assertContains(response, 'role="alert"', status_code=403)
        self.assertContains(response, f"{OOB_TAG}>Feedback delivered</span>", status_code=403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)
        self.assertIsNone(evaluation.acknowledged_at)
        self.assertNotContains(self.client.get(f"/evaluations/{evaluation.pk}/"), "Only the evaluated agent")

    def test_a_second_acknowledgement_is_a_conflict_shown_with_the_real_status(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        self.post(self.agent_user, evaluation, "acknowledge", **HTMX)
        response = self.post(self.agent_user, evaluation, "acknowledge", **HTMX)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertContains(response, "Only delivered feedback can be acknowledged", status_code=409)
        self.assertContains(response, f"{OOB_TAG}>Acknowledged</span>", status_code=409)

    def test_an_agent_who_may_not_see_the_evaluation_gets_a_404_that_is_not_swapped(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.post(self.other_agent_user, evaluation, "acknowledge", **HTMX)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(response.has_header("HX-Reswap"))
        self.assertNotContains(response, "Li Na", status_code=404)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)

    def test_the_evaluator_delivers_feedback_in_place(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        response = self.post(self.qa, evaluation, "feedback", **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, PANEL)
        self.assertContains(response, f"{OOB_TAG}>Feedback delivered</span>")
        self.assertContains(response, "Feedback recorded as delivered to the agent.")
        self.assertNotContains(response, "Record feedback as delivered")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)
        self.assertEqual(evaluation.feedback_delivered_by, self.qa)

    def test_a_trainer_delivering_feedback_is_refused_in_place(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        response = self.post(self.trainer, evaluation, "feedback", **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertContains(response, "Only the evaluator, the agent", status_code=403)
        self.assertContains(response, f"{OOB_TAG}>Submitted</span>", status_code=403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_the_page_offers_the_forms_to_htmx_and_without_it_they_still_redirect(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        self.client.force_login(self.agent_user)
        page = self.client.get(f"/evaluations/{evaluation.pk}/")
        self.assertTemplateUsed(page, PANEL)
        self.assertContains(
            page, f'hx-post="/evaluations/{evaluation.pk}/acknowledge/" hx-target="#evaluation-actions"'
        )
        self.assertContains(page, 'id="status-tag">Feedback delivered</span>')
        self.assertNotContains(page, "hx-swap-oob")
        response = self.post(self.agent_user, evaluation, "acknowledge")
        self.assertRedirects(response, f"/evaluations/{evaluation.pk}/")
        self.assertFalse(response.has_header("HX-Reswap"))
