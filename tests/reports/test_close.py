"""Closing a month: its figures are frozen (once, only when it is over, by a manager), and a later
change — a dispute adjusted in scoring — is paid as an adjustment with the next month, never by
rewriting the closed one."""

import csv
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qa_platform.errors import IllegalTransition
from reports import export
from reports.models import Adjustment, AgentMonthResult, MonthClose, PerformanceComponent
from reports.selectors.adjustments import pending_adjustments
from reports.services.close import month_close
from reports.services.performance import performance_components_update
from scoring import services as scoring
from scoring.models import DisputeStatus
from tests.reports.performance_month import BEFORE, MONTH, PERFECT, PerformanceMonth, this_month
from tests.scoring.factories import WORKED_ANSWERS, answer_inputs, make_evaluation, settle_dispute

D = Decimal


def csv_rows(period) -> list[dict]:
    content = export.to_csv(export.bonus_export(period)).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


class CloseTests(PerformanceMonth):
    def test_closing_freezes_every_agents_figures(self):
        close = month_close(month=MONTH, by=self.manager)
        self.assertEqual((close.results_count, close.adjustments_count), (2, 0))
        row = AgentMonthResult.objects.get(close=close, agent=self.agent)
        self.assertEqual((row.team_name, row.evaluations, row.qa_average), ("Team A", 2, D("88.8")))
        self.assertEqual((row.total, row.band, row.multiplier), (D("88.8"), "Good", D("1.00")))
        self.assertEqual(row.components["handle_time"]["score"], 81.5)
        self.assertEqual(row.components["attendance"]["raw"], 95.0)
        self.assertEqual(close.closed_by, self.manager)

    def test_closing_twice_is_a_409_naming_the_close(self):
        month_close(month=MONTH, by=self.manager)
        with self.assertRaises(IllegalTransition) as caught:
            month_close(month=MONTH, by=self.manager)
        self.assertIn(f"{MONTH.label} was closed on", caught.exception.message)
        self.assertIn("by manager", caught.exception.message)
        response = self.api(self.manager).post(f"/api/v1/hr/months/{MONTH.label}/close/")
        self.assertEqual(response.status_code, 409)
        self.assertIn("was closed on", response.json()["detail"])
        self.assertEqual(AgentMonthResult.objects.count(), 2)

    def test_a_month_not_yet_over_cannot_be_closed(self):
        with self.assertRaises(IllegalTransition) as caught:
            month_close(month=this_month(), by=self.manager)
        self.assertIn("month", caught.exception.details)
        response = self.api(self.manager).post(f"/api/v1/hr/months/{this_month().label}/close/")
        self.assertEqual(response.status_code, 409)
        self.assertIn("not over yet", response.json()["month"][0])
        self.assertIn("not over yet", response.json()["detail"])
        self.assertFalse(MonthClose.objects.exists())

    def test_the_api_closes_a_month(self):
        response = self.api(self.manager).post(f"/api/v1/hr/months/{MONTH.label}/close/")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["month"], MONTH.label)
        self.assertEqual((response.json()["results"], response.json()["closed_by"]), (2, "manager"))

    def test_the_page_closes_a_month(self):
        self.client.force_login(self.manager)
        page = self.client.get(f"/hr/export/?month={MONTH.label}")
        self.assertContains(page, f"Close {MONTH.label}")
        response = self.client.post(f"/hr/months/{MONTH.label}/close/", follow=True)
        self.assertContains(response, f"{MONTH.label} is closed")
        again = self.client.post(f"/hr/months/{MONTH.label}/close/")
        self.assertContains(again, "was closed on", status_code=409)

    def test_only_managers_close_a_month(self):
        for user in (self.hr, self.supervisor, self.qa, self.agent_user):
            with self.assertRaises(PermissionDenied):
                month_close(month=MONTH, by=user)
            self.assertEqual(self.api(user).post(f"/api/v1/hr/months/{MONTH.label}/close/").status_code, 403)
            self.client.force_login(user)
            self.assertEqual(self.client.post(f"/hr/months/{MONTH.label}/close/").status_code, 403)
        self.assertFalse(MonthClose.objects.exists())

    def test_the_performance_page_shows_a_closed_month_as_frozen(self):
        month_close(month=MONTH, by=self.manager)
        self.client.force_login(self.agent_user)
        response = self.client.get(f"/performance/{self.agent.pk}/?month={MONTH.label}")
        self.assertContains(response, "these are the figures HR was paid from")
        self.assertContains(response, "88.8")


