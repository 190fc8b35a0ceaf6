"""The performance score: the formula on its own (pure), on a constructed month (computed by hand
in performance_month.py), and the "why this score" page and API with who may open them."""

from decimal import Decimal

from django.test import SimpleTestCase

from reports.selectors.performance import (
    AgentFigures,
    BandSpec,
    ComponentSpec,
    Config,
    band_for,
    csat_score,
    month_results,
    performance,
    time_score,
)
from tests import factories as f
from tests.reports.performance_month import MONTH, PerformanceMonth

D = Decimal
DEFAULT = Config(
    components=(
        ComponentSpec("qa", "QA average", "qa", 40),
        ComponentSpec("csat", "Customer satisfaction", "csat", 20),
        ComponentSpec("handle_time", "Average handle time", "handle_time", 20, 360),
        ComponentSpec("acw", "After-call work", "acw", 10, 60),
        ComponentSpec("attendance", "Attendance", "imported", 10),
    ),
    bands=(
        BandSpec("Outstanding", D("90.0"), D("1.20")),
        BandSpec("Good", D("80.0"), D("1.00")),
        BandSpec("Fair", D("70.0"), D("0.80")),
        BandSpec("Needs improvement", D("60.0"), D("0.50")),
        BandSpec("Below standard", D("0.0"), D("0.00")),
    ),
)


class FormulaTests(SimpleTestCase):
    def test_the_docstrings_worked_example(self):
        # QA 80.0, CSAT 4.2, handle time 420 s, ACW 50 s over 10 calls, no attendance value.
        figures = AgentFigures(
            evaluations=2, qa_sum=D("160.0"), calls=10, handle_seconds=4200, acw_seconds=500, surveyed=5, csat_sum=21
        )
        result = performance(DEFAULT, figures)
        # (80 × 40 + 80 × 20 + 83.33 × 20 + 100 × 10) / 90 = 82.96 → 83.0
        self.assertEqual(result.total, D("83.0"))
        self.assertEqual((result.band, result.multiplier), ("Good", D("1.00")))
        self.assertEqual([c.spec.code for c in result.dropped], ["attendance"])
        self.assertEqual(result.counted_weight, 90)

    def test_a_component_without_data_drops_out_and_the_others_are_rescaled(self):
        figures = AgentFigures(evaluations=1, qa_sum=D("70.0"), imported={"attendance": D("100")})
        result = performance(DEFAULT, figures)
        # Only QA (40) and attendance (10) have data: (70 × 40 + 100 × 10) / 50 = 76.0
        self.assertEqual(result.total, D("76.0"))
        qa = next(c for c in result.components if c.spec.code == "qa")
        self.assertEqual(qa.share, D(80))
        self.assertEqual(qa.points, D(56))
        self.assertEqual({c.spec.code for c in result.dropped}, {"csat", "handle_time", "acw"})
        self.assertEqual(result.band, "Fair")

    def test_no_data_at_all_gives_no_total_band_or_multiplier(self):
        result = performance(DEFAULT, AgentFigures())
        self.assertEqual((result.total, result.band, result.multiplier), (None, "", None))

    def test_csat_maps_one_to_five_onto_zero_to_a_hundred(self):
        self.assertEqual([csat_score(D(v)) for v in (1, 3, 5)], [0, 50, 100])

    def test_time_scores_100_up_to_the_target_and_0_from_twice_the_target(self):
        self.assertEqual(time_score(D(300), 360), 100)
        self.assertEqual(time_score(D(360), 360), 100)
        self.assertEqual(time_score(D(540), 360), 50)
        self.assertEqual(time_score(D(720), 360), 0)
        self.assertEqual(time_score(D(900), 360), 0)

    def test_a_time_component_without_a_target_drops_out(self):
        config = Config((ComponentSpec("qa", "QA", "qa", 50), ComponentSpec("aht", "AHT", "handle_time", 50)), ())
        result = performance(config, AgentFigures(evaluations=1, qa_sum=D("90"), calls=1, handle_seconds=100))
        self.assertEqual(result.total, D("90.0"))
        self.assertEqual(result.dropped[0].dropped_because, "no target set")

    def test_the_total_is_rounded_half_up(self):
        config = Config((ComponentSpec("att", "Attendance", "imported", 100),), ())
        self.assertEqual(performance(config, AgentFigures(imported={"att": D("84.25")})).total, D("84.3"))
        self.assertEqual(performance(config, AgentFigures(imported={"att": D("84.35")})).total, D("84.4"))

    def test_rounding_is_exact_when_the_weights_do_not_divide_evenly(self):
        config = Config((ComponentSpec("a", "A", "imported", 1), ComponentSpec("b", "B", "imported", 5)), ())
        # (5.5 × 1 + 100 × 5) / 6 = 84.25 exactly, though each share (1/6, 5/6) is a repeating decimal.
        result = performance(config, AgentFigures(imported={"a": D("5.5"), "b": D("100")}))
        self.assertEqual(result.total, D("84.3"))

    def test_the_band_is_the_highest_whose_floor_the_score_reaches(self):
        self.assertEqual(band_for(D("90.0"), DEFAULT.bands).name, "Outstanding")
        self.assertEqual(band_for(D("89.9"), DEFAULT.bands).name, "Good")
        self.assertEqual(band_for(D("0.0"), DEFAULT.bands).name, "Below standard")
        self.assertIsNone(band_for(None, DEFAULT.bands))


