"""The call import reads the files Chinese centers really send (issue 11): UTF-8, UTF-8 with a
BOM and GB18030/GBK, detected automatically or chosen (`import_calls --encoding`, the import
page's "File encoding", the task's `encoding`), through the one helper the roster import uses
too (monitoring/encodings.py). A file that is not text in the encoding tried is refused naming
the file and the encoding; a bad row is reported by line and field, and nothing is imported."""

import io
import pathlib
import tempfile
from contextlib import redirect_stderr
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command

from monitoring import encodings
from monitoring.models import Call
from monitoring.people.roster import RosterImportError, agents_import_csv
from monitoring.tasks import import_calls_file
from tests import factories as f
from tests.personas import Personas

HEADER = "external_id,agent,line_of_business,direction,start_time,talk_seconds,service_type,line\n"
CHINESE = (
    HEADER
    + "ZH-1,E801,billing,inbound,2026-11-16T09:00:00+08:00,120,账单查询,呼入热线\n"
    + "ZH-2,E802,billing,outbound,2026-11-16T10:00:00+08:00,200,套餐变更,\n"
)
# Line 3 has a talk time in Chinese numerals: the report names line 3 and the field.
BAD_ROW = (
    HEADER
    + "ZH-1,E801,billing,inbound,2026-11-16T09:00:00+08:00,120,账单查询,\n"
    + "ZH-2,E802,billing,inbound,2026-11-16T09:05:00+08:00,三百,账单查询,\n"
)
UTF16 = CHINESE.encode("utf-16")  # Excel's "Unicode text": decodes as neither UTF-8 nor GB18030


def gb18030(text: str) -> bytes:
    data = text.encode("gb18030")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    raise AssertionError("not a GB18030 file that fails as UTF-8")


