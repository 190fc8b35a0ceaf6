"""Automatic QA flags over every call beside the human QA average (issue 12): a constructed
month, counted by hand.

Last month (`MONTH`), on the worked-example scorecard (totals WORKED 77.5, EIGHTY 80, PERFECT 100):

- Li Na (E1, Team A), Billing: ten analysed calls — #0 long silence and forbidden phrase, #1 and
  #2 long silence, #3–#9 nothing — plus one skipped analysis (carrying a stray long-call flag,
  which must not count), one failed and one call never analysed: 13 calls, n = 10, long silence
  3/10, forbidden phrase 1/10, any flag 3/10, long call 0/10.
  Counted evaluations: #0 77.5, #1 80 (flagged), #3 100, #4 100 (unflagged), the unanalysed call
  77.5 (in the average, in neither side): n = 5, mean 87.0; flagged n = 2, 78.75; unflagged
  n = 2, 100; difference −21.25. Not counted: a calibration score of #5, a draft of #6, and
  a score of a call of the month before.
- Wang Wei (E2, Team B), Sales: four analysed calls — #0 and #1 long or many holds, #2 required
  phrase missing, #3 nothing — and one never analysed: 5 calls, n = 4, any flag 3/4. Evaluated:
  #0 80 (flagged), #3 100 (unflagged). Billing: two analysed calls, no flag, #0 evaluated 100.
- The center: 20 calls, n = 16, any flag 6/16; Billing 15 calls, n = 12, any 3; Sales 5, n = 4,
  any 3; Team A 13 / 10 / 3; Team B 7 / 6 / 3.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from unittest import mock

from monitoring.models import AnalysisStatus, CallAnalysis
from qa_platform.roles import SUPERVISOR, has_role
from reports.models import ComponentSource, PerformanceComponent, QAFigure
from reports.selectors import call_flags as cf
from scoring.models import Evaluation
from scoring.stats import mean_interval, proportion_interval, welch_interval
from tests import factories as f
from tests.personas import Personas
from tests.reports.performance_month import EIGHTY, MONTH, PERFECT, at
from tests.scoring.factories import WORKED_ANSWERS, make_evaluation, make_scorecard_version

URL = "/reports/call-flags/"
SCORES = {77.5: WORKED_ANSWERS, 80: EIGHTY, 100: PERFECT}


class CallFlagMonth(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.other_team.lines_of_business.add(cls.sales)
        cls.version = make_scorecard_version(lines_of_business=[cls.lob, cls.sales])
        li = [cls.call_with(cls.agent, cls.lob, day=1 + i) for i in range(10)]
        cls.flag(li[0], long_silence=True, forbidden_phrase=True)
        cls.flag(li[1], long_silence=True)
        cls.flag(li[2], long_silence=True)
        for c in li[3:]:
            cls.flag(c)
        cls.flag(cls.call_with(cls.agent, cls.lob, day=12), AnalysisStatus.SKIPPED, long_call=True)
        cls.flag(cls.call_with(cls.agent, cls.lob, day=13), AnalysisStatus.FAILED)
        unanalysed = cls.call_with(cls.agent, cls.lob, day=14)
        for call, total in ((li[0], 77.5), (li[1], 80), (li[3], 100), (li[4], 100), (unanalysed, 77.5)):
            cls.evaluate(call, total)
        make_evaluation(call=li[5], by=cls.qa, version=cls.version, values=PERFECT, kind="calibration")
        make_evaluation(call=li[6], by=cls.qa, version=cls.version, values=PERFECT, submit=False)
        earlier = cls.call_with(cls.agent, cls.lob, day=5, period=MONTH.previous)
        cls.flag(earlier, long_silence=True)
        cls.evaluate(earlier, 77.5)

        wang = [cls.call_with(cls.other_agent, cls.sales, day=1 + i) for i in range(4)]
        cls.flag(wang[0], long_hold=True)
        cls.flag(wang[1], long_hold=True)
        cls.flag(wang[2], required_missing=True)
        cls.flag(wang[3])
        cls.call_with(cls.other_agent, cls.sales, day=9)
        cls.evaluate(wang[0], 80)
        cls.evaluate(wang[3], 100)
        billing = [cls.call_with(cls.other_agent, cls.lob, day=20 + i) for i in range(2)]
        for c in billing:
            cls.flag(c)
        cls.evaluate(billing[0], 100)

    @classmethod
    def call_with(cls, agent, line, *, day: int, period=MONTH):
        return f.CallFactory(agent=agent, line_of_business=line, start_time=at(period, day))

    @staticmethod
    def flag(call, status=AnalysisStatus.DONE, **flags):
        return CallAnalysis.objects.create(call=call, status=status, **flags)

    @classmethod
    def evaluate(cls, call, total: float) -> Evaluation:
        evaluation = make_evaluation(call=call, by=cls.qa, version=cls.version, values=SCORES[total])
        assert float(evaluation.total) == total
        return evaluation

    def report(self, user=None, **filters) -> cf.CallFlagReport:
        return cf.call_flag_report(user=user or self.manager, period=MONTH, **filters)

    @staticmethod
    def named(groups) -> dict[str, cf.Group]:
        return {g.name: g for g in groups}


class FlagRateTests(CallFlagMonth):
    def test_each_flags_rate_is_over_the_agents_analysed_calls(self):
        li = self.named(self.report().agents)["Li Na"]
        self.assertEqual((li.calls, li.n), (13, 10))
        rates = {r.flag: (r.share.k, r.share.n) for r in li.rates}
        self.assertEqual(
            rates,
            {
                "long_silence": (3, 10),
                "long_hold": (0, 10),
                "agent_interrupted": (0, 10),
                "long_call": (0, 10),  # the skipped analysis's flag is not counted
                "forbidden_phrase": (1, 10),
                "required_missing": (0, 10),
            },
        )
        self.assertEqual((li.any_rate.k, li.any_rate.n), (3, 10))  # #0's two flags are one call
        self.assertAlmostEqual(li.rate("long_silence").rate, 0.3)

    def test_each_rate_carries_its_wilson_interval(self):
        li = self.named(self.report().agents)["Li Na"]
        self.assertEqual(li.rate("long_silence").interval, proportion_interval(3, 10))
        self.assertEqual(li.any_rate.interval, proportion_interval(3, 10))
        low, high = li.rate("forbidden_phrase").interval
        self.assertLess(low, 0.1)
        self.assertGreater(high, 0.1)

    def test_calls_without_a_done_analysis_are_in_the_coverage_not_the_rates(self):
        li = self.named(self.report().agents)["Li Na"]
        self.assertEqual((li.coverage.k, li.coverage.n), (10, 13))
        wang = self.named(self.report().agents)["Wang Wei"]
        self.assertEqual((wang.calls, wang.n, wang.any), (7, 6, 3))

    def test_lines_teams_and_the_center_add_up(self):
        report = self.report()
        lines, teams = self.named(report.lines), self.named(report.teams)
        self.assertEqual((report.scope.calls, report.scope.n, report.scope.any), (20, 16, 6))
        self.assertEqual((lines["Billing"].calls, lines["Billing"].n, lines["Billing"].any), (15, 12, 3))
        self.assertEqual((lines["Sales"].calls, lines["Sales"].n, lines["Sales"].any), (5, 4, 3))
        self.assertEqual((lines["Sales"].counts["long_hold"], lines["Sales"].counts["required_missing"]), (2, 1))
        self.assertEqual((teams["Team A"].calls, teams["Team A"].n, teams["Team A"].any), (13, 10, 3))
        self.assertEqual((teams["Team B"].calls, teams["Team B"].n, teams["Team B"].any), (7, 6, 3))

    def test_agents_come_highest_any_flag_rate_first(self):
        self.assertEqual([g.name for g in self.report().agents], ["Wang Wei", "Li Na"])  # 3/6 = 50 % > 30 %

    def test_the_line_filter_narrows_every_grouping(self):
        report = self.report(line_id=self.sales.pk)
        self.assertEqual([g.name for g in report.lines], ["Sales"])
        self.assertEqual([g.name for g in report.agents], ["Wang Wei"])
        self.assertEqual((report.scope.calls, report.scope.n, report.scope.any), (5, 4, 3))
        self.assertEqual(report.scope.qa_mean.n, 2)


class QAAverageTests(CallFlagMonth):
    def test_the_qa_average_is_over_counted_evaluations_only(self):
        li = self.named(self.report().agents)["Li Na"].qa_mean
        values = [77.5, 80, 100, 100, 77.5]  # no calibration, draft or other month's score
        self.assertEqual(li.n, 5)
        self.assertAlmostEqual(li.mean, 87.0)
        self.assertAlmostEqual(li.sd, statistics.stdev(values))
        low, high = li.interval
        expected = mean_interval(5, 87.0, statistics.stdev(values))
        self.assertAlmostEqual(low, expected[0])
        self.assertAlmostEqual(high, expected[1])

    def test_flagged_and_unflagged_evaluated_calls_are_averaged_apart(self):
        li = self.named(self.report().agents)["Li Na"]
        self.assertEqual((li.flagged_mean.n, li.unflagged_mean.n), (2, 2))  # the unanalysed call in neither
        self.assertAlmostEqual(li.flagged_mean.mean, 78.75)
        self.assertAlmostEqual(li.unflagged_mean.mean, 100.0)
        self.assertAlmostEqual(li.difference.value, -21.25)
        expected = welch_interval((2, 100.0, 0.0), (2, 78.75, statistics.stdev([77.5, 80])))
        self.assertEqual(tuple(round(x, 6) for x in li.difference.interval), tuple(round(x, 6) for x in expected))

    def test_each_flag_compares_with_and_without_it(self):
        comparisons = {c.flag: c for c in self.named(self.report().agents)["Li Na"].comparisons}
        silence, forbidden = comparisons["long_silence"], comparisons["forbidden_phrase"]
        self.assertEqual((silence.flagged.n, silence.unflagged.n), (2, 2))
        self.assertEqual((forbidden.flagged.n, forbidden.unflagged.n), (1, 3))
        self.assertAlmostEqual(forbidden.flagged.mean, 77.5)
        self.assertAlmostEqual(forbidden.unflagged.mean, (80 + 100 + 100) / 3)
        self.assertIsNone(forbidden.difference.interval)  # one evaluation on the flagged side
        self.assertEqual(comparisons["long_call"].flagged.n, 0)

    def test_the_center_qa_average_covers_every_team(self):
        scope = self.report().scope
        self.assertEqual(scope.qa_mean.n, 8)
        self.assertAlmostEqual(scope.qa_mean.mean, (77.5 + 80 + 100 + 100 + 77.5 + 80 + 100 + 100) / 8)
        self.assertEqual((scope.flagged_mean.n, scope.unflagged_mean.n), (3, 4))

    def test_the_centers_qa_figure_setting_decides_what_is_averaged(self):
        # An agent score apart from the total (as a lost point put down to the process gives).
        evaluation = Evaluation.objects.get(call__agent=self.other_agent, call__line_of_business=self.sales, total=80)
        Evaluation.objects.filter(pk=evaluation.pk).update(agent_score=Decimal("90.0"))
        self.assertEqual(self.report(line_id=self.sales.pk).qa_figure, QAFigure.AGENT_SCORE)
        self.assertAlmostEqual(self.report(line_id=self.sales.pk).scope.qa_mean.mean, 95.0)
        PerformanceComponent.objects.filter(source=ComponentSource.QA).update(qa_figure=QAFigure.TOTAL)
        report = self.report(line_id=self.sales.pk)
        self.assertEqual(report.qa_figure, QAFigure.TOTAL)
        self.assertAlmostEqual(report.scope.qa_mean.mean, 90.0)


class AccessTests(CallFlagMonth):
    def get(self, user, query: str = ""):
        self.client.force_login(user)
        return self.client.get(f"{URL}?month={MONTH.label}{query}")

    def test_a_supervisor_sees_only_their_teams_agents(self):
        report = self.report(self.supervisor)
        self.assertEqual([g.name for g in report.agents], ["Li Na"])
        self.assertEqual([g.name for g in report.teams], ["Team A"])
        self.assertEqual((report.scope.calls, report.scope.n, report.scope.qa_mean.n), (13, 10, 5))
        response = self.get(self.supervisor)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Wang Wei")
        self.assertNotContains(response, "Team B")

    def test_a_supervisor_gets_404_for_a_line_outside_their_teams(self):
        self.assertEqual(self.get(self.supervisor, f"&line={self.sales.pk}").status_code, 404)
        self.assertEqual(self.get(self.manager, "&line=999999").status_code, 404)

    def test_qa_trainer_and_manager_see_the_whole_center(self):
        for user in (self.qa, self.trainer, self.manager):
            self.assertEqual(self.get(user).context["report"].scope.n, 16, user.username)

    def test_an_agent_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.get(user).status_code, 403, user.username)

    def test_the_menu_offers_it_to_those_who_may_open_it(self):
        from qa_platform.menu import items_for

        for user, shown in (
            (self.manager, True),
            (self.supervisor, True),
            (self.qa, True),
            (self.trainer, True),
            (self.agent_user, False),
            (self.hr, False),
        ):
            self.assertEqual("call-flags" in {i.url_name for i in items_for(user)}, shown, user.username)


class PageTests(CallFlagMonth):
    def get(self, query: str = "", month=MONTH):
        self.client.force_login(self.manager)
        return self.client.get(f"{URL}?month={month.label}{query}")

    def test_the_page_shows_each_grouping_with_rates_and_n(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        for text in (
            "By line of business",
            "By team",
            "By agent",
            "By flag",
            "Long silence",
            "QA average (agent score)",
        ):
            self.assertContains(response, text)
        self.assertContains(response, "30.0 %")  # Li Na's any-flag rate…
        self.assertContains(response, "3 / 10")  # …with its k / n
        self.assertContains(response, "of 13 calls")
        self.assertContains(response, "n = 5")  # her QA average's n

    def test_a_month_without_calls_shows_empty_groupings(self):
        response = self.get(month=MONTH.next.next)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].scope.n, 0)
        self.assertContains(response, "No calls this month.")

    def test_an_agent_links_to_their_calls_of_the_month(self):
        response = self.get(f"&line={self.lob.pk}")
        calls = response.context["agents"]
        li = next(row for row in calls if row["group"].name == "Li Na")
        self.assertIn("agent=E1", li["calls_url"])
        self.assertIn(f"date_from={MONTH.start.date().isoformat()}", li["calls_url"])
        self.assertIn("line_of_business=billing", li["calls_url"])
        self.assertContains(response, li["calls_url"].replace("&", "&amp;"))

    def test_agents_are_limited_to_the_top_with_a_link_to_all(self):
        with mock.patch("reports.views.call_flags.TOP_AGENTS", 1):
            response = self.get()
            self.assertEqual([row["group"].name for row in response.context["agents"]], ["Wang Wei"])
            self.assertContains(response, "Show all agents")
            everyone = self.get("&agents=all")
        self.assertEqual([row["group"].name for row in everyone.context["agents"]], ["Wang Wei", "Li Na"])

    def test_all_agents_come_a_page_at_a_time(self):
        with mock.patch("reports.views.call_flags.AGENT_PAGE_SIZE", 1):
            second = self.get("&agents=all&page=2")
        self.assertEqual([row["group"].name for row in second.context["agents"]], ["Li Na"])
        self.assertContains(second, "Page 2 of 2")


class QueryCountTests(CallFlagMonth):
    """A month of its own (two months back): the report costs three queries, the page the same,
    for one agent's two calls and for four agents' twelve calls with evaluations."""

    PERIOD = MONTH.previous.previous

    def add(self, agent, line, count: int, start_day: int):
        for i in range(count):
            call = self.call_with(agent, line, day=start_day + i, period=self.PERIOD)
            self.flag(call, long_silence=bool(i % 2), long_call=bool(i % 3 == 0))
            if i % 2:
                self.evaluate(call, 80)

    def page_queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.manager)
        self.client.get(f"{URL}?month={self.PERIOD.label}")  # the session and roles are cached after this
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(f"{URL}?month={self.PERIOD.label}").status_code, 200)
        return len(ctx.captured_queries)

    def assert_three_queries(self) -> dict[str, int]:
        """The report's queries for a manager and a supervisor (their roles read beforehand, as
        a request reads them once); {username: analysed calls}."""
        out = {}
        for user in (self.manager, self.supervisor):
            has_role(user, SUPERVISOR)
            with self.assertNumQueries(3):
                out[user.username] = cf.call_flag_report(user=user, period=self.PERIOD).scope.n
        return out

    def test_the_report_costs_three_queries_at_any_size(self):
        self.add(self.agent, self.lob, 2, 1)
        self.assertEqual(self.assert_three_queries(), {"manager": 2, "supervisor": 2})
        small = self.page_queries()
        for _ in range(2):
            self.add(f.AgentFactory(team=self.other_team), self.sales, 3, 5)
        self.add(self.other_agent, self.lob, 4, 10)
        self.assertEqual(self.assert_three_queries(), {"manager": 12, "supervisor": 2})
        self.assertEqual(self.page_queries(), small)
