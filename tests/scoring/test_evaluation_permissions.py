"""Who may see and do what with evaluations (DESIGN.md §1): every denial, over the API."""

from scoring import services
from scoring.models import Answer, Dispute, Evaluation, Status
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation, rescore_dispute


class ScoringDenialTests(ScoringPersonas):
    def test_an_agent_cannot_score_an_own_call(self):
        response = self.api(self.agent_user).post(self.url(), {"call": self.call.pk, "kind": "regular"}, format="json")
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn("use a self-evaluation", response.data["detail"])
        self.assertFalse(Evaluation.objects.exists())

    def test_an_agent_cannot_score_another_agents_call(self):
        # a call outside your scope does not exist for you: 404 on `call`
        response = self.api(self.agent_user).post(self.url(), {"call": self.other_call.pk}, format="json")
        self.assertEqual(response.status_code, 404, response.data)
        self.assertIn("call", response.data)
        self.assertFalse(Evaluation.objects.exists())

    def test_an_agent_cannot_self_evaluate_another_agents_call(self):
        response = self.api(self.agent_user).post(
            self.url(), {"call": self.other_call.pk, "kind": "self"}, format="json"
        )
        self.assertEqual(response.status_code, 404, response.data)
        self.assertFalse(Evaluation.objects.exists())

    def test_an_agent_cannot_change_the_answers_of_an_own_evaluation(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.api(self.agent_user).patch(
            self.url(evaluation, "answers"), {"answers": self.payload({"closing": 1})}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Answer.objects.get(evaluation=evaluation, criterion=self.cid("closing")).value, 0)

    def test_an_agent_cannot_touch_another_agents_evaluation(self):
        evaluation = make_evaluation(call=self.other_call, by=self.qa, submit=False, values={})
        agent = self.api(self.agent_user)
        for method, step in (("patch", "answers"), ("post", "submit"), ("post", "acknowledge"), ("post", "dispute")):
            response = getattr(agent, method)(self.url(evaluation, step), {}, format="json")
            self.assertEqual(response.status_code, 404, step)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.IN_PROGRESS)

    def test_another_evaluator_cannot_save_the_draft(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        for user in (self.trainer, self.qa2, self.manager):
            response = self.api(user).patch(
                self.url(evaluation, "answers"), {"answers": self.payload({"greeting": 1})}, format="json"
            )
            self.assertEqual(response.status_code, 403, user.username)
            self.assertEqual(response.data["detail"], "Only the evaluator may change this evaluation.")
        self.assertFalse(evaluation.answers.exists())

    def test_another_evaluator_cannot_submit(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False)
        response = self.api(self.qa2).post(self.url(evaluation, "submit"), {}, format="json")
        self.assertEqual(response.status_code, 403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.IN_PROGRESS)

    def test_the_permission_is_checked_before_the_body(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        response = self.api(self.qa2).patch(self.url(evaluation, "answers"), {"answers": "garbage"}, format="json")
        self.assertEqual(response.status_code, 403)

    def test_nobody_evaluates_an_own_call(self):
        auditor = f.UserFactory(username="auditor_agent", roles=["agent", "qa"])
        own = f.CallFactory(agent=f.AgentFactory(team=self.team, user=auditor), line_of_business=self.lob)
        response = self.api(auditor).post(self.url(), {"call": own.pk}, format="json")
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn("own calls", response.data["detail"])
        self.assertFalse(Evaluation.objects.exists())

    def test_a_call_on_a_private_line_cannot_be_evaluated(self):
        f.PrivateLineFactory(line="8001")
        private = f.CallFactory(agent=self.agent, line_of_business=self.lob, line="8001")
        response = self.api(self.qa).post(self.url(), {"call": private.pk}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("private line", response.data["call"][0])
        self.assertFalse(Evaluation.objects.exists())

    def test_a_missing_call_is_a_404_on_the_call_field(self):
        response = self.api(self.qa).post(self.url(), {"call": 999999}, format="json")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(list(response.data), ["call"])

    def test_a_call_whose_line_has_no_scorecard_is_a_400_naming_it(self):
        sales = f.CallFactory(agent=self.agent, line_of_business=f.LineOfBusinessFactory(code="sales"))
        response = self.api(self.qa).post(self.url(), {"call": sales.pk}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("scorecard", response.data)

    def test_calibration_is_not_started_here(self):
        response = self.api(self.qa).post(self.url(), {"call": self.call.pk, "kind": "calibration"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("kind", response.data)


class SupervisorScopeTests(ScoringPersonas):
    def test_a_supervisor_scores_own_teams_calls(self):
        response = self.api(self.supervisor).post(self.url(), {"call": self.call.pk}, format="json")
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual(response.data["evaluator_role"], "supervisor")

    def test_a_supervisor_cannot_start_an_evaluation_of_another_teams_call(self):
        response = self.api(self.other_supervisor).post(self.url(), {"call": self.call.pk}, format="json")
        self.assertEqual(response.status_code, 404, response.data)
        self.assertIn("call", response.data)
        self.assertFalse(Evaluation.objects.exists())

    def test_a_supervisor_cannot_read_another_teams_evaluations(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        client = self.api(self.other_supervisor)
        self.assertEqual(client.get(self.url(evaluation)).status_code, 404)
        self.assertEqual(client.get(self.url()).data["count"], 0)

    def test_a_supervisor_of_another_team_cannot_deliver_feedback(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        response = self.api(self.other_supervisor).post(self.url(evaluation, "deliver-feedback"))
        self.assertEqual(response.status_code, 404)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_a_trainer_who_did_not_evaluate_cannot_deliver_feedback(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        response = self.api(self.trainer).post(self.url(evaluation, "deliver-feedback"))
        self.assertEqual(response.status_code, 403)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_a_supervisor_does_not_see_a_draft_of_own_team(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False)
        self.assertEqual(self.api(self.supervisor).get(self.url(evaluation)).status_code, 404)


class AgentReadTests(ScoringPersonas):
    def test_an_agent_cannot_read_another_agents_evaluation(self):
        evaluation = make_evaluation(call=self.other_call, by=self.qa)
        client = self.api(self.agent_user)
        self.assertEqual(client.get(self.url(evaluation)).status_code, 404)
        self.assertEqual(client.get(self.url()).data["count"], 0)

    def test_an_agent_cannot_read_an_own_evaluation_before_feedback_is_delivered(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        client = self.api(self.agent_user)
        self.assertEqual(client.get(self.url(evaluation)).status_code, 404)
        self.assertEqual(client.get(self.url()).data["count"], 0)

        services.evaluation_deliver_feedback(evaluation=evaluation, by=self.qa)
        self.assertEqual(client.get(self.url(evaluation)).status_code, 200)

    def test_an_agent_cannot_read_a_draft_about_them(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False)
        self.assertEqual(self.api(self.agent_user).get(self.url(evaluation)).status_code, 404)

    def test_another_agent_cannot_dispute_or_acknowledge(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        client = self.api(self.other_agent_user)
        response = client.post(self.url(evaluation, "dispute"), {"reason": "Not my call at all."}, format="json")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(client.post(self.url(evaluation, "acknowledge")).status_code, 404)

    def test_only_the_agent_acknowledges_or_disputes(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        for user in (self.qa, self.supervisor, self.manager):
            client = self.api(user)
            self.assertEqual(client.post(self.url(evaluation, "acknowledge")).status_code, 403, user.username)
            response = client.post(self.url(evaluation, "dispute"), {"reason": "On the agent's behalf."}, format="json")
            self.assertEqual(response.status_code, 403, user.username)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.FEEDBACK_DELIVERED)
        self.assertFalse(Dispute.objects.exists())


class DisputeResolutionDenialTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = make_evaluation(call=cls.call, by=cls.qa)
        services.evaluation_dispute(evaluation=cls.evaluation, by=cls.agent_user, reason="I did close the call.")

    def resolve(self, user):
        return self.api(user).post(
            self.url(self.evaluation, "resolve"), {"outcome": "upheld", "reason": "Heard it."}, format="json"
        )

    def test_the_original_evaluator_cannot_resolve_the_dispute(self):
        response = self.resolve(self.qa)
        self.assertEqual(response.status_code, 403)
        self.assertIn("other than the original evaluator", response.data["detail"])
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DISPUTED)

    def test_supervisors_trainers_and_agents_cannot_resolve(self):
        for user in (self.supervisor, self.trainer, self.agent_user):
            self.assertEqual(self.resolve(user).status_code, 403, user.username)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DISPUTED)

    def test_the_assigned_reviewer_resolves_after_the_blind_re_score(self):
        # Issue 9: the dispute is routed to qa2 (the other QA auditor), who is blind until the
        # re-score is in (404), and then the one who decides (a manager may not: 403).
        self.assertEqual(Dispute.objects.get().reviewer, self.qa2)
        self.assertEqual(self.resolve(self.qa2).status_code, 404)
        rescore_dispute(self.evaluation)
        self.assertEqual(self.resolve(self.manager).status_code, 403)
        self.assertEqual(self.resolve(self.qa2).status_code, 200)


class HRTests(ScoringPersonas):
    def test_hr_gets_403_on_the_evaluations_api(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        client = self.api(self.hr)
        self.assertEqual(client.get(self.url()).status_code, 403)
        self.assertEqual(client.get(self.url(evaluation)).status_code, 403)
        self.assertEqual(client.post(self.url(), {"call": self.call.pk}, format="json").status_code, 403)
        self.assertEqual(client.post(self.url(evaluation, "deliver-feedback")).status_code, 403)

    def test_anonymous_requests_are_refused(self):
        from rest_framework.test import APIClient

        response = APIClient().get(self.url())
        self.assertIn(response.status_code, (401, 403))
