"""Every time on the scoring page is the center's (TIME_ZONE), the autosave's "Saved 07:50:56"
included: the server writes it, the browser never converts it (static/js/scoring.js)."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase, override_settings
from rest_framework.test import APIClient

from scoring import services
from tests.scoring.pages import ScoringPagesBase, answers_for

ROOT = Path(__file__).resolve().parent.parent.parent
CENTER = "America/New_York"  # far from UTC and from the test machine's zone


@override_settings(TIME_ZONE=CENTER)
class SavedTimeTests(ScoringPagesBase):
    def setUp(self):
        self.evaluation = services.evaluation_start(call=self.call, by=self.qa, version=self.version)
        self.api = APIClient()
        self.api.force_authenticate(self.qa)

    def autosave(self):
        payload = {"answers": [{"criterion": self.criteria["greeting"].pk, "value": 1}]}
        response = self.api.patch(f"/api/v1/evaluations/{self.evaluation.pk}/answers/", payload, format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.evaluation.refresh_from_db()
        return response.data

    def center_clock(self) -> str:
        """The saved time on the center's wall clock, computed here with zoneinfo."""
        return self.evaluation.draft_saved_at.astimezone(ZoneInfo(CENTER)).strftime("%H:%M:%S")

    def test_the_autosave_answers_with_the_saved_time_on_the_centers_clock(self):
        data = self.autosave()

        self.assertEqual(data["saved_time"], self.center_clock())
        utc_clock = self.evaluation.draft_saved_at.astimezone(ZoneInfo("UTC")).strftime("%H:%M:%S")
        self.assertNotEqual(data["saved_time"], utc_clock)

    def test_the_iso_saved_at_carries_the_centers_offset(self):
        data = self.autosave()

        offset = self.evaluation.draft_saved_at.astimezone(ZoneInfo(CENTER)).strftime("%z")
        self.assertTrue(data["saved_at"].endswith(f"{offset[:3]}:{offset[3:]}"), data["saved_at"])
        self.assertIn(f"T{self.center_clock()}", data["saved_at"])

    def test_the_page_and_the_autosave_show_the_same_saved_time(self):
        data = self.autosave()
        self.client.force_login(self.qa)

        response = self.client.get(f"/evaluations/{self.evaluation.pk}/score/")

        self.assertContains(response, f"Saved {data['saved_time']}</p>")

    def test_a_draft_saved_by_a_service_shows_the_centers_clock_on_the_page(self):
        services.evaluation_save_draft(
            evaluation=self.evaluation, by=self.qa, answers=answers_for(self.criteria, {"empathy": 3})
        )
        self.evaluation.refresh_from_db()
        self.client.force_login(self.qa)

        response = self.client.get(f"/evaluations/{self.evaluation.pk}/score/")

        self.assertContains(response, f"Saved {self.center_clock()}</p>")


class NoBrowserClockTests(SimpleTestCase):
    """No script formats a date or time itself: the browser's zone would show (each page's times
    come from the server, in the center's zone)."""

    BROWSER_CLOCK = re.compile(
        r"new Date\b|Date\.now|toLocale(?:Date|Time)?String|Intl\.DateTimeFormat|getHours|getTimezoneOffset"
    )

    def test_no_script_under_static_js_formats_a_time(self):
        offenders = {
            str(path.relative_to(ROOT)): self.BROWSER_CLOCK.findall(path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "static" / "js").rglob("*.js"))
            if self.BROWSER_CLOCK.search(path.read_text(encoding="utf-8"))
        }
        self.assertEqual(offenders, {})
