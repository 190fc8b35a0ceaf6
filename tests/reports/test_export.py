"""The HR export: its columns and values in CSV and XLSX (read back with csv and openpyxl),
formula neutralisation, the page, the API and the management command, who may export, and a
constant number of queries."""

import csv
import io
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports import export
from reports.models import MonthClose
from tests import factories as f
from tests.reports.performance_month import BEFORE, MONTH, PerformanceMonth

HEADER = [
    "Employee ID",
    "Name",
    "Team",
    "Month",
    "Row type",
    "Adjusted month",
    "Evaluations counted",
    # The column says which figure it averages: the agent score by default (issue 16).
    "QA average (agent score)",
    "Critical failures",
    "QA average (score)",
    "Customer satisfaction (score)",
    "Average handle time (score)",
    "After-call work (score)",
    "Attendance (imported) (score)",
    "Performance score",
    "Bonus band",
    "Bonus multiplier",
    "QA average before",
    "QA average after",
    "Performance score before",
    "Performance score after",
    "Bonus multiplier before",
    "Bonus multiplier after",
]
E1 = ["E1", "Li Na", "Team A", MONTH.label, "Result", "", "2", "88.8", "0", "88.8", "87.5", "81.5", "100.0", "95.0"]
E1 += ["88.8", "Good", "1.00", "", "", "", "", "", ""]
E2 = ["E2", "Wang Wei", "Team B", MONTH.label, "Result", "", "1", "77.5", "0", "77.5", "", "100.0", "100.0", ""]
E2 += ["87.1", "Good", "1.00", "", "", "", "", "", ""]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV out is UTF-8 with a BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class ExportContentTests(PerformanceMonth):
    def test_the_csv_has_the_columns_and_values(self):
        rows = read_csv(export.to_csv(export.bonus_export(MONTH)))
        self.assertEqual(rows, [HEADER, E1, E2])

    def test_the_xlsx_has_the_same_columns_with_numbers_as_numbers(self):
        rows = read_xlsx(export.to_xlsx(export.bonus_export(MONTH)))
        self.assertEqual(rows[0], HEADER)
        e1 = dict(zip(HEADER, rows[1], strict=True))
        self.assertEqual((e1["Employee ID"], e1["Team"], e1["Month"]), ("E1", "Team A", MONTH.label))
        self.assertEqual(e1["Evaluations counted"], 2)
        self.assertEqual(e1["QA average (agent score)"], 88.8)
        self.assertEqual(e1["Average handle time (score)"], 81.5)
        self.assertEqual((e1["Performance score"], e1["Bonus band"], e1["Bonus multiplier"]), (88.8, "Good", 1.0))
        e2 = dict(zip(HEADER, rows[2], strict=True))
        self.assertIsNone(e2["Customer satisfaction (score)"])
        self.assertEqual(e2["Performance score"], 87.1)

    def test_a_formula_in_a_name_is_neutralised_in_csv_and_xlsx(self):
        self.agent.name = '=HYPERLINK("http://x","y")'
        self.agent.save()
        self.team.name = "+Team"
        self.team.save()
        table = export.bonus_export(MONTH)
        csv_row = read_csv(export.to_csv(table))[1]
        self.assertEqual(csv_row[1], '\'=HYPERLINK("http://x","y")')
        self.assertEqual(csv_row[2], "'+Team")
        workbook = load_workbook(io.BytesIO(export.to_xlsx(table)))
        cell = workbook.active["B2"]
        self.assertEqual((cell.value, cell.data_type), ('\'=HYPERLINK("http://x","y")', "s"))

    def test_a_chinese_center_exports_chinese_in_csv_and_xlsx(self):
        # Chinese names, team and band, and the headers in the person's language, read back
        # as Excel reads them: the CSV through its BOM, the XLSX cell by cell.
        from django.utils import translation

        from reports.models import BonusBand

        self.agent.name = "徐桂英"
        self.agent.save()
        self.team.name = "上海账务一组"
        self.team.save()
        BonusBand.objects.filter(name="Good").update(name="良好")
        with translation.override("zh-hans"):
            table = export.bonus_export(MONTH)
            csv_rows = read_csv(export.to_csv(table))
            xlsx_rows = read_xlsx(export.to_xlsx(table))
        for rows in (csv_rows, xlsx_rows):
            header = rows[0]
            self.assertIn("工号", header[0])
            e1 = dict(zip(header, rows[1], strict=True))
            self.assertEqual(e1[header[1]], "徐桂英")
            self.assertEqual(e1[header[2]], "上海账务一组")
            self.assertIn("良好", rows[1])

    def test_each_formula_start_is_neutralised(self):
        for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
            self.assertEqual(export.neutralise(text), "'" + text)
        self.assertEqual(export.neutralise("Li Na"), "Li Na")

    def test_a_closed_month_exports_its_frozen_rows_exactly(self):
        from reports.services.close import month_close

        before = export.to_csv(export.bonus_export(MONTH))
        month_close(month=MONTH, by=self.manager)
        self.make_call(self.other_agent, talk=2000, csat=1)  # a late call: the frozen month does not move
        self.assertEqual(export.to_csv(export.bonus_export(MONTH)), before)

    def test_the_export_costs_the_same_queries_at_two_sizes(self):
        MonthClose.objects.create(month=BEFORE.start.date())  # adjustments are looked for too

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                export.to_xlsx(export.bonus_export(MONTH))
            return len(ctx.captured_queries)

        small = count()
        for i in range(6):
            agent = f.AgentFactory(team=self.other_team)
            self.make_call(agent, talk=100 + i, csat=2 + i % 3)
        self.assertEqual(count(), small)
        self.assertLessEqual(small, 12)


