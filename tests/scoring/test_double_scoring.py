"""A double-scoring assignment is a reliability check: it never reaches the agent and never
counts toward their performance."""

from monitoring.models import AssignmentStatus
from scoring import services
from scoring.models import Kind, Status
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, answer_inputs


class DoubleScoringTests(ScoringPersonas):
    def test_the_second_score_is_a_calibration_that_the_agent_never_sees(self):
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        evaluation = services.evaluation_start_from_assignment(assignment=assignment, by=self.qa2)
        self.assertEqual(evaluation.kind, Kind.CALIBRATION)
        services.evaluation_submit(
            evaluation=evaluation, by=self.qa2, answers=answer_inputs(self.version, WORKED_ANSWERS)
        )
        evaluation.refresh_from_db()
        assignment.refresh_from_db()
        self.assertEqual(evaluation.status, Status.SUBMITTED)  # no feedback step for a calibration
        self.assertIsNone(evaluation.feedback_delivered_at)
        self.assertEqual(assignment.status, AssignmentStatus.DONE)
        self.assertEqual(self.api(self.agent_user).get(self.url(evaluation)).status_code, 404)


class BlindScoringTests(ScoringPersonas):
    def test_a_second_scorer_does_not_see_the_first_score_until_done(self):
        first = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        services.evaluation_submit(evaluation=first, by=self.qa, answers=answer_inputs(self.version, WORKED_ANSWERS))
        assignment = f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        api = self.api(self.qa2)
        self.assertEqual(api.get(self.url(first)).status_code, 404)
        self.assertEqual(api.get("/api/v1/evaluations/", {"call": self.call.pk}).json()["count"], 0)
        second = services.evaluation_start_from_assignment(assignment=assignment, by=self.qa2)
        services.evaluation_submit(evaluation=second, by=self.qa2, answers=answer_inputs(self.version, WORKED_ANSWERS))
        self.assertEqual(api.get(self.url(first)).status_code, 200)
