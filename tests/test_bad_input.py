"""Input a person (or an integration) can get wrong gets a 4xx naming the field, never a 500."""

import io

from rest_framework.test import APIClient

from monitoring.models import Call
from monitoring.services import CallImportError, calls_import_csv
from scoring import services as scoring_services
from tests.personas import Personas
from tests.scoring.factories import ScoringPersonas


def row(**over):
    data = {
        "external_id": "BAD-1",
        "agent": "E1",
        "line_of_business": "billing",
        "direction": "inbound",
        "start_time": "2026-11-16T09:15:00+08:00",
        "talk_seconds": 300,
    }
    data.update(over)
    return data


class IngestTests(Personas):
    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.manager)

    def post(self, **over):
        return self.api.post("/api/v1/calls/bulk/", [row(**over)], format="json")

    def fields(self, response):
        return {e["field"] for e in response.json()["errors"]}

    def test_implausible_dates_are_refused(self):
        for value in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00"):
            response = self.post(start_time=value)
            self.assertEqual(response.status_code, 400, value)
            self.assertEqual(self.fields(response), {"start_time"})

    def test_transcript_times_must_be_finite(self):
        for bad in ("nan", "1e400", -1):
            response = self.post(transcript=[{"start": bad, "text": "hello"}])
            self.assertEqual(response.status_code, 400, bad)
            self.assertEqual(self.fields(response), {"transcript"})

    def test_control_characters_in_ids_are_refused(self):
        response = self.post(external_id="A\nB")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.fields(response), {"external_id"})
        self.assertFalse(Call.objects.filter(external_id__contains="A").exclude(external_id="A-1").exists())

    def test_a_long_transcript_cell_imports(self):
        long_text = "x" * 200_000
        header = "external_id,agent,line_of_business,direction,start_time,talk_seconds,transcript\n"
        body = f'T-1,E1,billing,inbound,2026-11-16T09:00:00+08:00,120,"[{{""start"": 0, ""text"": ""{long_text}""}}]"\n'
        result = calls_import_csv(stream=io.StringIO(header + body))
        self.assertEqual(result.created, 1)

    def test_broken_csv_names_the_line(self):
        with self.assertRaises(CallImportError) as ctx:
            calls_import_csv(stream=io.StringIO("external_id,agent\n\"unterminated\0\n"))
        self.assertTrue(ctx.exception.errors)

    def test_huge_ids_in_filters_are_4xx_or_empty(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/calls/", {"team": "99999999999999999999"}).status_code, 400)
        self.assertEqual(self.client.get("/agents/", {"team": "99999999999999999999"}).status_code, 200)
        self.assertEqual(self.api.get("/api/v1/calls/", {"team": "99999999999999999999"}).status_code, 400)


class ScoringInputTests(ScoringPersonas):
    def test_an_infinite_mark_time_is_refused(self):
        evaluation = scoring_services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        api = self.api(self.qa)
        for bad in ("inf", "nan", -3, 10**9):
            response = api.patch(
                self.url(evaluation, "answers"),
                {"answers": [{"criterion": self.cid("greeting"), "value": 1, "time_offset": bad}]},
                format="json",
            )
            self.assertEqual(response.status_code, 400, bad)
        self.assertEqual(api.get(self.url(evaluation)).status_code, 200)
        self.assertEqual(self.api(self.qa).get("/api/v1/evaluations/", {"call": "99999999999999999999"}).status_code, 400)

    def test_an_overflowing_weight_is_a_400(self):
        from scoring.services import scorecard_new_draft

        draft = scorecard_new_draft(scorecard=self.version.scorecard, by=self.manager)
        response = self.api(self.manager).generic(
            "PUT",
            f"/api/v1/scorecard-versions/{draft.pk}/",
            '{"critical_zeroes": true, "sections": [{"title": "S", "weight": 1e400, "criteria": []}]}',
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
