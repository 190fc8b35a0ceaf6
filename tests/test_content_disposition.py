"""Content-Disposition is built by Django's `content_disposition_header` (django.utils.http),
so a call key stored before the character rule — a quote, a semicolon, a line break, non-ASCII —
cannot add a parameter or a header to a recording download: the header parses to one
disposition and exactly one file name, the one meant.

Django's helper sends the name as `filename="…"` (quotes and backslashes escaped) when it is
printable ASCII, and as `filename*=utf-8''…` (percent-encoded, RFC 6266/8187) otherwise: one or
the other, never two."""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from monitoring.models import Call
from reports import export
from tests import factories as f
from tests.audio import wav_bytes
from tests.personas import Personas
from tests.reports.performance_month import MONTH, PerformanceMonth

TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
PARAM = re.compile(rf"""\s*;\s*({TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{TOKEN})""")


def parse(header: str) -> tuple[str, list[tuple[str, str]]]:
    """The disposition type and its parameters, in order, decoded; fails on anything that is not
    exactly `type *( ";" name "=" (token / quoted-string) )` (RFC 6266)."""
    match = re.match(rf"({TOKEN})", header)
    assert match, header
    kind, rest, params = match.group(1).lower(), header[match.end() :], []
    while rest:
        param = PARAM.match(rest)
        assert param, f"not a parameter: {rest!r} in {header!r}"
        name, value = param.group(1).lower(), param.group(2)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif name.endswith("*"):
            charset, _language, encoded = value.split("'", 2)
            value = unquote(encoded, encoding=charset)
        params.append((name, value))
        rest = rest[param.end() :]
    return kind, params


def the_file_name(header: str, kind: str) -> str:
    parsed_kind, params = parse(header)
    assert parsed_kind == kind, header
    names = [value for name, value in params if name in ("filename", "filename*")]
    assert len(names) == 1 and len(params) == 1, params  # one file name, nothing else
    return names[0]


class RecordingDownloadHeaderTests(Personas):
    # Keys the ingest refuses now, stored directly as an older import could have.
    KEYS = {
        "quote": "evil\"; filename*=UTF-8''evil.exe",
        "semicolon": "a;b;filename=x.exe",
        "non-ASCII": "呼叫-1",
        "line break": "a\r\nX-Injected: yes",
        "backslash": "a\\b\\",
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = {}
        for label, external_id in cls.KEYS.items():
            call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob, source="pbx", external_id=external_id)
            call.recording.save("r.wav", ContentFile(wav_bytes(0.1)), save=False)
            Call.objects.filter(pk=call.pk).update(recording=call.recording.name, recording_content_type="audio/x-wav")
            cls.calls[label] = call

    def assertSafeDownload(self, response, call):
        self.assertIn(response.status_code, (200, 206))
        header = response["Content-Disposition"]
        self.assertNotRegex(header, r"[\r\n]")
        self.assertNotIn("X-Injected", response.headers)
        self.assertEqual(the_file_name(header, "inline"), f"pbx-{call.external_id}.wav")

    def test_a_quote_in_an_external_id_cannot_inject_a_second_file_name(self):
        self.client.force_login(self.qa)
        call = self.calls["quote"]

        response = self.client.get(f"/calls/{call.pk}/recording")

        self.assertSafeDownload(response, call)
        self.assertEqual(response["Content-Disposition"].count("filename"), 2)  # both inside one quoted name
        self.assertEqual(parse(response["Content-Disposition"])[1][0][0], "filename")

    def test_every_odd_key_gives_one_disposition_and_exactly_its_own_file_name_on_the_page(self):
        self.client.force_login(self.qa)
        for label, call in self.calls.items():
            with self.subTest(label):
                self.assertSafeDownload(self.client.get(f"/calls/{call.pk}/recording"), call)

    def test_and_through_the_api(self):
        api = APIClient()
        api.force_authenticate(self.qa)
        for label, call in self.calls.items():
            with self.subTest(label):
                self.assertSafeDownload(api.get(f"/api/v1/calls/{call.pk}/recording/", HTTP_RANGE="bytes=0-"), call)

    def test_a_non_ascii_name_is_sent_percent_encoded_as_filename_star(self):
        self.client.force_login(self.qa)
        call = self.calls["non-ASCII"]

        header = self.client.get(f"/calls/{call.pk}/recording")["Content-Disposition"]

        self.assertEqual(header, "inline; filename*=utf-8''pbx-%E5%91%BC%E5%8F%AB-1.wav")


class ExportHeaderTests(PerformanceMonth):
    def test_the_hr_export_names_its_file_with_the_same_helper(self):
        self.client.force_login(self.hr)

        response = self.client.get("/hr/export/", {"month": MONTH.label, "format": "csv"})

        self.assertEqual(the_file_name(response["Content-Disposition"], "attachment"), export.filename(MONTH, "csv"))
