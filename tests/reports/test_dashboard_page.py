"""The dashboard page itself: it renders with no data, in Chinese, and with nothing a
Content-Security-Policy forbidding inline style and script would block; each chart is an SVG
labelled for screen readers and followed by its numbers."""

from __future__ import annotations

import re

from tests.personas import Personas
from tests.reports.dashboard_month import MONTH, DashboardMonth


class EmptyDashboardTests(Personas):
    def test_a_center_without_evaluations_renders_an_empty_dashboard(self):
        self.client.force_login(self.manager)
        response = self.client.get("/dashboard/")
        self.assertEqual(response.status_code, 200)
        board = response.context["board"]
        self.assertEqual(board.summary.n, 0)
        self.assertIsNone(board.summary.interval)
        self.assertIsNone(board.random.mean)
        self.assertContains(response, "(n = 0)")
        self.assertContains(response, "No points lost this month.")


class DashboardPageTests(DashboardMonth):
    def get(self, **headers):
        self.client.force_login(self.manager)
        response = self.client.get("/dashboard/", {"month": MONTH.label}, **headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_page_has_no_inline_style_or_script(self):
        html = self.get()
        self.assertNotRegex(html, r"\sstyle\s*=")
        self.assertNotIn("<style", html)
        self.assertEqual(re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html), [])
        self.assertNotRegex(html, r"\son[a-z]+\s*=")  # no inline event handlers

    def test_each_chart_is_a_labelled_svg_with_a_title_desc_and_its_numbers(self):
        html = self.get()
        charts = re.findall(r"<svg[^>]*>", html)
        self.assertGreaterEqual(len(charts), 10)
        for tag in charts:
            self.assertIn('role="img"', tag)
            self.assertIn("aria-label=", tag)
        self.assertEqual(html.count("<title id="), len(charts))
        self.assertEqual(html.count("<desc id="), len(charts))
        self.assertGreaterEqual(html.count("<details>"), len(charts) - 1)

    def test_it_renders_in_chinese_with_chinese_dates(self):
        html = self.get(HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertIn('lang="zh-hans"', html)
        self.assertIn("2026年11月", html)
