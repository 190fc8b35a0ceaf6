"""GET /api/v1/evaluations/: scoped, filterable, ordered, paged; the detail explains its score
and costs a fixed number of queries whatever the size of the scorecard."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring import formula, services
from scoring.formula import NA
from scoring.models import Evaluation
from scoring.serializers import explain
from tests import factories as f
from tests.scoring.factories import (
    WORKED_ANSWERS,
    ScoringPersonas,
    criteria,
    flat_structure,
    make_evaluation,
    make_scorecard_version,
)


class ListTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.second_call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, external_id="A-2")
        # Agent E1: delivered by qa (77.5); submitted, not yet delivered, by the trainer (0.0); a self-evaluation.
        cls.delivered = make_evaluation(call=cls.call, by=cls.qa)
        cls.undelivered = make_evaluation(
            call=cls.second_call,
            by=cls.trainer,
            values={**WORKED_ANSWERS, "correct_information": 0},
            deliver_feedback=False,
        )
        cls.self_eval = make_evaluation(call=cls.call, by=cls.agent_user, kind="self")
        # Agent E2: delivered by qa (57.5); a draft by qa2 of another call (a call has one regular evaluation).
        cls.other_delivered = make_evaluation(call=cls.other_call, by=cls.qa, values={**WORKED_ANSWERS, "resolved": 0})
        other_second_call = f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, external_id="B-2")
        cls.other_draft = make_evaluation(call=other_second_call, by=cls.qa2, submit=False)

        base = timezone.now() - dt.timedelta(days=10)
        for days, evaluation in enumerate((cls.delivered, cls.undelivered, cls.self_eval, cls.other_delivered)):
            Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=base + dt.timedelta(days=days))

    def ids(self, user, query: str = "") -> list[int]:
        response = self.api(user).get(self.url() + query)
        self.assertEqual(response.status_code, 200, response.data)
        return [row["id"] for row in response.data["results"]]

    def test_center_wide_roles_see_everything(self):
        everything = {e.pk for e in Evaluation.objects.all()}
        for user in (self.manager, self.qa, self.trainer):
            self.assertEqual(set(self.ids(user)), everything, user.username)

    def test_an_agent_lists_own_delivered_evaluations_and_self_evaluations(self):
        self.assertEqual(set(self.ids(self.agent_user)), {self.delivered.pk, self.self_eval.pk})
        self.assertEqual(set(self.ids(self.other_agent_user)), {self.other_delivered.pk})

    def test_a_supervisor_lists_own_teams_scored_regular_evaluations(self):
        self.assertEqual(set(self.ids(self.supervisor)), {self.delivered.pk, self.undelivered.pk})
        self.assertEqual(set(self.ids(self.other_supervisor)), {self.other_delivered.pk})

    def test_filters(self):
        cases = {
            "?agent=E2": {self.other_delivered.pk, self.other_draft.pk},
            "?status=submitted": {self.undelivered.pk, self.self_eval.pk},
            "?status=submitted&kind=regular": {self.undelivered.pk},
            "?kind=self": {self.self_eval.pk},
            "?evaluator=qa2": {self.other_draft.pk},
            f"?call={self.second_call.pk}": {self.undelivered.pk},
            "?critical_failed=true": {self.undelivered.pk},
            f"?team={self.other_team.pk}&status=feedback_delivered": {self.other_delivered.pk},
        }
        for query, expected in cases.items():
            self.assertEqual(set(self.ids(self.manager, query)), expected, query)

    def test_submitted_after_and_before(self):
        moments = {e.pk: Evaluation.objects.get(pk=e.pk).submitted_at for e in (self.undelivered, self.self_eval)}
        start, end = moments[self.undelivered.pk], moments[self.self_eval.pk]
        query = f"?submitted_after={start.isoformat()}&submitted_before={end.isoformat()}".replace("+", "%2B")
        self.assertEqual(self.ids(self.manager, query), [self.undelivered.pk])

    def test_ordering_by_total(self):
        query = "?status=feedback_delivered&ordering=total"
        self.assertEqual(self.ids(self.manager, query), [self.other_delivered.pk, self.delivered.pk])
        self.assertEqual(
            self.ids(self.manager, query.replace("total", "-total")), [self.delivered.pk, self.other_delivered.pk]
        )

    def test_it_is_paged(self):
        response = self.api(self.manager).get(self.url())
        self.assertEqual(response.data["count"], 5)
        self.assertIsNone(response.data["next"])
        self.assertEqual(self.api(self.manager).get(self.url() + "?page=2").status_code, 404)

    def test_a_bad_filter_value_is_a_400(self):
        response = self.api(self.manager).get(self.url() + "?status=lost")
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.data)

    def test_a_row_carries_what_a_table_shows(self):
        [row] = self.api(self.agent_user).get(self.url() + "?kind=regular").data["results"]
        self.assertEqual(
            row["call"],
            {
                "id": self.call.pk,
                "external_id": "A-1",
                "agent": "E1",
                "line_of_business": "billing",
                "start_time": row["call"]["start_time"],
            },
        )
        self.assertEqual(row["agent"], {"id": self.agent.pk, "employee_id": "E1", "name": "Li Na"})
        self.assertEqual(row["version"]["scorecard"], "Billing QA")
        self.assertEqual((row["total"], row["status"], row["evaluator"]), ("77.5", "feedback_delivered", "qa"))
        self.assertNotIn("answers", row)


class DetailTests(ScoringPersonas):
    def test_the_detail_explains_the_score(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        data = self.api(self.manager).get(self.url(evaluation)).data
        self.assertEqual(data["total"], "77.5")
        score = data["score"]
        self.assertEqual(
            {
                k: score[k]
                for k in ("total", "raw_total", "critical_failed", "critical_zeroed", "weights_counted", "weights_all")
            },
            {
                "total": "77.5",
                "raw_total": "77.5",
                "critical_failed": False,
                "critical_zeroed": False,
                "weights_counted": 100,
                "weights_all": 100,
            },
        )
        self.assertEqual((score["failed_critical"], score["unanswered"]), ([], []))
        etiquette, communication, resolution = score["sections"]
        self.assertEqual(
            etiquette,
            {
                "id": etiquette["id"],
                "title": "Etiquette",
                "weight": 30,
                "earned": "5.0",
                "possible": "10.0",
                "percent": "50.0",
                "counted": True,
                "na_criteria": [],
                "na_points": 0,
                "bonus": False,
                "hidden": [],
                "failed_by": [],
                "excused": [],
            },
        )
        # Clarity was N/A: its 10 points left the section, which still counts on empathy alone.
        self.assertEqual(
            (communication["earned"], communication["possible"], communication["percent"]), ("7.5", "10.0", "75.0")
        )
        self.assertEqual((communication["na_criteria"], communication["na_points"]), ([self.cid("clarity")], 10))
        self.assertEqual(resolution["percent"], "100.0")

    def test_a_section_left_with_only_na_is_not_counted(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, values={**WORKED_ANSWERS, "empathy": NA})
        score = self.api(self.qa).get(self.url(evaluation)).data["score"]
        communication = score["sections"][1]
        self.assertEqual(
            (communication["counted"], communication["percent"], communication["possible"]), (False, None, "0.0")
        )
        self.assertEqual(sorted(communication["na_criteria"]), sorted([self.cid("empathy"), self.cid("clarity")]))
        self.assertEqual((score["weights_counted"], score["weights_all"], score["total"]), (70, 100, "78.6"))

    def test_the_detail_lists_answers_and_disputes(self):
        evaluation = make_evaluation(call=self.call, by=self.qa)
        services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="I did say goodbye.")
        data = self.api(self.agent_user).get(self.url(evaluation)).data
        answers = {a["criterion"]: a for a in data["answers"]}
        self.assertEqual(
            answers[self.cid("clarity")],
            {
                "criterion": self.cid("clarity"),
                "value": None,
                "na": True,
                "comment": "",
                "time_offset": None,
                "root_cause": None,
                "auto_value": None,
                "auto_source": "",
            },
        )
        self.assertEqual(answers[self.cid("empathy")]["value"], 3)
        [dispute] = data["disputes"]
        self.assertEqual(
            (dispute["status"], dispute["reason"], dispute["original_total"], dispute["resolved_by"]),
            ("open", "I did say goodbye.", "77.5", None),
        )
        self.assertEqual(data["status"], "disputed")
        self.assertIsNotNone(data["disputed_at"])

    def test_a_draft_shows_the_running_score(self):
        evaluation = make_evaluation(call=self.call, by=self.qa, submit=False, values={"greeting": 1})
        data = self.api(self.qa).get(self.url(evaluation)).data
        self.assertIsNone(data["total"])
        self.assertEqual(data["score"]["total"], "100.0")
        self.assertEqual(len(data["score"]["unanswered"]), 5)

    def test_explain_rounds_fractions_to_one_decimal(self):
        version = make_scorecard_version(
            structure={
                "sections": [
                    {
                        "title": "S",
                        "weight": 100,
                        "criteria": [{"text": "Thirds", "kind": "scale", "scale_max": 3, "points": 10}],
                    }
                ]
            }
        )
        result = formula.compute(version.specs(), {criteria(version)["thirds"].pk: 1})
        block = explain(result)
        self.assertEqual((block["sections"][0]["earned"], block["total"]), ("3.3", "33.3"))

    def test_query_count_does_not_grow_with_the_scorecard(self):
        def detail_queries(n_criteria: int, call) -> int:
            version = make_scorecard_version(structure=flat_structure(n_criteria))
            values = {key: 1 for key in criteria(version)}
            evaluation = make_evaluation(call=call, by=self.qa, version=version, values=values)
            self.assertEqual(evaluation.total, Decimal("100.0"))
            services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="Counting queries here.")
            # A fresh user object each time: roles are cached on it after its first request.
            client = self.api(get_user_model().objects.get(pk=self.manager.pk))
            with CaptureQueriesContext(connection) as queries:
                response = client.get(self.url(evaluation))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(len(response.data["answers"]), n_criteria)
            return len(queries)

        small = detail_queries(3, self.call)
        large = detail_queries(15, f.CallFactory(agent=self.agent, line_of_business=self.lob))
        self.assertEqual(small, large)
        self.assertLessEqual(small, 12)


class SchemaTests(ScoringPersonas):
    def test_the_openapi_schema_documents_every_evaluation_endpoint(self):
        self.client.force_login(self.qa)  # the schema needs a logged-in user (API_DOCS_PUBLIC off)
        response = self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        paths = schema["paths"]
        expected = {
            "/api/v1/evaluations/": ({"get", "post"}, None),
            "/api/v1/evaluations/{id}/": ({"get"}, None),
            "/api/v1/evaluations/{id}/answers/": ({"patch"}, "PatchedDraftInput"),
            "/api/v1/evaluations/{id}/submit/": ({"post"}, "SubmitInput"),
            "/api/v1/evaluations/{id}/deliver-feedback/": ({"post"}, None),
            "/api/v1/evaluations/{id}/acknowledge/": ({"post"}, None),
            "/api/v1/evaluations/{id}/dispute/": ({"post"}, "DisputeInput"),
            "/api/v1/evaluations/{id}/resolve/": ({"post"}, "ResolveInput"),
        }
        for path, (methods, request_component) in expected.items():
            self.assertEqual(set(paths[path]) & {"get", "post", "patch", "put", "delete"}, methods, path)
            for method in methods:
                operation = paths[path][method]
                self.assertTrue(operation["responses"], path)
                if request_component:
                    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    # COMPONENT_SPLIT_REQUEST: request bodies have components of their own.
                    self.assertTrue(ref.endswith(f"/{request_component}Request"), (path, ref))
        submit_ok = paths["/api/v1/evaluations/{id}/submit/"]["post"]["responses"]["200"]
        self.assertTrue(submit_ok["content"]["application/json"]["schema"]["$ref"].endswith("/EvaluationDetail"))
        detail = schema["components"]["schemas"]["EvaluationDetail"]["properties"]
        self.assertIn("score", detail)
        self.assertIn("sections", schema["components"]["schemas"]["Explain"]["properties"])
