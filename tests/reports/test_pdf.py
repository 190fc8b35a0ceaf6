"""The PDF reports themselves: every kind parses, renders, carries its charts, says what each
average rests on, and prints a Chinese agent's name as characters in either language."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from coaching.models import CoachingPlan, PlanStatus
from planning.periods import monday
from reports.models import GeneratedReport, ReportKind
from reports.services.generate import daily_summary_generate, reports_generate, weekly_summary_generate
from tests.coaching.factories import make_plan
from tests.reports.month_data import FULL, MonthData, chart_streams, in_month, pdf_reader, pdf_text, render_first_page

# Charts each kind draws for a month with data (trend, Pareto by criterion and by category,
# distribution, each agent's average, target and done by team, evaluations by team).
CHARTS = {
    ReportKind.AGENT: 3,
    ReportKind.TEAM: 5,
    ReportKind.LINE: 4,
    ReportKind.CENTER: 4,
    ReportKind.DAILY: 2,
    ReportKind.WEEKLY: 3,
}
PATH_OPERATORS = re.compile(rb"\s(re|l|m|c)\s")


class PdfReportTests(MonthData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reports = reports_generate(month=cls.month, language="en")
        reports.append(daily_summary_generate(day=timezone.localdate()))
        reports.append(weekly_summary_generate(week_start=monday(in_month(cls.month, 3).date())))
        cls.pdfs = {}
        for report in reports:
            with report.file.open("rb") as handle:
                cls.pdfs[(report.kind, report.agent_id or report.team_id or report.line_of_business_id)] = handle.read()

    def pdf(self, kind, pk=None) -> bytes:
        return self.pdfs[(kind, pk)]

    def test_the_month_has_a_report_per_agent_team_and_line_and_the_center(self):
        self.assertEqual(
            sorted((k, pk) for k, pk in self.pdfs if k not in (ReportKind.DAILY, ReportKind.WEEKLY)),
            sorted(
                [
                    (ReportKind.AGENT, self.agent.pk),
                    (ReportKind.AGENT, self.chinese.pk),
                    (ReportKind.AGENT, self.other_agent.pk),
                    (ReportKind.TEAM, self.team.pk),
                    (ReportKind.TEAM, self.other_team.pk),
                    (ReportKind.LINE, self.lob.pk),
                    (ReportKind.CENTER, None),
                ]
            ),
        )

    def test_every_report_parses_and_renders(self):
        for key, data in self.pdfs.items():
            with self.subTest(report=key):
                self.assertTrue(data.startswith(b"%PDF-"))
                self.assertGreaterEqual(len(pdf_reader(data).pages), 1)
                png = render_first_page(self, data)
                self.assertTrue(png.startswith(b"\x89PNG"))

    def test_every_report_contains_its_charts_drawn_as_vector_paths(self):
        for (kind, pk), data in self.pdfs.items():
            with self.subTest(kind=kind, pk=pk):
                streams = chart_streams(data)
                self.assertEqual(len(streams), CHARTS[kind])
                for stream in streams:
                    self.assertGreater(len(PATH_OPERATORS.findall(stream)), 5)

    def test_a_chinese_agent_name_prints_as_characters(self):
        self.assertIn("王小明", pdf_text(self.pdf(ReportKind.AGENT, self.chinese.pk)))
        self.assertIn("王小明", pdf_text(self.pdf(ReportKind.TEAM, self.team.pk)))

    def test_every_average_comes_with_its_n_and_interval(self):
        text = pdf_text(self.pdf(ReportKind.AGENT, self.chinese.pk))
        # 王小明: 100, 77.5, 0 (critical), 100 → mean 69.4 over n = 4.
        self.assertIn("69.4 (n = 4, 95 % interval", text)
        self.assertIn("1 of 4 evaluations (25.0 %)", text)

    def test_the_center_analysis_reports_coaching_honestly_and_lists_evaluators(self):
        text = pdf_text(self.pdf(ReportKind.CENTER))
        self.assertIn("No coaching plans recorded yet", text)
        self.assertIn("Evaluators", text)
        self.assertIn("qa2", text)
        self.assertIn("Critical failures (1)", text)
        self.assertIn("Points lost by category", text)

    def test_the_weekly_summary_shows_quota_progress_and_findings(self):
        text = pdf_text(self.pdf(ReportKind.WEEKLY))
        self.assertIn("Quota progress", text)
        self.assertIn("Team A", text)
        self.assertIn("The week's findings", text)

    def test_the_daily_summary_counts_the_days_evaluations_and_feedback(self):
        text = pdf_text(self.pdf(ReportKind.DAILY))
        self.assertIn(f"Evaluations submitted\n{len(self.evaluations)}", text.replace(" \n", "\n"))
        self.assertIn("Feedback SLA met", text)


class CenterCoachingSectionTests(MonthData):
    def test_the_center_analysis_gives_the_plans_and_whether_their_goals_improved(self):
        created = in_month(self.month, 10)
        plan = make_plan(agent=self.agent, owner=self.trainer, deadline=created.date() + dt.timedelta(days=30))
        done = make_plan(agent=self.other_agent, owner=self.trainer, status=PlanStatus.COMPLETED)
        CoachingPlan.objects.filter(pk=plan.pk).update(created_at=created)
        CoachingPlan.objects.filter(pk=done.pk).update(created_at=created, completed_at=created + dt.timedelta(days=2))
        # The agent's etiquette before the plan: 100, 50, 0 (days 3, 5, 7); since: 100, 100 → met.
        for day in (12, 14):
            self.evaluate(self.agent, day=day, values=FULL)
        report = reports_generate(month=self.month, kinds=["center"], language="en")[0]
        with report.file.open("rb") as handle:
            text = " ".join(pdf_text(handle.read()).split())
        self.assertIn("2: 1 active (1 open, 0 in progress, 0 overdue), 1 completed", text)
        self.assertIn("2 plans created, 1 completed", text)
        self.assertIn("1 of 1 goals with evidence (100 %, 95 % interval 21–100 %)", text)
        self.assertNotIn("No coaching plans recorded", text)


class ReportLanguageTests(MonthData):
    def test_a_report_follows_its_language_and_keeps_chinese_names(self):
        report = reports_generate(month=self.month, kinds=["agent"], agents=[self.chinese], language="zh-hans")[0]
        self.assertEqual(report.language, "zh-hans")
        with report.file.open("rb") as handle:
            text = pdf_text(handle.read())
        self.assertIn("王小明", text)
        # Dates and months as Chinese writes them (Django's zh-hans formats).
        self.assertIn(f"{self.month.year}年{self.month.month}月", text)

    def test_a_quiet_month_still_gives_a_readable_report(self):
        quiet = self.month.previous.previous
        report = reports_generate(month=quiet, kinds=["agent"], agents=[self.agent])[0]
        with report.file.open("rb") as handle:
            data = handle.read()
        self.assertIn("no evaluations", pdf_text(data))
        self.assertEqual(chart_streams(data), [])
        self.assertEqual(GeneratedReport.objects.filter(period_start=dt.date(quiet.year, quiet.month, 1)).count(), 1)


class AgentReportListingTests(MonthData):
    def test_an_evaluation_awaiting_feedback_counts_but_is_not_listed_to_the_agent(self):
        pending = self.evaluate(self.agent, day=20, values=FULL, deliver_feedback=False)
        report = reports_generate(month=self.month, kinds=["agent"], agents=[self.agent])[0]
        with report.file.open("rb") as handle:
            text = pdf_text(handle.read())
        self.assertIn("(n = 4,", text)
        self.assertNotIn(pending.call.external_id, text)
        self.assertIn(self.evaluations[0].call.external_id, text)
        self.assertIn("1 more evaluation counts in the figures above but is not listed", text)
