"""Imported components: `manage.py import_components FILE.csv` and POST
/api/v1/performance/components/values/ — UTF-8, UTF-8 with BOM and GB18030 files; any bad row
imports nothing, and the refusal names the row and the field."""

import io
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import ComponentValue, PerformanceComponent
from reports.selectors.performance import month_results
from tests.reports.performance_month import MONTH, PerformanceMonth

URL = "/api/v1/performance/components/values/"


class ImportCommandTests(PerformanceMonth):
    def run_file(self, text: str, encoding: str = "utf-8") -> tuple[str, str]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "values.csv"
            path.write_bytes(text.encode(encoding))
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command("import_components", str(path), stdout=out, stderr=err)
            finally:
                self.errors = err.getvalue()
            return out.getvalue(), err.getvalue()

    def test_it_imports_a_utf8_file_and_the_score_uses_it(self):
        out, _err = self.run_file(f"employee_id,month,component,value\nE2,{MONTH.label},attendance,80\n")
        self.assertIn("1 new", out)
        self.assertEqual(ComponentValue.objects.get(agent=self.other_agent).value, Decimal("80.0"))
        e2 = next(r for r in month_results(MONTH) if r.employee_id == "E2")
        # (77.5 × 40 + 100 × 20 + 100 × 10 + 80 × 10) / 80 = 6900 / 80 = 86.25 → 86.3
        self.assertEqual(e2.total, Decimal("86.3"))

    def test_it_replaces_an_earlier_value(self):
        out, _err = self.run_file(f"employee_id,month,component,value\nE1,{MONTH.label},attendance,90.5\n")
        self.assertIn("1 replaced", out)
        self.assertEqual(ComponentValue.objects.get(agent=self.agent).value, Decimal("90.5"))

    def test_it_reads_utf8_with_a_bom_and_gb18030(self):
        self.run_file(f"employee_id,month,component,value\nE2,{MONTH.label},attendance,70\n", "utf-8-sig")
        self.assertEqual(ComponentValue.objects.get(agent=self.other_agent).value, Decimal("70.0"))
        self.agent.employee_id = "工号1"
        self.agent.save()
        self.run_file(f"employee_id,month,component,value\n工号1,{MONTH.label},attendance,60\n", "gb18030")
        self.assertEqual(ComponentValue.objects.get(agent=self.agent).value, Decimal("60.0"))

    def test_any_bad_row_imports_nothing_and_is_named_with_its_field(self):
        text = (
            "employee_id,month,component,value\n"
            f"E2,{MONTH.label},attendance,80\n"
            f"E9,{MONTH.label},attendance,80\n"
            f"E2,{MONTH.label},attendance,101\n"
            f"E2,2026-13,qa,80\n"
        )
        with self.assertRaises(CommandError) as caught:
            self.run_file(text)
        self.assertIn("nothing was imported", str(caught.exception))
        self.assertIn("line 3: employee_id: No agent has employee id 'E9'", self.errors)
        self.assertIn("line 4: value:", self.errors)
        self.assertIn("line 5: month:", self.errors)
        self.assertIn("line 5: component: QA average is computed by the platform", self.errors)
        self.assertFalse(ComponentValue.objects.filter(agent=self.other_agent).exists())

    def test_a_missing_column_is_refused(self):
        with self.assertRaises(CommandError):
            self.run_file("employee_id,month,value\nE2,2026-11,80\n")
        self.assertIn("line 1: component: The header has no 'component' column.", self.errors)

    def test_the_same_value_twice_in_a_file_is_refused(self):
        with self.assertRaises(CommandError):
            self.run_file(
                f"employee_id,month,component,value\nE2,{MONTH.label},attendance,80\nE2,{MONTH.label},attendance,81\n"
            )
        self.assertIn("line 3: component: Row 2 already gives", self.errors)


class ImportApiTests(PerformanceMonth):
    def test_a_manager_imports_a_list_of_rows(self):
        rows = [
            {"employee_id": "E2", "month": MONTH.label, "component": "attendance", "value": 85.5},
            {"employee_id": "E1", "month": MONTH.label, "component": "attendance", "value": "99"},
        ]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json(), {"created": 1, "updated": 1, "rows": 2})
        self.assertEqual(ComponentValue.objects.get(agent=self.other_agent).imported_by, self.manager)

    def test_bad_rows_are_a_400_listing_row_field_and_reason(self):
        rows = [
            {"employee_id": "E2", "month": MONTH.label, "component": "attendance", "value": 85},
            {"employee_id": "E2", "month": MONTH.label, "component": "nope", "value": 85.25},
            "not a row",
        ]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 400)
        problems = response.json()
        self.assertEqual([(p["row"], p["field"]) for p in problems], [(2, "component"), (2, "value"), (3, "row")])
        self.assertTrue(all(p["reason"] for p in problems))
        self.assertFalse(ComponentValue.objects.filter(agent=self.other_agent).exists())

    def test_rows_naming_an_agent_or_component_that_does_not_exist_are_a_404(self):
        rows = [
            {"employee_id": "E404", "month": MONTH.label, "component": "attendance", "value": 85},
            {"employee_id": "E2", "month": MONTH.label, "component": "nope", "value": 85},
        ]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 404)
        self.assertEqual([(p["row"], p["field"]) for p in response.json()], [(1, "employee_id"), (2, "component")])

    def test_a_month_that_has_not_begun_is_a_409(self):
        rows = [{"employee_id": "E2", "month": "2099-01", "component": "attendance", "value": 85}]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 409)
        self.assertEqual([(p["row"], p["field"]) for p in response.json()], [(1, "month")])

    def test_a_malformed_row_makes_the_batch_a_400_whatever_else_it_names(self):
        rows = [
            {"employee_id": "E404", "month": MONTH.label, "component": "attendance", "value": 85},
            {"employee_id": "E2", "month": MONTH.label, "component": "attendance", "value": [85]},
        ]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual([(p["row"], p["field"]) for p in response.json()], [(1, "employee_id"), (2, "value")])

    def test_a_float_a_hair_off_a_tenth_is_that_tenth(self):
        rows = [{"employee_id": "E2", "month": MONTH.label, "component": "attendance", "value": 0.1 * 3}]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(ComponentValue.objects.get(agent=self.other_agent).value, Decimal("0.3"))

    def test_an_empty_list_is_a_400_on_the_list(self):
        response = self.api(self.manager).post(URL, [], format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual([(p["row"], p["field"]) for p in response.json()], [(0, "rows")])

    def test_a_body_that_is_not_a_list_is_a_400(self):
        response = self.api(self.manager).post(URL, {"employee_id": "E2"}, format="json")
        self.assertEqual(response.status_code, 400)

    def test_only_managers_import(self):
        rows = [{"employee_id": "E2", "month": MONTH.label, "component": "attendance", "value": 85}]
        for user in (self.hr, self.supervisor, self.qa, self.agent_user):
            self.assertEqual(self.api(user).post(URL, rows, format="json").status_code, 403, user.username)

    def test_a_component_computed_from_calls_takes_no_values(self):
        self.assertTrue(PerformanceComponent.objects.filter(code="csat", source="csat").exists())
        rows = [{"employee_id": "E2", "month": MONTH.label, "component": "csat", "value": 85}]
        response = self.api(self.manager).post(URL, rows, format="json")
        self.assertEqual(response.json()[0]["field"], "component")
