"""The reports page (/reports/) and downloads: each person lists and downloads only the reports
they may see (anything else is a 404), HR has none (403), and a manager's "Generate now" runs
the month's generation."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import GeneratedReport, ReportKind
from reports.services.generate import daily_summary_generate, reports_generate
from tests.reports.month_data import MonthData


class ReportPagesTests(MonthData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reports_generate(month=cls.month, by=cls.manager)
        daily_summary_generate(day=cls.month.start.date())
        by_scope = {
            (r.kind, r.agent_id or r.team_id or r.line_of_business_id): r for r in GeneratedReport.objects.all()
        }
        cls.own_report = by_scope[(ReportKind.AGENT, cls.agent.pk)]
        cls.chinese_report = by_scope[(ReportKind.AGENT, cls.chinese.pk)]
        cls.other_agent_report = by_scope[(ReportKind.AGENT, cls.other_agent.pk)]
        cls.team_report = by_scope[(ReportKind.TEAM, cls.team.pk)]
        cls.other_team_report = by_scope[(ReportKind.TEAM, cls.other_team.pk)]
        cls.line_report = by_scope[(ReportKind.LINE, cls.lob.pk)]
        cls.center_report = by_scope[(ReportKind.CENTER, None)]
        cls.daily_report = by_scope[(ReportKind.DAILY, None)]

    def download(self, user, report):
        self.client.force_login(user)
        return self.client.get(reverse("report-download", args=[report.pk]))

    def listed(self, user) -> set[int]:
        self.client.force_login(user)
        response = self.client.get(reverse("report-list"))
        self.assertEqual(response.status_code, 200)
        return {r.pk for r in response.context["page"]}

    def test_a_download_is_the_pdf_as_an_attachment(self):
        response = self.download(self.agent_user, self.own_report)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="agent-E1-{self.month.label}-en.pdf"')
        self.assertTrue(b"".join(response.streaming_content).startswith(b"%PDF-"))

    def test_an_agent_lists_and_downloads_only_their_own_report(self):
        self.assertEqual(self.listed(self.agent_user), {self.own_report.pk})
        for report in (
            self.other_agent_report,
            self.chinese_report,
            self.team_report,
            self.center_report,
            self.daily_report,
        ):
            with self.subTest(report=report.kind):
                self.assertEqual(self.download(self.agent_user, report).status_code, 404)

    def test_a_supervisor_gets_their_team_its_agents_and_the_center_analysis(self):
        mine = {self.team_report, self.own_report, self.chinese_report, self.center_report}
        self.assertEqual(self.listed(self.supervisor), {r.pk for r in mine})
        for report in mine:
            with self.subTest(allowed=report.kind):
                self.assertEqual(self.download(self.supervisor, report).status_code, 200)
        for report in (self.other_team_report, self.other_agent_report, self.line_report, self.daily_report):
            with self.subTest(refused=report.kind):
                self.assertEqual(self.download(self.supervisor, report).status_code, 404)

    def test_the_other_supervisor_does_not_get_this_team(self):
        self.assertNotIn(self.team_report.pk, self.listed(self.other_supervisor))
        self.assertEqual(self.download(self.other_supervisor, self.team_report).status_code, 404)
        self.assertEqual(self.download(self.other_supervisor, self.other_team_report).status_code, 200)

    def test_center_wide_roles_get_every_report(self):
        every = set(GeneratedReport.objects.values_list("pk", flat=True))
        for user in (self.qa, self.trainer, self.manager):
            with self.subTest(user=user.username):
                self.assertEqual(self.listed(user), every)
                self.assertEqual(self.download(user, self.other_agent_report).status_code, 200)

    def test_hr_has_no_reports(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get(reverse("report-list")).status_code, 403)
        self.assertEqual(self.download(self.hr, self.center_report).status_code, 403)

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.get(reverse("report-download", args=[self.own_report.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_a_report_whose_file_is_gone_is_a_404(self):
        default_storage.delete(self.line_report.file.name)
        self.assertEqual(self.download(self.manager, self.line_report).status_code, 404)

    def test_an_unknown_report_is_a_404(self):
        self.assertEqual(self.client.get("/reports/999999/download/").status_code, 302)
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/reports/999999/download/").status_code, 404)

    def test_the_list_shows_who_generated_each_report_when_and_its_size(self):
        self.client.force_login(self.manager)
        response = self.client.get(reverse("report-list"), {"kind": "center"})
        self.assertContains(response, "Center QA analysis")
        self.assertContains(response, self.manager.username)
        self.assertContains(response, "KB")
        self.assertContains(response, reverse("report-download", args=[self.center_report.pk]))
        self.assertEqual([r.pk for r in response.context["page"]], [self.center_report.pk])

    def test_the_list_costs_the_same_queries_for_more_reports(self):
        self.client.force_login(self.manager)
        with self.assertNumQueries(self._count()):
            self.client.get(reverse("report-list"))
        reports_generate(month=self.month.previous, kinds=["agent"], agents=[self.agent, self.other_agent])
        with self.assertNumQueries(self._count()):
            self.client.get(reverse("report-list"))

    def _count(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.client.get(reverse("report-list"))
        return len(captured.captured_queries)


class GenerateNowTests(MonthData):
    def test_a_manager_generates_a_month_now(self):
        self.client.force_login(self.manager)
        response = self.client.post(reverse("report-generate"), {"month": self.month.label, "language": "en"})
        self.assertRedirects(
            response, f"{reverse('report-list')}?month={self.month.label}", fetch_redirect_response=False
        )
        reports = GeneratedReport.objects.all()
        self.assertEqual(reports.filter(kind=ReportKind.AGENT).count(), 3)
        self.assertEqual({r.generated_by for r in reports}, {self.manager})
        page = self.client.get(response["Location"])
        self.assertContains(page, f"reports generated for {self.month.label}")

    def test_a_bad_month_is_a_400_with_the_reason(self):
        self.client.force_login(self.manager)
        response = self.client.post(reverse("report-generate"), {"month": "2026-13"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "is not a month like 2026-11", status_code=400)
        self.assertFalse(GeneratedReport.objects.exists())

    def test_only_a_manager_or_admin_may_generate(self):
        for user in (self.supervisor, self.qa, self.agent_user, self.hr):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(reverse("report-generate"), {"month": self.month.label})
                self.assertEqual(response.status_code, 403)
        self.assertFalse(GeneratedReport.objects.exists())

    def test_the_button_is_offered_to_managers_only(self):
        self.client.force_login(self.supervisor)
        self.assertNotContains(self.client.get(reverse("report-list")), reverse("report-generate"))
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(reverse("report-list")), reverse("report-generate"))

    def test_generating_needs_a_post(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get(reverse("report-generate")).status_code, 405)
