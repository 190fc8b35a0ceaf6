"""Lost points by root cause (issue 16): a constructed month, summed by hand.

The scorecard (weights 50/50): S1 "Handling" — Verified yes/no 10 pts, Noted yes/no 10 pts
(possible 20); S2 "Explaining" — Clarity scale 0–4, 10 pts (possible 10). Score points lost:
Verified = no → 50 × 10 / 20 = 25; Clarity = 2 → 50 × 5 / 10 = 25; Clarity = 3 → 12.5.
Causes: SYSTEM "The system dropped the call" (outside the agent's control), SCRIPT "Did not
follow the script" (within it).

Last month (`MONTH`):
- Team A (agent E1), line Billing, ten evaluations: Verified = no, SYSTEM, in all ten (250
  process); Clarity = 2, SCRIPT, in two of them (50 agent). n = 12, lost 300, process share
  250 / 300 = 83.3 %, its interval Wilson(10, 12). SYSTEM: 10 answers, 83.3 % → flagged, in
  the line Billing and in Team A.
- Team B (agent E2), line Sales, ten evaluations: Verified = no, SYSTEM, in nine (225 process);
  the tenth: Verified = no with no cause (25) and Clarity = 3, SCRIPT (12.5 agent). n = 11,
  lost 262.5, process share 225 / 262.5 = 85.7 %, Wilson(9, 11). SYSTEM there: 85.7 % of the
  lost points but 9 answers — one short of the flag (the near miss).
- The center: n = 23, lost 562.5, process 475, agent 62.5, no cause 25.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import root_causes as rc
from reports.selectors.qa import Scope, evaluations_in
from scoring import services
from scoring.formula import NA
from scoring.models import Answer
from scoring.stats import proportion_interval
from tests import factories as f
from tests.personas import Personas
from tests.reports.performance_month import MONTH, at
from tests.scoring.factories import criteria, make_scorecard_version

SYSTEM, SCRIPT = "The system dropped the call", "Did not follow the script"
STRUCTURE = {
    "sections": [
        {
            "title": "Handling",
            "weight": 50,
            "criteria": [
                {"text": "Verified", "kind": "yes_no", "points": 10},
                {"text": "Noted", "kind": "yes_no", "points": 10},
            ],
        },
        {
            "title": "Explaining",
            "weight": 50,
            "criteria": [{"text": "Clarity", "kind": "scale", "scale_max": 4, "points": 10, "allow_na": True}],
        },
    ],
    "root_causes": [
        {"text": SYSTEM, "agent_controllable": False},
        {"text": SCRIPT, "agent_controllable": True},
    ],
}
URL = "/reports/root-causes/"


class RootCauseMonth(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.other_team.lines_of_business.add(cls.sales)
        cls.version = make_scorecard_version(structure=STRUCTURE, lines_of_business=[cls.lob, cls.sales])
        cls.by_key = criteria(cls.version)
        cls.causes = {c.text: c.pk for c in cls.version.root_causes.all()}
        for i in range(10):
            clarity = (2, SCRIPT) if i < 2 else 4
            cls.score(cls.agent, cls.lob, {"verified": (0, SYSTEM), "noted": 1, "clarity": clarity}, day=1 + i)
        for i in range(9):
            cls.score(cls.other_agent, cls.sales, {"verified": (0, SYSTEM), "noted": 1, "clarity": NA}, day=1 + i)
        cls.score(cls.other_agent, cls.sales, {"verified": 0, "noted": 1, "clarity": (3, SCRIPT)}, day=20)

    @classmethod
    def score(cls, agent, line, values: dict, *, day: int, period=MONTH):
        call = f.CallFactory(agent=agent, line_of_business=line, start_time=at(period, day))
        answers = []
        for key, given in values.items():
            value, cause = given if isinstance(given, tuple) else (given, None)
            criterion = cls.by_key[key].pk
            if value == NA:
                answers.append(services.AnswerInput(criterion, None, na=True))
            else:
                answers.append(services.AnswerInput(criterion, value, root_cause=cls.causes.get(cause)))
        evaluation = services.evaluation_start(call=call, by=cls.qa, version=cls.version)
        services.evaluation_submit(evaluation=evaluation, by=cls.qa, answers=answers)
        return evaluation

    def report(self, user=None, **filters):
        return rc.root_cause_report(user=user or self.manager, period=MONTH, **filters)


class LostPointSumsTests(RootCauseMonth):
    def test_the_centers_lost_points_split_agent_process_and_no_cause(self):
        t = self.report().scope.tally
        self.assertEqual(t.n, 23)
        self.assertAlmostEqual(t.lost, 562.5)
        self.assertAlmostEqual(t.process, 475)
        self.assertAlmostEqual(t.agent, 62.5)
        self.assertAlmostEqual(t.none, 25)

    def test_each_team_and_line_has_its_own_sums(self):
        report = self.report()
        teams = {g.name: g.tally for g in report.teams}
        lines = {g.name: g.tally for g in report.lines}
        a, b = teams["Team A"], teams["Team B"]
        self.assertEqual((a.n, round(a.lost, 6), round(a.process, 6), round(a.agent, 6), a.none), (12, 300, 250, 50, 0))
        self.assertEqual((b.n, round(b.lost, 6), round(b.process, 6), round(b.agent, 6)), (11, 262.5, 225, 12.5))
        self.assertAlmostEqual(b.none, 25)
        # Each line here is one team's.
        self.assertEqual((lines["Billing"].n, round(lines["Billing"].lost, 6)), (12, 300))
        self.assertEqual((lines["Sales"].n, round(lines["Sales"].lost, 6)), (11, 262.5))

    def test_the_process_share_and_its_wilson_interval(self):
        teams = {g.name: g.tally for g in self.report().teams}
        self.assertAlmostEqual(teams["Team A"].process_share, 250 / 300)
        self.assertEqual(teams["Team A"].process_interval, proportion_interval(10, 12))
        self.assertAlmostEqual(teams["Team B"].process_share, 225 / 262.5)
        self.assertEqual(teams["Team B"].process_interval, proportion_interval(9, 11))
        low, high = teams["Team A"].process_interval
        self.assertLess(low, 250 / 300)
        self.assertGreater(high, 250 / 300)

    def test_causes_are_summed_largest_first_with_no_cause_apart(self):
        causes = {c.text: c for c in self.report().causes}
        self.assertEqual(list(causes), [SYSTEM, SCRIPT, ""])
        self.assertEqual((causes[SYSTEM].n, round(causes[SYSTEM].lost, 6)), (19, 475))
        self.assertTrue(causes[SYSTEM].mostly_process)
        self.assertFalse(causes[SCRIPT].mostly_process)
        self.assertFalse(causes[""].given)
        self.assertAlmostEqual(causes[SYSTEM].share, 475 / 562.5)

    def test_a_filter_narrows_to_one_team(self):
        report = self.report(team_id=self.team.pk)
        self.assertEqual([g.name for g in report.teams], ["Team A"])
        self.assertAlmostEqual(report.scope.tally.lost, 300)

    def test_the_trend_has_six_months_ending_with_this_one(self):
        trend = self.report().trend
        self.assertEqual(len(trend), 6)
        self.assertEqual(trend[-1][0], MONTH)
        self.assertAlmostEqual(trend[-1][1].lost, 562.5)
        self.assertEqual(trend[-2][1].n, 0)

    def test_sql_lost_points_agree_with_the_formula_answer_by_answer(self):
        # One definition: the report's SQL loss (selectors.qa's expression) is the formula's
        # points − earned (CriterionSpec.earned), and weighted it adds up to 100 − total.
        evaluations = evaluations_in(Scope(Scope.CENTER), start=MONTH.start, end=MONTH.end)
        rows = rc.lost_answers(evaluations).values("pk").annotate(raw=rc.LOST["lost"], **rc.WEIGHTING)
        by_pk = {r["pk"]: r for r in rows}
        answers = Answer.objects.filter(pk__in=by_pk).select_related("criterion", "evaluation")
        gaps: dict[int, float] = {}
        for answer in answers:
            spec = answer.criterion.spec()
            row = by_pk[answer.pk]
            self.assertAlmostEqual(row["raw"], float(spec.points - spec.earned(answer.value)))
            gaps[answer.evaluation_id] = gaps.get(answer.evaluation_id, 0.0) + rc.score_points(
                row["raw"], row["weight"], row["possible"]
            )
        for evaluation in evaluations:
            if evaluation.answers.filter(is_na=True).exists():
                continue  # N/A rescales the total: the nominal weighting does not
            self.assertAlmostEqual(gaps.get(evaluation.pk, 0.0), 100 - float(evaluation.total))


class FlagTests(RootCauseMonth):
    def test_a_process_cause_with_enough_answers_and_share_is_flagged(self):
        flags = {(f.group.kind, f.group.name, f.cause.text) for f in self.report().flags}
        self.assertEqual(flags, {("line", "Billing", SYSTEM), ("team", "Team A", SYSTEM)})

    def test_nine_answers_are_one_short_of_the_flag(self):
        team_b = next(g for g in self.report().teams if g.name == "Team B")
        system = next(c for c in team_b.causes if c.text == SYSTEM)
        self.assertEqual(system.n, rc.FLAG_MIN_ANSWERS - 1)
        self.assertGreater(system.share, rc.FLAG_MIN_SHARE)
        self.assertFalse(system.flagged)
        # One more such answer in Team B and it is flagged there too.
        self.score(self.other_agent, self.sales, {"verified": (0, SYSTEM), "noted": 1, "clarity": 4}, day=25)
        flags = {(f.group.name, f.cause.text) for f in self.report().flags}
        self.assertIn(("Team B", SYSTEM), flags)

    def test_the_share_threshold_and_the_agents_causes(self):
        group = rc.Group(rc.TEAM, 1, "T")
        group.add(SYSTEM, rc.PROCESS, 19.9, 10)
        group.add(SCRIPT, rc.AGENT, 80.1, 10)
        self.assertEqual(group.flags, [])  # 19.9 % < 20 %
        group = rc.Group(rc.TEAM, 1, "T")
        group.add(SYSTEM, rc.PROCESS, 20.0, 10)
        group.add(SCRIPT, rc.AGENT, 80.0, 30)
        self.assertEqual([c.text for c in group.flags], [SYSTEM])  # the agent's 80 % is never flagged

    def test_a_cause_marked_both_ways_is_flagged_only_when_mostly_the_processs(self):
        group = rc.Group(rc.LINE, 1, "L")
        group.add(SYSTEM, rc.PROCESS, 40, 6)
        group.add(SYSTEM, rc.AGENT, 60, 6)  # another version marks it within the agent's control
        self.assertFalse(group.causes[0].mostly_process)
        self.assertEqual(group.flags, [])

    def test_the_managers_overview_lists_the_flags(self):
        self.client.force_login(self.manager)
        response = self.client.get(f"/overview/?month={MONTH.label}")
        self.assertContains(response, "Process problems this month")
        self.assertContains(response, f"?month={MONTH.label}&amp;team={self.team.pk}")
        self.assertContains(response, SYSTEM)

    def test_the_overview_panel_is_the_managers(self):
        flags = rc.process_problems(user=self.manager, period=MONTH)
        self.assertEqual(len(flags), 2)
        self.client.force_login(self.supervisor)
        response = self.client.get(f"/teams/?month={MONTH.label}")
        self.assertNotContains(response, "Process problems this month")


class RootCausePageTests(RootCauseMonth):
    def get(self, user, query: str = ""):
        self.client.force_login(user)
        return self.client.get(f"{URL}?month={MONTH.label}{query}")

    def test_the_page_shows_the_tables_and_the_flags(self):
        response = self.get(self.manager)
        self.assertEqual(response.status_code, 200)
        for text in ("By line of business", "By team", "By root cause", "process problem", SYSTEM, "83.3 %", "562.5"):
            self.assertContains(response, text)

    def test_a_supervisor_sees_only_their_teams(self):
        response = self.get(self.supervisor)
        report = response.context["report"]
        self.assertEqual([g.name for g in report.teams], ["Team A"])
        self.assertAlmostEqual(report.scope.tally.lost, 300)
        self.assertNotContains(response, "Team B")
        self.assertEqual(self.get(self.supervisor, f"&team={self.other_team.pk}").status_code, 404)
        self.assertEqual(self.get(self.supervisor, f"&line={self.sales.pk}").status_code, 404)

    def test_qa_and_trainer_see_the_whole_center(self):
        for user in (self.qa, self.trainer):
            self.assertAlmostEqual(self.get(user).context["report"].scope.tally.lost, 562.5)

    def test_an_agent_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.get(user).status_code, 403)

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
            self.assertEqual("root-causes" in {i.url_name for i in items_for(user)}, shown, user.username)


class RootCauseQueryTests(RootCauseMonth):
    """Two months apart from the constructed one: 2 evaluations, then 6."""

    def count(self, period) -> int:
        self.client.force_login(self.manager)
        self.client.get(f"{URL}?month={period.label}")  # the session and groups are cached after this
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(f"{URL}?month={period.label}").status_code, 200)
        return len(ctx.captured_queries)

    def test_the_page_costs_the_same_for_2_and_6_evaluations(self):
        period = MONTH.previous.previous
        for i in range(2):
            self.score(
                self.agent, self.lob, {"verified": (0, SYSTEM), "noted": 1, "clarity": 4}, day=1 + i, period=period
            )
        small = self.count(period)
        for i in range(4):
            agent = self.agent if i % 2 else self.other_agent
            line = self.lob if i % 2 else self.sales
            self.score(agent, line, {"verified": 1, "noted": 0, "clarity": (1, SCRIPT)}, day=10 + i, period=period)
        self.assertEqual(self.count(period), small)
