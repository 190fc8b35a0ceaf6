"""A calibration session's report as PDF (issue 9): a real PDF with the session's figures and a
Chinese participant's name as characters, for whoever may read the session once it is revealed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import krippendorff
from django.urls import reverse

from tests.reports.month_data import pdf_reader
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import ScoringPersonas
from tests.scoring.test_calibration_report import (
    SCORES,
    build_report_session,
    expected_participant,
    one_decimal,
    totals_matrix,
)

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdftotext(testcase, data: bytes) -> str:
    if not Path(PDFTOTEXT).exists():
        testcase.skipTest("pdftotext (poppler-utils) is missing")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.pdf"
        source.write_bytes(data)
        done = subprocess.run([PDFTOTEXT, "-layout", str(source), "-"], capture_output=True, text=True, timeout=60)
    testcase.assertEqual(done.returncode, 0, done.stderr)
    return done.stdout


def signed(exact) -> str:
    text = one_decimal(exact)
    return text if text.startswith("-") or text == "0.0" else f"+{text}"


class CalibrationPdfTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = build_report_session(cls)
        cls.url = reverse("calibration-report-pdf", args=[cls.session.pk])

    def get(self, user):
        self.client.force_login(user)
        return self.client.get(self.url)

    def test_a_participant_downloads_a_real_pdf_with_the_figures(self):
        response = self.get(self.supervisor)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn(f"calibration-{self.session.pk}-2026-11-16-en.pdf", response["Content-Disposition"])
        data = response.content
        self.assertTrue(data.startswith(b"%PDF-"))
        self.assertGreaterEqual(len(pdf_reader(data).pages), 1)
        text = pdftotext(self, data)
        self.assertIn("Calibration session report", text)
        self.assertIn("张伟", text)  # the trainer, family name first
        alpha = krippendorff.alpha(totals_matrix(), level_of_measurement="interval")
        self.assertIn(f"{alpha:.3f}", text)
        for name in SCORES:
            want = expected_participant(name)
            with self.subTest(name):
                self.assertIn(signed(want["exact_mean_signed"]), text)
                self.assertIn(f"{one_decimal(100 * want['exact_alignment'])} %", text)
        self.assertIn("ICC(2,1)", text)
        self.assertIn("the 3 of 4 participants who", text)
        self.assertIn("By criterion: where the guidance text needs work", text)

    def test_it_renders_in_chinese(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertEqual(response.status_code, 200)
        self.assertIn("-zh-hans.pdf", response["Content-Disposition"])
        self.assertIn("张伟", pdftotext(self, response.content))

    def test_center_wide_readers_download_it_too(self):
        for user in (self.manager, self.qa):
            with self.subTest(user.username):
                self.assertEqual(self.get(user).status_code, 200)

    def test_a_supervisor_who_did_not_take_part_gets_a_404(self):
        self.assertEqual(self.get(self.other_supervisor).status_code, 404)

    def test_hr_and_agents_are_refused(self):
        self.assertEqual(self.get(self.hr).status_code, 403)
        self.assertEqual(self.get(self.agent_user).status_code, 403)

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_an_unknown_session_is_a_404(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get(reverse("calibration-report-pdf", args=[999999])).status_code, 404)


class BeforeRevealTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = make_session(by=cls.qa, calls=session_calls(cls, n=2), participants=[cls.qa2, cls.trainer])
        for item in cls.session.items.all():
            score_item(item, cls.qa2)
            score_item(item, cls.trainer)
        cls.url = reverse("calibration-report-pdf", args=[cls.session.pk])

    def test_no_report_before_the_reveal_even_for_its_participants(self):
        for user in (self.qa2, self.trainer, self.qa, self.manager):
            with self.subTest(user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
