"""The evaluation lifecycle through the API (DESIGN.md §2): the happy path, the dispute path,
the worked examples, and every illegal step refused with the state left as it was."""

from decimal import Decimal

from monitoring.models import AssignmentStatus
from scoring import services
from scoring.formula import NA
from scoring.models import Answer, Dispute, Evaluation, Status
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, answer_inputs, make_evaluation, rescore_dispute


class HappyPathTests(ScoringPersonas):
    def test_start_autosave_submit_deliver_acknowledge(self):
        qa = self.api(self.qa)
        response = qa.post(self.url(), {"call": self.call.pk, "method": "recording"}, format="json")
        self.assertEqual(response.status_code, 201, response.data)
        pk = response.data["id"]
        self.assertEqual(response.data["status"], "in_progress")
        self.assertEqual(response.data["evaluator"], "qa")
        self.assertEqual(response.data["evaluator_role"], "qa")
        self.assertEqual(response.data["version"]["id"], self.version.pk)
        self.assertIsNone(response.data["score"]["total"])

        # Autosave a part: the running total counts only what is answered.
        partial = self.payload({"greeting": 1, "closing": 0}, comment="no closing", time_offset=12.5)
        response = qa.patch(self.url(pk, "answers"), {"answers": partial, "summary": "so far"}, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.assertIsNotNone(response.data["saved_at"])
        self.assertEqual(response.data["score"]["total"], "50.0")
        self.assertEqual(response.data["score"]["weights_counted"], 30)
        self.assertEqual(len(response.data["score"]["unanswered"]), 4)
        answer = Answer.objects.get(evaluation=pk, criterion=self.cid("closing"))
        self.assertEqual((answer.value, answer.comment, answer.time_offset), (0, "no closing", 12.5))

        # The rest, and submit: the feedback reaches the agent at once (the default).
        response = qa.post(self.url(pk, "submit"), {"answers": self.payload(), "summary": "good call"}, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["status"], "feedback_delivered")
        self.assertEqual(response.data["total"], "77.5")
        self.assertEqual(response.data["summary"], "good call")
        self.assertFalse(response.data["feedback_late"])

        # The agent now sees it, and acknowledges.
        agent = self.api(self.agent_user)
        self.assertEqual(agent.get(self.url(pk)).status_code, 200)
        response = agent.post(self.url(pk, "acknowledge"))
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["status"], "acknowledged")
        evaluation = Evaluation.objects.get(pk=pk)
        self.assertEqual(evaluation.status, Status.ACKNOWLEDGED)
        self.assertIsNotNone(evaluation.acknowledged_at)
        self.assertEqual(evaluation.total, Decimal("77.5"))

    def test_submit_without_delivering_then_the_supervisor_delivers(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False)
        response = self.api(self.qa).post(self.url(evaluation, "submit"), {"deliver_feedback": False}, format="json")
        self.assertEqual(response.data["status"], "submitted")
        self.assertIsNone(response.data["feedback_delivered_at"])

        response = self.api(self.supervisor).post(self.url(evaluation, "deliver-feedback"))
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["status"], "feedback_delivered")
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.feedback_delivered_by, self.supervisor)

    def test_autosave_with_only_a_summary_keeps_the_answers(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False)
        response = self.api(self.qa).patch(self.url(evaluation, "answers"), {"summary": "Polite."}, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["score"]["total"], "77.5")
        evaluation.refresh_from_db()
        self.assertEqual((evaluation.summary, evaluation.answers.count()), ("Polite.", 6))

    def test_starting_an_assigned_call_from_the_call_fulfils_the_assignment(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        qa = self.api(self.qa)
        pk = qa.post(self.url(), {"call": self.call.pk}, format="json").data["id"]
        self.assertEqual(Evaluation.objects.get(pk=pk).assignment, assignment)
        qa.post(self.url(pk, "submit"), {"answers": self.payload()}, format="json")
        assignment.refresh_from_db()
        self.assertEqual(assignment.status, AssignmentStatus.DONE)

    def test_starting_twice_returns_the_same_evaluation(self):
        qa = self.api(self.qa)
        first = qa.post(self.url(), {"call": self.call.pk}, format="json")
        second = qa.post(self.url(), {"call": self.call.pk}, format="json")
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertEqual(first.data["id"], second.data["id"])
        self.assertEqual(Evaluation.objects.filter(call=self.call).count(), 1)

    def test_an_agent_self_evaluates_an_own_call(self):
        agent = self.api(self.agent_user)
        response = agent.post(self.url(), {"call": self.call.pk, "kind": "self"}, format="json")
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual((response.data["kind"], response.data["method"]), ("self", "self"))
        response = agent.post(self.url(response.data["id"], "submit"), {"answers": self.payload()}, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual((response.data["status"], response.data["total"]), ("submitted", "77.5"))
        self.assertIsNone(response.data["feedback_due_at"])


class DisputeTests(ScoringPersonas):
    def test_dispute_then_adjusted_by_another_qa(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, values={**WORKED_ANSWERS, "resolved": 0})
        self.assertEqual(evaluation.total, Decimal("57.5"))

        response = self.api(self.agent_user).post(
            self.url(evaluation, "dispute"), {"reason": "The customer's problem was solved."}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual(response.data["status"], "open")
        self.assertEqual(response.data["original_total"], "57.5")
        self.assertEqual(response.data["raised_by"], "agent")

        # Issue 9: the dispute went to qa2, who re-scores blind before deciding.
        self.assertEqual(response.data["reviewer"], "qa2")
        rescore_dispute(evaluation, answer_inputs(self.version, WORKED_ANSWERS))
        response = self.api(self.qa2).post(
            self.url(evaluation, "resolve"),
            {"outcome": "adjusted", "reason": "Listened again: resolved.", "answers": self.payload({"resolved": 1})},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.data["status"], "resolved")
        self.assertEqual(response.data["total"], "77.5")
        [dispute] = response.data["disputes"]
        self.assertEqual(
            (dispute["status"], dispute["resolved_by"], dispute["original_total"], dispute["adjusted_total"]),
            ("adjusted", "qa2", "57.5", "77.5"),
        )

        evaluation.refresh_from_db()
        self.assertEqual((evaluation.status, evaluation.total), (Status.RESOLVED, Decimal("77.5")))
        self.assertEqual(Dispute.objects.get().original_total, Decimal("57.5"))
        totals = set(evaluation.history.values_list("total", flat=True))
        self.assertTrue({Decimal("57.5"), Decimal("77.5")} <= totals, totals)

    def test_dispute_upheld_keeps_the_score(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        # Issue 9: with no other QA auditor to route it to, a manager decides it directly.
        self.qa2.is_active = False
        self.qa2.save(update_fields=["is_active"])
        services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="I did close the call.")
        response = self.api(self.manager).post(
            self.url(evaluation, "resolve"), {"outcome": "upheld", "reason": "No closing heard."}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual((response.data["status"], response.data["total"]), ("resolved", "77.5"))
        self.assertEqual(response.data["disputes"][0]["status"], "upheld")


class WorkedExampleTests(ScoringPersonas):
    """DESIGN.md §2's worked examples, answered and submitted through the API."""

    def submit(self, values: dict) -> dict:
        qa = self.api(self.qa)
        pk = qa.post(self.url(), {"call": self.call.pk}, format="json").data["id"]
        response = qa.post(self.url(pk, "submit"), {"answers": self.payload(values)}, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        return response.data

    def test_the_worked_example_scores_77_5(self):
        data = self.submit(WORKED_ANSWERS)
        self.assertEqual(data["total"], "77.5")
        self.assertFalse(data["critical_failed"])
        self.assertEqual(
            [(s["earned"], s["possible"], s["percent"]) for s in data["score"]["sections"]],
            [("5.0", "10.0", "50.0"), ("7.5", "10.0", "75.0"), ("20.0", "20.0", "100.0")],
        )

    def test_with_empathy_na_too_the_communication_weight_drops_out(self):
        data = self.submit({**WORKED_ANSWERS, "empathy": NA})
        self.assertEqual(data["total"], "78.6")
        communication = data["score"]["sections"][1]
        self.assertFalse(communication["counted"])
        self.assertEqual(communication["na_points"], 20)
        self.assertEqual(data["score"]["weights_counted"], 70)

    def test_correct_information_no_zeroes_the_score(self):
        data = self.submit({**WORKED_ANSWERS, "correct_information": 0})
        self.assertEqual(data["total"], "0.0")
        self.assertTrue(data["critical_failed"])
        self.assertTrue(data["score"]["critical_zeroed"])
        self.assertEqual(data["score"]["raw_total"], "57.5")
        self.assertEqual(data["score"]["failed_critical"], [self.cid("correct_information")])


class IllegalStepTests(ScoringPersonas):
    """Each step the state does not allow is refused with a reason, and nothing changes."""

    def assertRefused(self, response, status_code: int, evaluation: Evaluation, *fields: str):
        """`response` is a refusal and `evaluation` (as the caller last read it) did not change."""
        self.assertEqual(response.status_code, status_code, response.data)
        before = {name: getattr(evaluation, name) for name in ("status", "total", "submitted_at", *fields)}
        evaluation.refresh_from_db()
        self.assertEqual({name: getattr(evaluation, name) for name in before}, before)

    def test_it_refuses_a_second_submit(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.api(self.qa).post(self.url(evaluation, "submit"), {}, format="json")
        self.assertRefused(response, 409, evaluation)
        self.assertIn("already", response.data["detail"])

    def test_it_refuses_a_draft_save_after_submit(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.api(self.qa).patch(
            self.url(evaluation, "answers"), {"answers": self.payload({"closing": 1})}, format="json"
        )
        self.assertRefused(response, 409, evaluation)
        self.assertIn("no longer", response.data["detail"])
        self.assertEqual(Answer.objects.get(evaluation=evaluation, criterion=self.cid("closing")).value, 0)

    def test_it_refuses_acknowledging_before_feedback_is_delivered(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, deliver_feedback=False)
        # The agent cannot see the evaluation yet, so over the API it does not exist for them…
        response = self.api(self.agent_user).post(self.url(evaluation, "acknowledge"))
        self.assertRefused(response, 404, evaluation, "acknowledged_at")
        # …and the step itself is illegal in this state, whoever asks (the service's rule).
        with self.assertRaises(services.IllegalTransition):
            services.evaluation_acknowledge(evaluation=evaluation, by=self.agent_user)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)

    def test_it_refuses_acknowledging_twice(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        services.evaluation_acknowledge(evaluation=evaluation, by=self.agent_user)
        evaluation.refresh_from_db()
        response = self.api(self.agent_user).post(self.url(evaluation, "acknowledge"))
        self.assertRefused(response, 409, evaluation, "acknowledged_at")
        self.assertIn("Only delivered feedback", response.data["detail"])

    def test_it_refuses_a_dispute_after_acknowledging(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        services.evaluation_acknowledge(evaluation=evaluation, by=self.agent_user)
        evaluation.refresh_from_db()
        response = self.api(self.agent_user).post(
            self.url(evaluation, "dispute"), {"reason": "I changed my mind about it."}, format="json"
        )
        self.assertRefused(response, 409, evaluation, "disputed_at")
        self.assertFalse(Dispute.objects.exists())

    def test_it_refuses_resolving_an_evaluation_that_is_not_disputed(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.api(self.qa2).post(
            self.url(evaluation, "resolve"), {"outcome": "upheld", "reason": "Nothing to do."}, format="json"
        )
        self.assertRefused(response, 409, evaluation, "resolved_at")
        self.assertIn("disputed", response.data["detail"])

    def test_it_refuses_delivering_feedback_twice(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        response = self.api(self.qa).post(self.url(evaluation, "deliver-feedback"))
        self.assertRefused(response, 409, evaluation, "feedback_delivered_at")

    def test_it_refuses_a_dispute_without_a_reason(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        for body in ({}, {"reason": "  "}, {"reason": "unfair"}):
            response = self.api(self.agent_user).post(self.url(evaluation, "dispute"), body, format="json")
            self.assertRefused(response, 400, evaluation, "disputed_at")
            self.assertIn("reason", response.data)
        self.assertFalse(Dispute.objects.exists())

    def test_it_refuses_a_submit_with_an_unanswered_criterion(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        answers = self.payload({k: v for k, v in WORKED_ANSWERS.items() if k != "greeting"})
        response = self.api(self.qa).post(self.url(evaluation, "submit"), {"answers": answers}, format="json")
        self.assertRefused(response, 409, evaluation)
        self.assertEqual(response.data[f"criterion.{self.cid('greeting')}"], ["'Greeting' is not answered."])
        self.assertEqual(set(response.data), {"detail", f"criterion.{self.cid('greeting')}"})
        self.assertEqual(evaluation.status, Status.IN_PROGRESS)
        self.assertFalse(evaluation.answers.exists())  # the submit wrote nothing

    def test_it_refuses_an_answer_out_of_range(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={"empathy": 2})
        for value in (5, -1):
            response = self.api(self.qa).patch(
                self.url(evaluation, "answers"), {"answers": self.payload({"empathy": value})}, format="json"
            )
            self.assertRefused(response, 400, evaluation, "draft_saved_at")
            self.assertIn(f"criterion.{self.cid('empathy')}", response.data)
        self.assertEqual(evaluation.answers.get().value, 2)

    def test_it_refuses_na_where_the_criterion_does_not_allow_it(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        response = self.api(self.qa).patch(
            self.url(evaluation, "answers"), {"answers": self.payload({"greeting": NA})}, format="json"
        )
        self.assertRefused(response, 400, evaluation, "draft_saved_at")
        self.assertEqual(response.data[f"criterion.{self.cid('greeting')}"], ["N/A is not allowed for this criterion"])
        self.assertFalse(evaluation.answers.exists())

    def test_it_refuses_answers_that_are_not_a_list(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        response = self.api(self.qa).patch(self.url(evaluation, "answers"), {"answers": "yes"}, format="json")
        self.assertRefused(response, 400, evaluation)
        self.assertIn("answers", response.data)

    def test_a_criterion_of_another_scorecard_is_a_404_naming_it(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={})
        response = self.api(self.qa).patch(
            self.url(evaluation, "answers"), {"answers": [{"criterion": 999999, "value": 1}]}, format="json"
        )
        self.assertRefused(response, 404, evaluation)
        self.assertEqual(response.data, {"criterion.999999": ["Not a criterion of this scorecard."]})
