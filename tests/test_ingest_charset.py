"""A call's key (source, external id) holds only the documented characters (monitoring/
validators.py), whichever way the call comes in: the REST bulk upsert, `import_calls` and the
import page refuse the rest with the row, the field and the reason; typical telephony ids pass.
A call stored before the rule still takes a recording, and every refusal of the recording API
is JSON."""

import io
import pathlib
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient

from monitoring.models import Call
from tests import factories as f
from tests.audio import wav_bytes
from tests.personas import Personas

URL = "/api/v1/calls/bulk/"
HEADER = "source,external_id,agent,line_of_business,direction,start_time,talk_seconds\n"
# What the rule is for: a path, a header parameter, a word break, a control character, a formula.
REFUSED = {
    "../x": "“/” is not allowed",
    "a\\b": "“\\” is not allowed",
    'a"b': '“"” is not allowed',
    "a;b": "“;” is not allowed",
    "a b": "a space is not allowed",
    "a\x7fb": "a control character or line break is not allowed",
    "=1+2": "“=” is not allowed",
    "+1-555-0100": "Starts with “+”",  # a spreadsheet would read it as a formula
    "呼叫-1": "“呼” is not allowed",
}
ACCEPTED = [
    "CALL-2026-000123",
    "genesys:3f2a9c1e",
    "6f1c2b9e-8d4a-4c3e-9b7a-2d5e8f0a1b3c",
    "00001234561700000001",  # an Avaya UCID
    "a84b4c76e66710@pbx.example.com",  # a SIP Call-ID
    "ticket#42",
    "pbx1+8613800000000.20261120",
    "x" * 64,
]


def row(external_id="OK-1", **over):
    data = {
        "source": "pbx",
        "external_id": external_id,
        "agent": "E1",
        "line_of_business": "billing",
        "direction": "inbound",
        "start_time": "2026-11-16T09:15:00+08:00",
        "talk_seconds": 300,
    }
    data.update(over)
    return data


def csv_line(source: str, external_id: str) -> str:
    quoted = external_id.replace('"', '""')
    return f'{source},"{quoted}",E1,billing,inbound,2026-11-16T09:00:00+08:00,120\n'


class BulkApiCharsetTests(Personas):
    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.manager)

    def test_each_refused_external_id_is_a_400_naming_its_row_field_and_reason(self):
        batch = [row("OK-1")] + [row(bad) for bad in REFUSED]

        response = self.api.post(URL, batch, format="json")

        self.assertEqual(response.status_code, 400, response.content)
        errors = response.json()["errors"]
        self.assertEqual([e["row"] for e in errors], list(range(2, len(REFUSED) + 2)))
        self.assertEqual({e["field"] for e in errors}, {"external_id"})
        for error, expected in zip(errors, REFUSED.values(), strict=True):
            self.assertIn(expected, error["reason"])
            self.assertIn("letters A–Z, digits and . _ - : @ # +", error["reason"])
        self.assertFalse(Call.objects.filter(source="pbx").exists())  # nothing half-imported

    def test_a_source_is_held_to_the_same_rule(self):
        response = self.api.post(URL, [row(source="../pbx"), row("OK-2", source="pbx\\2")], format="json")

        self.assertEqual(response.status_code, 400)
        self.assertEqual([(e["row"], e["field"]) for e in response.json()["errors"]], [(1, "source"), (2, "source")])

    def test_line_breaks_and_other_control_characters_are_refused(self):
        for bad in ("a\nb", "a\tb", "a\x00b"):
            response = self.api.post(URL, [row(bad)], format="json")
            self.assertEqual(response.status_code, 400, bad)
            self.assertEqual([e["field"] for e in response.json()["errors"]], ["external_id"], bad)

    def test_an_id_longer_than_the_field_is_refused(self):
        response = self.api.post(URL, [row("x" * 65)], format="json")

        self.assertEqual(response.status_code, 400)
        self.assertIn("64", response.json()["errors"][0]["reason"])

    def test_typical_telephony_ids_are_accepted(self):
        response = self.api.post(
            URL, [row(external_id, source="genesys-cloud") for external_id in ACCEPTED], format="json"
        )

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"created": len(ACCEPTED), "updated": 0})
        self.assertEqual(
            set(Call.objects.filter(source="genesys-cloud").values_list("external_id", flat=True)), set(ACCEPTED)
        )

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=2)
    def test_a_body_django_refuses_as_unsafe_is_the_batchs_json_400_not_an_html_page(self):
        response = self.api.post(URL, {"a": "1", "b": "2", "c": "3"}, format="multipart")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual([(e["row"], e["field"]) for e in response.json()["errors"]], [(0, "non_field_errors")])

    def test_the_model_fields_carry_the_same_rule_for_the_admin(self):
        call = Call.objects.get(pk=self.call.pk)
        call.external_id, call.source = "../x", "a b"
        with self.assertRaises(ValidationError) as ctx:
            call.full_clean()
        self.assertEqual(set(ctx.exception.message_dict) & {"external_id", "source"}, {"external_id", "source"})


