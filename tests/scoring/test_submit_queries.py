"""Submit and autosave run a constant number of queries whatever the number of criteria (issue
14): answers and their history rows are written in bulk, and the history still names who."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.models import Answer
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, criteria, flat_structure, make_scorecard_version


class SubmitQueryTests(ScoringPersonas):
    def run_step(self, n_criteria: int, step: str) -> tuple[int, object]:
        version = make_scorecard_version(structure=flat_structure(n_criteria))
        call = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        evaluation = services.evaluation_start(call=call, by=self.qa, version=version)
        payload = [{"criterion": c.pk, "value": 1, "comment": "ok"} for c in criteria(version).values()]
        client = self.api(get_user_model().objects.get(pk=self.qa.pk))  # roles not cached yet
        with CaptureQueriesContext(connection) as queries:
            if step == "submit":
                response = client.post(
                    f"/api/v1/evaluations/{evaluation.pk}/submit/", {"answers": payload}, format="json"
                )
            else:
                response = client.patch(
                    f"/api/v1/evaluations/{evaluation.pk}/answers/", {"answers": payload}, format="json"
                )
        self.assertEqual(response.status_code, 200, response.content)
        return len(queries), evaluation

    def test_submit_queries_do_not_grow_with_the_scorecard(self):
        small, _ = self.run_step(3, "submit")
        large, evaluation = self.run_step(15, "submit")
        self.assertEqual(small, large)
        self.assertLessEqual(large, 24)
        answers = Answer.objects.filter(evaluation=evaluation)
        self.assertEqual(answers.count(), 15)
        history = Answer.history.filter(evaluation_id=evaluation.pk)
        self.assertEqual(history.count(), 15)
        self.assertEqual({h.history_user_id for h in history}, {self.qa.pk})

    def test_autosave_queries_do_not_grow_and_a_change_is_historied_once(self):
        small, _ = self.run_step(3, "draft")
        large, evaluation = self.run_step(15, "draft")
        self.assertEqual(small, large)
        first = Answer.objects.filter(evaluation=evaluation).order_by("criterion_id").first()
        services.evaluation_save_draft(
            evaluation=evaluation,
            by=self.qa,
            answers=[services.AnswerInput(first.criterion_id, 0, comment="changed my mind")],
        )
        first.refresh_from_db()
        self.assertEqual((first.value, first.comment), (0, "changed my mind"))
        self.assertEqual(first.history.count(), 2)
        self.assertEqual(first.history.first().history_type, "~")