class ChineseCenter(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        f.AgentFactory(employee_id="E801", name="王芳", team=cls.team)
        f.AgentFactory(employee_id="E802", name="欧阳娜娜", team=cls.team)

    def assert_imported(self):
        calls = {c.external_id: c for c in Call.objects.filter(external_id__startswith="ZH-").select_related("agent")}
        self.assertEqual(sorted(calls), ["ZH-1", "ZH-2"])
        self.assertEqual(calls["ZH-1"].agent.name, "王芳")
        self.assertEqual(calls["ZH-1"].service_type, "账单查询")
        self.assertEqual(calls["ZH-1"].line, "呼入热线")
        self.assertEqual(calls["ZH-2"].agent.name, "欧阳娜娜")
        self.assertEqual(calls["ZH-2"].service_type, "套餐变更")

    def assert_nothing_imported(self):
        self.assertFalse(Call.objects.filter(external_id__startswith="ZH-").exists())


class CommandTests(ChineseCenter):
    def write(self, data: bytes) -> str:
        path = pathlib.Path(tempfile.mkdtemp()) / "呼叫.csv"
        path.write_bytes(data)
        self.addCleanup(path.unlink)
        return str(path)

    def run_command(self, *argv: str) -> str:
        out = io.StringIO()
        call_command("import_calls", *argv, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def exit_code(self, *argv: str) -> tuple[int, str]:
        err = io.StringIO()
        with redirect_stderr(err), self.assertRaises(SystemExit) as caught:
            ManagementUtility(["manage.py", "import_calls", *argv]).execute()
        return caught.exception.code, err.getvalue()

    def test_a_gb18030_file_is_detected(self):
        self.assertIn("2 new", self.run_command(self.write(gb18030(CHINESE))))
        self.assert_imported()

    def test_a_gb18030_file_imports_when_chosen(self):
        self.assertIn("2 new", self.run_command(self.write(gb18030(CHINESE)), "--encoding", "gb18030"))
        self.assert_imported()

    def test_utf8_with_a_bom_still_works_detected_or_chosen(self):
        path = self.write(CHINESE.encode("utf-8-sig"))
        self.assertIn("2 new", self.run_command(path))
        self.assertIn("2 updated", self.run_command(path, "--encoding", "utf-8"))
        self.assert_imported()

    def test_a_gb18030_file_with_a_bad_row_names_its_line_and_field_and_imports_nothing(self):
        path = self.write(gb18030(BAD_ROW))
        code, err = self.exit_code(path)
        self.assertNotEqual(code, 0)
        self.assertIn(f"{path}: line 3: talk_seconds: '三百' is not a whole number.", err)
        self.assertIn("1 error(s)", err)
        self.assertIn("nothing was imported", err)
        self.assert_nothing_imported()

    def test_a_file_that_decodes_as_nothing_we_read_exits_non_zero_naming_file_and_encoding(self):
        path = self.write(b"external_id,agent\n\xff\x80\xff,E801\n")
        code, err = self.exit_code(path)
        self.assertNotEqual(code, 0)
        self.assertIn(f"{path} is neither UTF-8 nor GB18030 (GBK) text.", err)
        self.assertIn("Nothing was imported.", err)
        self.assert_nothing_imported()

    def test_a_utf16_file_is_named_as_such(self):
        path = self.write(UTF16)
        with self.assertRaises(CommandError) as ctx:
            self.run_command(path)
        self.assertIn(f"{path} is UTF-16 text", str(ctx.exception))
        self.assertIn("CSV UTF-8", str(ctx.exception))

    def test_choosing_utf8_for_a_gb18030_file_is_refused_naming_the_line(self):
        path = self.write(gb18030(CHINESE))
        code, err = self.exit_code(path, "--encoding", "utf-8")
        self.assertNotEqual(code, 0)
        self.assertIn(f"{path} is not UTF-8 text: line 2 does not decode as UTF-8.", err)
        self.assert_nothing_imported()

    def test_choosing_gb18030_for_a_utf8_file_with_a_bom_is_refused(self):
        path = self.write(CHINESE.encode("utf-8-sig"))
        with self.assertRaises(CommandError) as ctx:
            self.run_command(path, "--encoding", "gb18030")
        self.assertIn("UTF-8 byte order mark", str(ctx.exception))
        self.assert_nothing_imported()

    def test_an_unknown_encoding_is_a_usage_error(self):
        code, err = self.exit_code(self.write(gb18030(CHINESE)), "--encoding", "big5")
        self.assertNotEqual(code, 0)
        self.assertIn("invalid choice: 'big5'", err)


class ImportPageTests(ChineseCenter):
    URL = "/calls/import/"

    def setUp(self):
        self.client.force_login(self.manager)

    def upload(self, data: bytes, encoding: str = "auto"):
        upload = SimpleUploadedFile("呼叫.csv", data, content_type="text/csv")
        return self.client.post(self.URL, {"file": upload, "encoding": encoding})

    def test_the_page_offers_the_encodings_detecting_by_default(self):
        response = self.client.get(self.URL)
        self.assertContains(response, '<select name="encoding"')
        self.assertContains(response, '<option value="auto" selected>Detect automatically</option>', html=True)
        self.assertContains(response, '<option value="utf-8">UTF-8</option>', html=True)
        self.assertContains(response, '<option value="gb18030">GB18030 (GBK)</option>', html=True)

    def test_a_gb18030_file_imports_detected_or_chosen(self):
        for encoding in ("auto", "gb18030"):
            with self.subTest(encoding=encoding):
                response = self.upload(gb18030(CHINESE), encoding)
                self.assertRedirects(response, self.URL, fetch_redirect_response=False)
                self.assert_imported()
        self.assertContains(self.client.get(self.URL), "Imported 2 calls: 0 new, 2 updated.")

    def test_a_form_posted_without_an_encoding_has_it_detected(self):
        upload = SimpleUploadedFile("呼叫.csv", gb18030(CHINESE), content_type="text/csv")
        self.assertRedirects(self.client.post(self.URL, {"file": upload}), self.URL, fetch_redirect_response=False)
        self.assert_imported()

    def test_utf8_with_a_bom_still_works(self):
        self.assertRedirects(self.upload(CHINESE.encode("utf-8-sig")), self.URL, fetch_redirect_response=False)
        self.assert_imported()

    def test_a_gb18030_file_with_a_bad_row_shows_the_row_report_and_imports_nothing(self):
        response = self.upload(gb18030(BAD_ROW))
        self.assertContains(response, "1 problem found — nothing was imported")
        self.assertContains(response, '<td class="num">3</td><td>talk_seconds</td>')
        self.assertContains(response, "&#x27;三百&#x27; is not a whole number.")
        self.assert_nothing_imported()

    def test_choosing_utf8_for_a_gb18030_file_is_a_400_under_the_file_field(self):
        response = self.upload(gb18030(CHINESE), "utf-8")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["file"],
            [
                "呼叫.csv is not UTF-8 text: line 2 does not decode as UTF-8. "
                "Choose the file's encoding, or let it be detected automatically."
            ],
        )
        self.assertContains(response, "呼叫.csv is not UTF-8 text", status_code=400)
        self.assert_nothing_imported()

    def test_a_file_that_decodes_as_nothing_we_read_is_a_400_naming_it(self):
        response = self.upload(b"external_id\n\xff\x80\n")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["file"],
            ["呼叫.csv is neither UTF-8 nor GB18030 (GBK) text. Save it as “CSV UTF-8” and import it again."],
        )