class ConstructedMonthTests(PerformanceMonth):
    def results(self):
        return {r.employee_id: r for r in month_results(MONTH)}

    def test_an_agent_with_every_component_scores_as_computed_by_hand(self):
        r = self.results()["E1"]
        self.assertEqual((r.evaluations, r.qa_average, r.critical_failures), (2, D("88.8"), 0))
        scores = {c.spec.code: c.score for c in r.performance.components}
        self.assertEqual(scores["qa"], D("88.75"))
        self.assertEqual(scores["csat"], D("87.5"))
        self.assertAlmostEqual(float(scores["handle_time"]), (720 - 1280 / 3) / 360 * 100)
        self.assertEqual(scores["acw"], D(100))
        self.assertEqual(scores["attendance"], D("95.0"))
        # 35.5 + 17.5 + 16.296 + 10 + 9.5 = 88.796 → 88.8
        self.assertEqual(r.total, D("88.8"))
        self.assertEqual((r.band, r.multiplier), ("Good", D("1.00")))
        self.assertEqual(r.performance.dropped, [])

    def test_an_agent_without_surveys_or_attendance_is_rescaled_over_the_rest(self):
        r = self.results()["E2"]
        self.assertEqual([c.spec.code for c in r.performance.dropped], ["csat", "attendance"])
        # (77.5 × 40 + 100 × 20 + 100 × 10) / 70 = 87.14 → 87.1
        self.assertEqual(r.total, D("87.1"))
        self.assertEqual(r.band, "Good")

    def test_a_critical_failure_is_counted(self):
        from tests.reports.performance_month import CRITICAL
        from tests.scoring.factories import make_evaluation

        call = self.make_call(self.other_agent, talk=200, day=20)
        make_evaluation(call=call, by=self.qa, values=CRITICAL)
        r = self.results()["E2"]
        self.assertEqual((r.evaluations, r.critical_failures, r.qa_average), (2, 1, D("38.8")))

    def test_the_figures_cost_the_same_queries_for_more_agents(self):
        with self.assertNumQueries(6):
            month_results(MONTH)
        for i in range(5):
            agent = f.AgentFactory(team=self.team)
            self.make_call(agent, talk=100 + i, csat=3)
        with self.assertNumQueries(6):
            self.assertEqual(len(month_results(MONTH)), 7)


class PerformancePageTests(PerformanceMonth):
    def url(self, agent=None, month=MONTH.label):
        return f"/performance/{(agent or self.agent).pk}/?month={month}"

    def test_the_page_explains_the_score(self):
        self.client.force_login(self.manager)
        response = self.client.get(self.url(self.other_agent))
        self.assertContains(response, "Why this score")
        self.assertContains(response, "87.1")
        self.assertContains(response, "dropped out", count=2)
        self.assertContains(response, "no surveyed call this month")
        self.assertContains(response, "no value imported for this month")
        self.assertContains(response, "70 % together")

    def test_the_agent_opens_their_own_page(self):
        self.client.force_login(self.agent_user)
        response = self.client.get(self.url())
        self.assertContains(response, "88.8")

    def test_an_agent_cannot_open_another_agents_page(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(self.url(self.other_agent)).status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/performance/{self.other_agent.pk}/").status_code, 404)

    def test_a_supervisor_opens_only_their_teams_agents(self):
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(self.client.get(self.url(self.other_agent)).status_code, 404)
        listed = self.client.get(f"/performance/?month={MONTH.label}")
        self.assertContains(listed, "Li Na")
        self.assertNotContains(listed, "Wang Wei")

    def test_qa_and_trainers_open_any_agents_page(self):
        for user in (self.qa, self.trainer):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url(self.other_agent)).status_code, 200, user.username)

    def test_hr_is_refused_the_performance_pages(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.get("/performance/").status_code, 403)
        self.assertEqual(self.client.get("/performance/settings/").status_code, 403)
        self.assertEqual(self.client.get(f"/api/v1/performance/{self.agent.pk}/").status_code, 403)

    def test_the_list_shows_every_agents_score_to_a_manager(self):
        self.client.force_login(self.manager)
        response = self.client.get(f"/performance/?month={MONTH.label}&sort=-total")
        self.assertContains(response, "88.8")
        self.assertContains(response, "87.1")
        body = response.content.decode()
        self.assertLess(body.index("Li Na"), body.index("Wang Wei"))

    def test_the_api_explains_the_score(self):
        self.client.force_login(self.supervisor)
        data = self.client.get(f"/api/v1/performance/{self.agent.pk}/?month={MONTH.label}").json()
        self.assertEqual(
            (data["month"], data["closed"], data["total"], data["band"]), (MONTH.label, False, "88.8", "Good")
        )
        qa = data["components"][0]
        self.assertEqual((qa["code"], qa["score"], qa["weight"], qa["basis"]), ("qa", "88.8", 40, 2))
