"""The OpenAPI schema says what the API really answers (qa_platform/schema.py, qa_platform/filters.py):
each operation's refusals, its parameters' bounds, ids in URLs that are digits; and the API keeps
to it where a fuzzer found it did not (tests/integration/test_schemathesis.py runs the fuzzer)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase
from rest_framework.test import APIClient

from monitoring.models import Assignment, Call
from tests import factories as f
from tests.personas import Personas

METHODS = ("get", "put", "patch", "post", "delete")


def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


class SchemaTests(TestCase):
    def test_it_is_valid_openapi_without_a_warning(self):
        out = io.StringIO()
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stderr=out, stdout=out)

    def test_every_operation_documents_its_refusals(self):
        for path, method, operation in operations(schema()):
            responses = operation["responses"]
            label = f"{method.upper()} {path}"
            if operation.get("security") and {} not in operation["security"]:
                self.assertIn("403", responses, label)
            if "{" in path:
                self.assertIn("404", responses, label)
            if "requestBody" in operation:
                self.assertIn("400", responses, label)
                self.assertIn("415", responses, label)
                # a body that is not JSON at all is DRF's {"detail": …}, whatever the view's own 400 is
                shapes = responses["400"]["content"]["application/json"]["schema"]["anyOf"]
                self.assertIn({"$ref": "#/components/schemas/Error"}, shapes, label)
            for status, answer in responses.items():
                if status >= "400":
                    self.assertIn("content", answer, f"{label} {status}")

    def test_json_bodies_are_documented_as_json_only(self):
        for path, method, operation in operations(schema()):
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                self.assertEqual(set(content), {"application/json"}, f"{method} {path}")

    def test_ids_in_paths_are_integers(self):
        for path, _method, operation in operations(schema()):
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in ("id", "agent_id"):
                    self.assertEqual(parameter["schema"]["type"], "integer", path)

    def test_filters_say_their_types_and_bounds(self):
        parameters = {
            p["name"]: p for p in schema()["paths"]["/api/v1/calls/"]["get"]["parameters"] if p["in"] == "query"
        }
        self.assertEqual(parameters["team"]["schema"]["type"], "integer")
        self.assertEqual(parameters["team"]["schema"]["minimum"], 1)
        self.assertEqual(parameters["has_recording"]["schema"]["type"], "boolean")
        self.assertTrue(all(p["allowEmptyValue"] for p in parameters.values()))

    def test_a_required_text_field_must_hold_more_than_whitespace(self):
        reassign = schema()["components"]["schemas"]["ReassignInputRequest"]["properties"]["to"]
        self.assertEqual(reassign["minLength"], 1)
        self.assertIn("pattern", reassign)

    def test_list_bodies_say_how_long_they_may_be(self):
        body = schema()["paths"]["/api/v1/performance/components/values/"]["post"]["requestBody"]
        array = body["content"]["application/json"]["schema"]
        self.assertEqual((array["minItems"], array["maxItems"]), (1, 20_000))


class RefusalTests(Personas):
    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.manager)

    def test_an_id_that_is_not_a_number_is_a_json_404_not_a_500(self):
        for method, url in (
            ("post", "/api/v1/scorecard-versions/null%2Cnull/publish/"),
            ("get", "/api/v1/evaluations/0.5/"),
            ("post", "/api/v1/assignments/null,null/reassign/"),
            ("get", "/api/v1/calls/true/recording/"),
            ("get", "/api/v1/no-such-thing/"),
        ):
            response = getattr(self.api, method)(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertEqual(response["Content-Type"], "application/json", url)
            self.assertIn("detail", response.json(), url)

    def test_a_page_under_an_unknown_url_is_still_the_page_404(self):
        self.client.force_login(self.manager)
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("text/html", response["Content-Type"])

    def test_a_boolean_filter_refuses_what_is_not_true_or_false(self):
        self.assertEqual(self.api.get("/api/v1/lines-of-business/", {"active": "banana"}).status_code, 400)
        self.assertEqual(self.api.get("/api/v1/lines-of-business/", {"active": "true"}).status_code, 200)
        self.assertEqual(self.api.get("/api/v1/calls/", {"has_recording": "maybe"}).status_code, 400)

    def test_an_id_filter_naming_nothing_lists_nothing(self):
        response = self.api.get("/api/v1/teams/", {"site": 999_999})
        self.assertEqual((response.status_code, response.json()["count"]), (200, 0))
        self.assertEqual(self.api.get("/api/v1/teams/", {"site": "x"}).status_code, 400)
        self.assertEqual(self.api.get("/api/v1/teams/", {"site": ""}).status_code, 200)

    def test_a_far_time_zone_offset_in_a_filter_is_compared_not_a_500(self):
        for value in ("0713-03-22T19:52:17-20:17", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"):
            self.assertEqual(self.api.get("/api/v1/calls/", {"start_after": value}).status_code, 200, value)

    def test_reassigning_to_a_user_that_does_not_exist_is_a_404_on_to(self):
        work = f.AssignmentFactory(call=self.call, evaluator=self.qa)
        response = self.api.post(f"/api/v1/assignments/{work.pk}/reassign/", {"to": "ghost"}, format="json")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"to": ["There is no user ghost."]})
        self.assertEqual(Assignment.objects.get(pk=work.pk).evaluator, self.qa)

    def test_a_call_start_with_an_offset_postgresql_has_no_zone_for_is_stored_as_its_instant(self):
        row = {
            "external_id": "TZ-1",
            "agent": "E1",
            "line_of_business": "billing",
            "direction": "inbound",
            "start_time": "2026-11-20T09:30:00+23:59",
            "talk_seconds": 60,
        }
        response = self.api.post("/api/v1/calls/bulk/", [row], format="json")
        self.assertEqual(response.status_code, 200, response.content)
        start = Call.objects.get(external_id="TZ-1").start_time
        self.assertEqual(start.isoformat(), "2026-11-19T09:31:00+00:00")

    def test_a_body_that_is_not_json_is_a_400_with_a_detail(self):
        response = self.api.post("/api/v1/scorecards/", data="{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("detail", response.json())