class CsvImportCharsetTests(Personas):
    def write(self, text: str) -> pathlib.Path:
        path = pathlib.Path(tempfile.mkdtemp()) / "calls.csv"
        path.write_text(text, encoding="utf-8")
        self.addCleanup(path.unlink)
        return path

    def test_import_calls_refuses_each_bad_id_with_its_line_field_and_reason(self):
        path = self.write(HEADER + csv_line("pbx", "OK-1") + "".join(csv_line("pbx", bad) for bad in REFUSED))
        err = io.StringIO()

        with self.assertRaises(CommandError) as ctx:
            call_command("import_calls", str(path), stdout=io.StringIO(), stderr=err)

        report = err.getvalue().splitlines()
        self.assertEqual(len(report), len(REFUSED))
        for number, (line, expected) in enumerate(zip(report, REFUSED.values(), strict=True), start=3):
            self.assertIn(f"line {number}: external_id: ", line)
            self.assertIn(expected, line)
        self.assertIn("nothing was imported", str(ctx.exception))
        self.assertFalse(Call.objects.filter(source="pbx").exists())

    def test_import_calls_refuses_a_bad_source(self):
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_calls", str(self.write(HEADER + csv_line("a b", "OK-1"))), stderr=err)
        self.assertIn("line 2: source: a space is not allowed", err.getvalue())

    def test_import_calls_accepts_typical_ids(self):
        path = self.write(HEADER + "".join(csv_line("genesys", external_id) for external_id in ACCEPTED))
        out = io.StringIO()

        call_command("import_calls", str(path), stdout=out)

        self.assertIn(f"{len(ACCEPTED)} new", out.getvalue())
        self.assertEqual(Call.objects.filter(source="genesys").count(), len(ACCEPTED))

    def test_the_import_page_lists_the_refused_ids_and_imports_nothing(self):
        self.client.force_login(self.manager)
        text = HEADER + csv_line("pbx", "OK-1") + csv_line("pbx", "../x") + csv_line("pbx", 'a"b')
        upload = SimpleUploadedFile("calls.csv", text.encode(), "text/csv")

        response = self.client.post("/calls/import/", {"file": upload})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "nothing was imported")
        rows = [(e.row, e.field) for e in response.context["errors"]]
        self.assertEqual(rows, [(3, "external_id"), (4, "external_id")])
        self.assertContains(response, "“/” is not allowed")
        self.assertContains(response, "“&quot;” is not allowed")
        self.assertFalse(Call.objects.filter(source="pbx").exists())


class RecordingUploadErrorsTests(Personas):
    """Every refusal of PUT /api/v1/calls/{id}/recording/ is JSON: {field: [reason]} (with the
    reason as "detail" too) for a 400, {"detail": reason} for the rest."""

    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.manager)

    def put(self, call_id, data, **extra):
        return self.api.put(f"/api/v1/calls/{call_id}/recording/", data, format="multipart", **extra)

    def wav(self, name="r.wav"):
        return SimpleUploadedFile(name, wav_bytes(0.2), content_type="audio/wav")

    def assertJson(self, response, status):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()

    def test_a_call_stored_before_the_rule_still_takes_a_recording_under_a_plain_file_name(self):
        for legacy in ("../../etc/x", "a\\b", 'q"; filename*=x'):
            call = f.CallFactory(agent=self.agent, line_of_business=self.lob, external_id=legacy)
            response = self.put(call.pk, {"recording": self.wav()})
            self.assertJson(response, 200)
            call.refresh_from_db()
            name = call.recording.name
            self.assertTrue(name.startswith("recordings/"), name)
            self.assertEqual(name.count("/"), 4, name)  # recordings/yyyy/mm/dd/<one file name>
            self.assertNotIn("..", name.split("/"))
            self.assertNotIn("\\", name)

    def test_no_file_is_a_json_400_on_the_field(self):
        body = self.assertJson(self.put(self.call.pk, {}), 400)
        self.assertEqual(list(body["recording"]), [body["detail"]])

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=1)
    def test_a_multipart_body_django_refuses_as_unsafe_is_a_json_400_not_an_html_page(self):
        body = self.assertJson(self.put(self.call.pk, {"recording": self.wav(), "other": self.wav("b.wav")}), 400)
        self.assertIn("more form fields or files than the server accepts", body["recording"][0])

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
    def test_form_fields_over_djangos_limit_are_a_json_413(self):
        body = self.assertJson(self.put(self.call.pk, {"recording": self.wav(), "note": "x" * 100}), 413)
        self.assertIn("form fields are larger than the server accepts", body["detail"])

    @override_settings(RECORDING_MAX_BYTES=100)
    def test_a_file_over_the_limit_is_a_json_413(self):
        self.assertIn("limit", self.assertJson(self.put(self.call.pk, {"recording": self.wav()}), 413)["detail"])

    def test_non_audio_content_is_a_json_415(self):
        fake = SimpleUploadedFile("r.wav", b"%PDF-1.4" * 100, content_type="audio/wav")
        self.assertIn("not audio", self.assertJson(self.put(self.call.pk, {"recording": fake}), 415)["detail"])

    def test_a_json_body_is_a_json_415(self):
        response = self.api.put(f"/api/v1/calls/{self.call.pk}/recording/", {"recording": "x"}, format="json")
        self.assertIn("detail", self.assertJson(response, 415))

    def test_a_private_line_is_a_json_403(self):
        f.PrivateLineFactory(line="8009")
        call = f.CallFactory(agent=self.agent, line_of_business=self.lob, line="8009")
        self.assertIn("private line", self.assertJson(self.put(call.pk, {"recording": self.wav()}), 403)["detail"])

    def test_someone_without_the_ingest_permission_gets_a_json_403(self):
        self.api.force_authenticate(self.qa)
        self.assertIn("detail", self.assertJson(self.put(self.call.pk, {"recording": self.wav()}), 403))

    def test_an_unknown_call_is_a_json_404(self):
        self.assertIn("detail", self.assertJson(self.put(987654, {"recording": self.wav()}), 404))