class AdjustmentTests(PerformanceMonth):
    """`MONTH` is the closed month; the next month (this month, still open) pays the difference."""

    def dispute_and_adjust(self, evaluation, values):
        scoring.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason="The customer hung up first.")
        evaluation.refresh_from_db()
        # Issue 9: the dispute's reviewer re-scores blind (here: `values`) and applies the re-score.
        settle_dispute(
            evaluation,
            outcome=DisputeStatus.ADJUSTED,
            answers=answer_inputs(self.version, values),
            reason="Agreed on listening again.",
        )

    def test_a_closed_month_is_unchanged_by_an_adjusted_dispute_which_the_next_export_pays(self):
        frozen = csv_rows(MONTH)
        month_close(month=MONTH, by=self.manager)
        # The WORKED (77.5) evaluation of call2 is adjusted to PERFECT (100): QA average 88.75 → 100.
        self.dispute_and_adjust(self.eval2, PERFECT)
        self.eval2.refresh_from_db()
        self.assertEqual(self.eval2.total, D("100.0"))

        self.assertEqual(csv_rows(MONTH), frozen)
        self.assertEqual(AgentMonthResult.objects.get(agent=self.agent).total, D("88.8"))

        rows = csv_rows(this_month())
        adjustments = [r for r in rows if r["Row type"] == "Adjustment"]
        self.assertEqual(len(adjustments), 1)
        adj = adjustments[0]
        self.assertEqual(
            (adj["Employee ID"], adj["Month"], adj["Adjusted month"]), ("E1", this_month().label, MONTH.label)
        )
        self.assertEqual((adj["QA average before"], adj["QA average after"]), ("88.8", "100.0"))
        # 100 × 0.4 + 17.5 + 16.296 + 10 + 9.5 = 93.296 → 93.3, "Outstanding" × 1.20
        self.assertEqual((adj["Performance score before"], adj["Performance score after"]), ("88.8", "93.3"))
        self.assertEqual((adj["Bonus multiplier before"], adj["Bonus multiplier after"]), ("1.00", "1.20"))
        self.assertEqual(adj["Performance score"], "")

    def test_an_upheld_dispute_adjusts_nothing(self):
        month_close(month=MONTH, by=self.manager)
        scoring.evaluation_dispute(evaluation=self.eval2, by=self.agent_user, reason="The customer hung up first.")
        self.eval2.refresh_from_db()
        settle_dispute(self.eval2, outcome=DisputeStatus.UPHELD, reason="The score stands.")
        self.assertEqual(pending_adjustments(this_month()), [])

    def test_closing_the_next_month_stores_the_adjustment_once(self):
        month_close(month=BEFORE, by=self.manager)
        # A late evaluation of a call of BEFORE, scored after BEFORE was closed.
        late = self.make_call(self.other_agent, talk=240, period=BEFORE)
        make_evaluation(call=late, by=self.qa, values=WORKED_ANSWERS)
        pending = pending_adjustments(MONTH)
        self.assertEqual([(a.employee_id, a.of_month, a.total_after) for a in pending], [("E2", BEFORE, D("87.1"))])
        close = month_close(month=MONTH, by=self.manager)
        self.assertEqual(close.adjustments_count, 1)
        stored = Adjustment.objects.get()
        self.assertEqual((stored.agent, stored.total_before, stored.total_after), (self.other_agent, None, D("87.1")))
        # The closed month's export shows it exactly as stored; the next open month does not pay it again.
        closed_rows = [r for r in csv_rows(MONTH) if r["Row type"] == "Adjustment"]
        self.assertEqual([(r["Employee ID"], r["Adjusted month"]) for r in closed_rows], [("E2", BEFORE.label)])
        self.assertEqual(pending_adjustments(this_month()), [])

    def test_a_change_of_weights_does_not_reprice_a_closed_month(self):
        month_close(month=MONTH, by=self.manager)
        ids = {c.code: c.pk for c in PerformanceComponent.objects.all()}
        performance_components_update(
            changes={ids["qa"]: {"weight": 50}, ids["attendance"]: {"weight": 0}}, by=self.manager
        )
        self.dispute_and_adjust(self.eval2, PERFECT)
        adj = pending_adjustments(this_month())[0]
        # Recomputed with the weights the month was closed with (QA 40 %), not today's 50 %.
        self.assertEqual(adj.total_after, D("93.3"))

    def test_looking_for_adjustments_costs_the_same_queries_whatever_the_agents(self):
        month_close(month=MONTH, by=self.manager)
        self.dispute_and_adjust(self.eval2, PERFECT)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                pending_adjustments(this_month())
            return len(ctx.captured_queries)

        before = count()
        for i in range(5):
            agent = self.other_agent.__class__.objects.create(
                employee_id=f"X{i}", name=f"X {i}", team=self.team, hire_date=self.agent.hire_date
            )
            self.make_call(agent, talk=100)
        self.assertEqual(count(), before)