class TaskTests(ChineseCenter):
    def store(self, data: bytes) -> str:
        name = default_storage.save("imports/calls.csv", ContentFile(data))
        self.addCleanup(lambda: default_storage.exists(name) and default_storage.delete(name))
        return name

    def test_a_gb18030_file_imports_detected_or_chosen(self):
        for encoding in ("auto", "gb18030"):
            with self.subTest(encoding=encoding):
                name = self.store(gb18030(CHINESE))
                outcome = import_calls_file.delay(storage_name=name, encoding=encoding).get()
                self.assertTrue(outcome["ok"], outcome)
                self.assert_imported()
                self.assertFalse(default_storage.exists(name))

    def test_a_bad_row_is_reported_by_line_and_field(self):
        outcome = import_calls_file.delay(storage_name=self.store(gb18030(BAD_ROW))).get()
        self.assertEqual(
            outcome,
            {"ok": False, "errors": [{"row": 3, "field": "talk_seconds", "reason": "'三百' is not a whole number."}]},
        )
        self.assert_nothing_imported()

    def test_a_file_that_does_not_decode_is_an_error_of_the_file_naming_it(self):
        outcome = import_calls_file.delay(
            storage_name=self.store(gb18030(CHINESE)), encoding="utf-8", name="呼叫.csv"
        ).get()
        self.assertFalse(outcome["ok"])
        [error] = outcome["errors"]
        self.assertEqual((error["row"], error["field"]), (1, "file"))
        self.assertTrue(error["reason"].startswith("呼叫.csv is not UTF-8 text: line 2"), error["reason"])
        self.assert_nothing_imported()


class SharedHelperTests(ChineseCenter):
    def test_decode_reads_each_encoding_and_names_the_file_when_it_cannot(self):
        self.assertEqual(encodings.decode(gb18030("王芳")), "王芳")
        self.assertEqual(encodings.decode("王芳".encode("utf-8-sig"), "utf-8"), "王芳")
        with self.assertRaises(encodings.FileEncodingError) as ctx:
            encodings.decode(gb18030("a\nb\n王芳"), "utf-8", name="roster.csv")
        self.assertEqual((ctx.exception.name, ctx.exception.encoding, ctx.exception.line), ("roster.csv", "utf-8", 3))
        self.assertIn("roster.csv is not UTF-8 text", str(ctx.exception))
        with self.assertRaises(ValueError):
            encodings.decode(b"x", "big5")

    def test_a_character_split_across_chunks_decodes_and_lines_are_counted_across_them(self):
        data = gb18030(CHINESE)
        with mock.patch.object(encodings, "CHUNK", 3):
            self.assertEqual(encodings.open_text(io.BytesIO(data)).read(), CHINESE)
            utf8 = (HEADER + "a\nb\nc\n").encode() + gb18030("王")
            with self.assertRaises(encodings.FileEncodingError) as ctx:
                encodings.open_text(io.BytesIO(utf8), "utf-8")
        self.assertEqual(ctx.exception.line, 5)

    def test_the_roster_import_reports_an_undecodable_file_with_its_name(self):
        with self.assertRaises(RosterImportError) as ctx:
            agents_import_csv(data=UTF16, name="roster.csv")
        [error] = ctx.exception.errors
        self.assertEqual((error.row, error.field), (1, "file"))
        self.assertIn("roster.csv is UTF-16 text", error.reason)