class ExportAccessTests(PerformanceMonth):
    def test_hr_downloads_csv_and_xlsx_from_the_page(self):
        self.client.force_login(self.hr)
        page = self.client.get("/hr/export/")
        self.assertContains(page, "Download XLSX")
        self.assertNotContains(page, "/close/")
        response = self.client.get("/hr/export/", {"month": MONTH.label, "format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f'filename="bonus-{MONTH.label}.csv"', response["Content-Disposition"])
        self.assertEqual(read_csv(response.content)[1], E1)
        response = self.client.get("/hr/export/", {"month": MONTH.label, "format": "xlsx"})
        self.assertEqual(read_xlsx(response.content)[0], HEADER)

    def test_a_bad_month_is_a_400_on_the_page(self):
        self.client.force_login(self.hr)
        response = self.client.get("/hr/export/", {"month": "2026-13", "format": "csv"})
        self.assertContains(response, "YYYY-MM", status_code=400)

    def test_the_api_gives_csv_xlsx_and_json(self):
        self.client.force_login(self.hr)
        url = f"/api/v1/hr/export/?month={MONTH.label}"
        self.assertEqual(read_csv(self.client.get(url + "&format=csv").content)[2], E2)
        self.assertEqual(read_xlsx(self.client.get(url + "&format=xlsx").content)[0], HEADER)
        data = self.client.get(url + "&format=json").json()
        self.assertEqual((data["month"], data["closed"]), (MONTH.label, False))
        e1 = data["rows"][0]
        self.assertEqual((e1["employee_id"], e1["total"], e1["band"], e1["multiplier"]), ("E1", 88.8, "Good", 1.0))
        self.assertEqual(e1["components"]["csat"], 87.5)

    def test_the_api_refuses_a_bad_month_or_format(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/api/v1/hr/export/?month=nope&format=csv").status_code, 400)
        response = self.client.get(f"/api/v1/hr/export/?month={MONTH.label}&format=pdf")
        self.assertEqual(response.status_code, 400)
        self.assertIn("format", response.json())

    def test_only_hr_managers_and_admins_export(self):
        for user in (self.agent_user, self.supervisor, self.qa, self.trainer):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/hr/export/").status_code, 403, user.username)
            api = self.client.get(f"/api/v1/hr/export/?month={MONTH.label}&format=csv")
            self.assertEqual(api.status_code, 403, user.username)
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get(f"/api/v1/hr/export/?month={MONTH.label}&format=json").status_code, 200)

    def test_hr_gets_the_export_in_the_menu_and_nothing_of_the_scores(self):
        from qa_platform.menu import items_for

        names = [item.url_name for item in items_for(self.hr)]
        self.assertEqual(names[0], "hr-export")
        self.assertNotIn("performance-list", names)
        self.assertNotIn("performance-detail", names)


class ExportCommandTests(PerformanceMonth):
    def test_it_writes_csv_and_xlsx_files(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "bonus.csv"
            call_command(
                "export_bonus", "--month", MONTH.label, "--format", "csv", "--output", str(out), stdout=io.StringIO()
            )
            self.assertEqual(read_csv(out.read_bytes()), [HEADER, E1, E2])
            xlsx = Path(folder) / "bonus.xlsx"
            call_command(
                "export_bonus", "--month", MONTH.label, "--format", "xlsx", "--output", str(xlsx), stdout=io.StringIO()
            )
            self.assertEqual(read_xlsx(xlsx.read_bytes())[1][0], "E1")

    def test_it_refuses_a_malformed_month(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("export_bonus", "--month", "11/2026")

    def test_decimal_values_are_exact(self):
        self.assertEqual(export.bonus_export(MONTH).rows[0]["total"], Decimal("88.8"))
