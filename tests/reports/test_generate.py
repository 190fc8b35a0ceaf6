"""Generating the reports: the service keeps one report per kind, scope, period and language
(regenerating replaces it and removes the old file), costs the same queries however many
evaluations, and the task, beat schedule and command call it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import tasks
from reports.models import GeneratedReport, ReportKind
from reports.services.generate import reports_generate
from tests.reports.month_data import EXAMPLE, FULL, WEAK, MonthData

ROOT = Path(__file__).resolve().parents[2]


class GenerateServiceTests(MonthData):
    def test_regenerating_replaces_the_report_and_removes_the_old_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            first = reports_generate(month=self.month, kinds=["agent"], agents=[self.agent])[0]
        old_name = first.file.name
        # Another file under the same name makes the storage pick a new one for the second run.
        with self.captureOnCommitCallbacks(execute=True):
            second = reports_generate(month=self.month, kinds=["agent"], agents=[self.agent], by=self.manager)[0]
        self.assertEqual(second.pk, first.pk)
        self.assertEqual(GeneratedReport.objects.filter(kind=ReportKind.AGENT, agent=self.agent).count(), 1)
        second.refresh_from_db()
        self.assertEqual(second.generated_by, self.manager)
        self.assertTrue(default_storage.exists(second.file.name))
        if second.file.name != old_name:
            self.assertFalse(default_storage.exists(old_name))
        self.assertEqual(second.size, default_storage.size(second.file.name))

    def test_each_language_keeps_its_own_report(self):
        reports_generate(month=self.month, kinds=["agent"], agents=[self.agent], language="en")
        reports_generate(month=self.month, kinds=["agent"], agents=[self.agent], language="zh-hans")
        languages = GeneratedReport.objects.filter(agent=self.agent).values_list("language", flat=True)
        self.assertEqual(sorted(languages), ["en", "zh-hans"])

    def test_a_duplicate_left_by_a_concurrent_run_is_removed(self):
        first = reports_generate(month=self.month, kinds=["center"])[0]
        GeneratedReport.objects.create(
            kind=first.kind, period_start=first.period_start, period_end=first.period_end, language="en", file="x.pdf"
        )
        reports_generate(month=self.month, kinds=["center"])
        self.assertEqual(
            list(GeneratedReport.objects.filter(kind=ReportKind.CENTER).values_list("pk", flat=True)), [first.pk]
        )

    def test_team_filter_limits_the_team_and_agent_reports(self):
        reports = reports_generate(month=self.month, kinds=["team", "agent"], teams=[self.team])
        self.assertEqual(
            sorted((r.kind, r.team_id or r.agent_id) for r in reports),
            sorted(
                [
                    (ReportKind.TEAM, self.team.pk),
                    (ReportKind.AGENT, self.agent.pk),
                    (ReportKind.AGENT, self.chinese.pk),
                ]
            ),
        )

    def test_an_unknown_language_or_kind_is_refused(self):
        with self.assertRaises(ValidationError):
            reports_generate(month=self.month, language="fr")
        with self.assertRaises(ValidationError):
            reports_generate(month=self.month, kinds=["agent", "yearly"])
        self.assertFalse(GeneratedReport.objects.exists())


class GenerateCostTests(MonthData):
    def queries(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            reports_generate(month=self.month)
        return len(captured.captured_queries)

    def test_the_month_costs_the_same_queries_for_more_evaluations(self):
        self.queries()  # the first run creates the rows; later runs replace them
        few = self.queries()
        for day in range(12, 26):
            for agent in (self.agent, self.chinese, self.other_agent):
                self.evaluate(agent, day=day, values=(FULL, EXAMPLE, WEAK)[day % 3], by=self.qa, hour=9)
        many = self.queries()
        self.assertEqual(many, few)
        self.assertLess(few, 80)


class GenerateTaskTests(MonthData):
    def test_the_month_end_task_generates_the_month_and_is_idempotent(self):
        result = tasks.generate_month.delay(month=self.month.label, by=self.manager.pk).get()
        self.assertEqual(result["month"], self.month.label)
        count = GeneratedReport.objects.count()
        self.assertEqual(result["reports"], count)
        tasks.generate_month.delay(month=self.month.label).get()
        self.assertEqual(GeneratedReport.objects.count(), count)
        self.assertTrue(tasks.generate_month.acks_late)

    def test_the_month_end_task_refuses_a_bad_month(self):
        with self.assertRaises(ValueError):
            tasks.generate_month.delay(month="2026-13").get()

    def test_the_summary_tasks_write_a_daily_and_a_weekly_report(self):
        tasks.daily_summary.delay().get()
        tasks.weekly_summary.delay(week=f"{self.month.label}-05").get()
        self.assertEqual(
            sorted(GeneratedReport.objects.values_list("kind", flat=True)), [ReportKind.DAILY, ReportKind.WEEKLY]
        )

    def test_beat_runs_the_reports_on_their_schedule(self):
        schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        monthly, daily, weekly = (
            schedule["reports.generate_month"],
            schedule["reports.daily_summary"],
            schedule["reports.weekly_summary"],
        )
        self.assertEqual((monthly.hour, monthly.minute, monthly.day_of_month), ({4}, {0}, {1}))
        self.assertEqual((daily.hour, daily.minute), ({6}, {30}))
        self.assertEqual((weekly.hour, weekly.minute, weekly.day_of_week), ({6}, {45}, {1}))


class GenerateCommandTests(MonthData):
    def test_it_writes_the_months_reports_and_says_how_long_it_took(self):
        out = io.StringIO()
        call_command("generate_reports", month=self.month.label, scope="agents", stdout=out)
        self.assertIn(f"Wrote 3 reports for {self.month.label} (en", out.getvalue())
        self.assertRegex(out.getvalue(), r"in \d+\.\d s\.")
        self.assertEqual(GeneratedReport.objects.filter(kind=ReportKind.AGENT).count(), 3)

    def test_it_refuses_a_bad_month_or_language(self):
        for options in ({"month": "2026-13"}, {"month": "November"}, {"month": "2026-11", "language": "fr"}):
            with self.subTest(options=options), self.assertRaises(CommandError):
                call_command("generate_reports", stdout=io.StringIO(), **options)
        self.assertFalse(GeneratedReport.objects.exists())

    def test_a_bad_month_exits_non_zero_with_a_clear_message(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qa_platform.test_settings"}
        done = subprocess.run(
            [sys.executable, "manage.py", "generate_reports", "--month", "2026-13"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("--month '2026-13': use a month like 2026-11", done.stderr)
