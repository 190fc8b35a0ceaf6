"""REST bulk upsert and CSV import of calls."""

import io

from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from monitoring.models import Call
from tests.personas import Personas

URL = "/api/v1/calls/bulk/"


def row(external_id="X-1", **over):
    data = {
        "source": "pbx",
        "external_id": external_id,
        "agent": "E1",
        "line_of_business": "billing",
        "direction": "inbound",
        "service_type": "refund",
        "start_time": "2026-11-16T09:15:00+08:00",
        "talk_seconds": 300,
        "hold_seconds": 20,
        "acw_seconds": 45,
        "csat": 4,
        "line": "6001",
    }
    data.update(over)
    return data


class BulkUpsertTests(Personas):
    def setUp(self):
        self.client = APIClient()
        self.client.force_authenticate(self.manager)

    def test_the_same_batch_twice_leaves_the_same_rows(self):
        batch = [row("X-1"), row("X-2", talk_seconds=90), row("X-3", direction="outbound")]
        first = self.client.post(URL, batch, format="json")
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json(), {"created": 3, "updated": 0})
        snapshot = list(Call.objects.filter(source="pbx").order_by("external_id").values())

        second = self.client.post(URL, batch, format="json")
        self.assertEqual(second.json(), {"created": 0, "updated": 3})
        again = list(Call.objects.filter(source="pbx").order_by("external_id").values())
        self.assertEqual([c["id"] for c in again], [c["id"] for c in snapshot])
        strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_at"} for r in rows]  # noqa: E731
        self.assertEqual(strip(again), strip(snapshot))

    def test_a_changed_row_updates_in_place(self):
        self.client.post(URL, [row("X-1")], format="json")
        self.client.post(URL, [row("X-1", talk_seconds=999, csat=2)], format="json")
        call = Call.objects.get(source="pbx", external_id="X-1")
        self.assertEqual((call.talk_seconds, call.csat), (999, 2))

    def test_the_call_gets_its_shift_from_its_start_time(self):
        import datetime as dt

        from tests.factories import ShiftFactory

        ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(16))
        ShiftFactory(code="night", name="Night", start=dt.time(16), end=dt.time(8))
        self.client.post(URL, [row("X-1"), row("X-2", start_time="2026-11-16T23:30:00+08:00")], format="json")
        shifts = dict(Call.objects.filter(source="pbx").values_list("external_id", "shift__code"))
        self.assertEqual(shifts, {"X-1": "day", "X-2": "night"})

    def test_one_bad_row_rejects_the_batch_and_names_row_and_field(self):
        batch = [row("X-1"), row("X-2", agent="NOPE"), row("X-3", csat=9, direction="sideways")]
        response = self.client.post(URL, batch, format="json")
        self.assertEqual(response.status_code, 400)
        errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
        self.assertEqual(errors, {(2, "agent"), (3, "csat"), (3, "direction")})
        self.assertFalse(Call.objects.filter(source="pbx").exists())

    def test_missing_fields_and_bad_times_are_reported(self):
        response = self.client.post(URL, [{"external_id": "Y", "start_time": "yesterday"}], format="json")
        self.assertEqual(response.status_code, 400)
        fields = {e["field"] for e in response.json()["errors"]}
        self.assertTrue({"agent", "line_of_business", "direction", "start_time", "talk_seconds"} <= fields)

    def test_duplicate_keys_within_a_batch_are_refused(self):
        response = self.client.post(URL, [row("X-1"), row("X-1")], format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"][0]["row"], 2)

    def test_a_body_that_is_not_a_list_is_a_400(self):
        response = self.client.post(URL, {"external_id": "X"}, format="json")
        self.assertEqual(response.status_code, 400)

    def test_agents_supervisors_qa_and_hr_may_not_ingest(self):
        for user in (self.agent_user, self.supervisor, self.qa, self.hr):
            self.client.force_authenticate(user)
            self.assertEqual(self.client.post(URL, [row()], format="json").status_code, 403, user.username)
        self.assertFalse(Call.objects.filter(source="pbx").exists())

    def test_an_integration_account_with_the_permission_may_ingest_with_a_token(self):
        from django.contrib.auth.models import Permission

        from tests.factories import UserFactory

        bot = UserFactory(username="telephony")
        bot.user_permissions.add(Permission.objects.get(codename="ingest_calls"))
        client = APIClient()
        token = client.post("/api/v1/auth/token/", {"username": "telephony", "password": "pw"}, format="json")
        self.assertEqual(token.status_code, 200)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
        self.assertEqual(client.post(URL, [row()], format="json").status_code, 200)

    def test_a_wrong_password_gets_no_token(self):
        response = APIClient().post("/api/v1/auth/token/", {"username": "manager", "password": "nope"}, format="json")
        self.assertEqual(response.status_code, 400)


HEADER = "external_id,agent,line_of_business,direction,start_time,talk_seconds,csat,transcript\n"


class CsvImportTests(Personas):
    def write(self, tmp_path_name, text):
        import pathlib
        import tempfile

        path = pathlib.Path(tempfile.mkdtemp()) / tmp_path_name
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_clean_file_imports_and_reimports_to_the_same_rows(self):
        path = self.write(
            "ok.csv",
            HEADER
            + "F-1,E1,billing,inbound,2026-11-16T09:00:00+08:00,120,5,\n"
            + 'F-2,E2,billing,outbound,2026-11-16 10:00,200,,"[{""start"": 0, ""text"": ""hi""}]"\n',
        )
        out = io.StringIO()
        call_command("import_calls", str(path), stdout=out)
        self.assertIn("2 new", out.getvalue())
        call_command("import_calls", str(path), stdout=io.StringIO())
        self.assertEqual(Call.objects.filter(external_id__startswith="F-").count(), 2)
        self.assertEqual(Call.objects.get(external_id="F-2").transcript, [{"start": 0, "text": "hi"}])

    def test_a_bad_row_imports_nothing_and_the_report_names_the_row(self):
        path = self.write(
            "bad.csv",
            HEADER
            + "F-1,E1,billing,inbound,2026-11-16T09:00:00+08:00,120,5,\n"
            + "F-2,E1,billing,inbound,2026-11-16T09:05:00+08:00,abc,5,\n"
            + "F-3,E1,billing,inbound,2026-11-16T09:10:00+08:00,60,7,\n",
        )
        err = io.StringIO()
        with self.assertRaises(CommandError) as ctx:
            call_command("import_calls", str(path), stdout=io.StringIO(), stderr=err)
        report = err.getvalue()
        self.assertIn("line 3", report)
        self.assertIn("talk_seconds", report)
        self.assertIn("line 4", report)
        self.assertIn("csat", report)
        self.assertIn("nothing was imported", str(ctx.exception))
        self.assertFalse(Call.objects.filter(external_id__startswith="F-").exists())

    def test_a_missing_column_is_reported_before_any_row(self):
        path = self.write("cols.csv", "external_id,agent\nF-1,E1\n")
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_calls", str(path), stdout=io.StringIO(), stderr=err)
        self.assertIn("direction", err.getvalue())

    def test_a_missing_file_is_a_clear_error(self):
        with self.assertRaises(CommandError) as ctx:
            call_command("import_calls", "/nonexistent/calls.csv")
        self.assertIn("/nonexistent/calls.csv", str(ctx.exception))

    def test_the_import_page_shows_the_row_report_and_imports_nothing(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.manager)
        upload = SimpleUploadedFile(
            "calls.csv", (HEADER + "F-9,E404,billing,inbound,2026-11-16T09:00:00+08:00,120,,\n").encode(), "text/csv"
        )
        response = self.client.post("/calls/import/", {"file": upload})
        self.assertContains(response, "nothing was imported")
        self.assertContains(response, "E404")
        self.assertFalse(Call.objects.filter(external_id="F-9").exists())

    def test_the_import_page_is_refused_to_qa(self):
        self.client.force_login(self.qa)
        self.assertEqual(self.client.get("/calls/import/").status_code, 403)
