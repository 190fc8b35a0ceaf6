"""A small month for the PDF report tests: the personas' agents plus 王小明 (team A), each with a
few scored evaluations of calls in the previous month (one critical failure), and helpers to
read a PDF back (text, chart XObjects, rendering with pdftoppm)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import unittest
from pathlib import Path

import pypdf
from django.utils import timezone

from reports.tasks import previous_month
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation

PDFTOPPM = "/usr/bin/pdftoppm"
GB1_MAPS = Path("/usr/share/poppler/cMap/Adobe-GB1")

# Answers of the worked-example scorecard: full marks, the example (77.5), a weak call, and a
# critical failure (wrong information: the score is zeroed).
FULL = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
EXAMPLE = {"greeting": 1, "closing": 0, "empathy": 3, "clarity": "na", "correct_information": 1, "resolved": 1}
WEAK = {"greeting": 0, "closing": 0, "empathy": 1, "clarity": 2, "correct_information": 1, "resolved": 0}
CRITICAL = {"greeting": 1, "closing": 1, "empathy": 3, "clarity": 3, "correct_information": 0, "resolved": 1}


def in_month(period, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, hour))


class MonthData(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.month = previous_month()
        cls.chinese_user = f.UserFactory(username="wxm", roles=["agent"])
        cls.chinese = f.AgentFactory(employee_id="E3", name="王小明", team=cls.team, user=cls.chinese_user)
        plan = {
            cls.agent: [FULL, EXAMPLE, WEAK],
            cls.chinese: [FULL, EXAMPLE, CRITICAL, FULL],
            cls.other_agent: [EXAMPLE, WEAK],
        }
        cls.evaluations = []
        for agent, answers in plan.items():
            for i, values in enumerate(answers):
                cls.evaluations.append(
                    cls.evaluate(agent, day=3 + 2 * i, values=values, by=cls.qa if i % 2 else cls.qa2)
                )

    @classmethod
    def evaluate(cls, agent, *, day: int, values: dict, by=None, hour: int = 10, deliver_feedback: bool = True):
        call = f.CallFactory(
            agent=agent,
            line_of_business=cls.lob,
            start_time=in_month(cls.month, day, hour),
            csat=1 + (day % 5),
            direction="outbound" if day % 3 == 0 else "inbound",
        )
        return make_evaluation(
            call=call, by=by or cls.qa, version=cls.version, values=values, deliver_feedback=deliver_feedback
        )


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pdf_reader(data).pages)


def chart_streams(data: bytes) -> list[bytes]:
    """The content of every chart (`base.Chart` places each as a form XObject named chart-<n>)."""
    out = []
    for page in pdf_reader(data).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for name in xobjects:
            obj = xobjects[name].get_object()
            if "chart-" in name and obj.get("/Subtype") == "/Form":
                out.append(obj.get_data())
    return out


def render_first_page(testcase: unittest.TestCase, data: bytes) -> bytes:
    """The PDF's first page as PNG, drawn by poppler's pdftoppm; the test is skipped (with the
    reason) where pdftoppm or poppler-data is missing (`make browsers` installs them)."""
    if not Path(PDFTOPPM).exists():
        testcase.skipTest(f"{PDFTOPPM} is missing (poppler-utils; `make browsers` installs it)")
    if not GB1_MAPS.is_dir():
        testcase.skipTest("poppler-data is missing: pdftoppm cannot draw the reports' Chinese font")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.pdf"
        source.write_bytes(data)
        done = subprocess.run(
            [PDFTOPPM, "-r", "40", "-f", "1", "-l", "1", "-png", str(source), str(Path(tmp) / "page")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        testcase.assertEqual(done.returncode, 0, done.stderr)
        testcase.assertNotIn("Error", done.stderr)
        pages = sorted(Path(tmp).glob("page*.png"))
        testcase.assertTrue(pages, "pdftoppm wrote no page")
        return pages[0].read_bytes()
