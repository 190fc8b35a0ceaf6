"""The manager's center overview: the month's calls by line, shift and direction and in total,
from one scan of the month's calls (issue 14), with the figures a manager reads."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from monitoring import selectors
from tests import factories as f
from tests.personas import Personas

MONTH = selectors.Period(2026, 10)


def at(day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, 10))


class CenterOverviewTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.day = f.ShiftFactory(code="day", name="Day")
        rows = [  # line, shift, direction, talk, hold, acw, csat
            (cls.lob, cls.day, "inbound", 100, 10, 10, 5),
            (cls.lob, None, "inbound", 200, 0, 20, None),
            (cls.sales, cls.day, "outbound", 300, 30, 0, 3),
        ]
        for i, (lob, shift, direction, talk, hold, acw, csat) in enumerate(rows):
            f.CallFactory(
                agent=cls.agent,
                line_of_business=lob,
                shift=shift,
                direction=direction,
                talk_seconds=talk,
                hold_seconds=hold,
                acw_seconds=acw,
                csat=csat,
                start_time=at(3 + i),
            )
        f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=at(1) - dt.timedelta(days=2))  # September

    def test_each_grouping_and_the_total_from_one_scan(self):
        with self.assertNumQueries(3):  # the month's cells, active agents, teams
            figures = selectors.center_overview(period=MONTH)
        totals = figures["totals"]
        self.assertEqual((totals["calls"], totals["surveyed"]), (3, 2))
        self.assertAlmostEqual(totals["avg_talk"], 200.0)
        self.assertAlmostEqual(totals["avg_handle"], (120 + 220 + 330) / 3)
        self.assertAlmostEqual(totals["avg_csat"], 4.0)
        by_line = {r["line_of_business__code"]: r for r in figures["by_line"]}
        self.assertEqual([r["line_of_business__name"] for r in figures["by_line"]], ["Billing", "Sales"])
        self.assertEqual(by_line["billing"]["calls"], 2)
        self.assertAlmostEqual(by_line["billing"]["avg_csat"], 5.0)  # one surveyed call
        self.assertEqual([r["shift__name"] for r in figures["by_shift"]], [None, "Day"])  # "No shift" first
        self.assertEqual(
            [(r["direction"], r["calls"]) for r in figures["by_direction"]], [("inbound", 2), ("outbound", 1)]
        )

    def test_an_empty_month_shows_zero_calls_and_no_averages(self):
        totals = selectors.center_overview(period=selectors.Period(2026, 8))["totals"]
        self.assertEqual(
            (totals["calls"], totals["recorded"], totals["avg_handle"], totals["avg_csat"]), (0, 0, None, None)
        )

    def test_the_page_shows_them(self):
        self.client.force_login(self.manager)
        page = self.client.get(f"/overview/?month={MONTH.label}")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Sales")
