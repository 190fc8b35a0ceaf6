"""The evaluation list's filters (`scoring.filters.EvaluationFilter`), on the page and the API:
each narrows to what it names, a refused value says which field and why and lists nothing, and
no filter widens what a person may see."""

from __future__ import annotations

from tests.reports.dashboard_month import MONTH, PREVIOUS, DashboardMonth

PAGE = "/evaluations/"
API = "/api/v1/evaluations/"


class EvaluationFilterTests(DashboardMonth):
    def listed(self, user=None, **params) -> set[int]:
        self.client.force_login(user or self.manager)
        response = self.client.get(PAGE, params)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return {e.pk for e in response.context["page"].paginator.object_list}

    def ids(self, evaluations) -> set[int]:
        return {e.pk for e in evaluations}

    def test_the_month_is_the_month_of_the_call(self):
        self.assertEqual(self.listed(month=MONTH.label, kind="regular"), self.ids(self.month_evaluations()))
        self.assertEqual(self.listed(month=PREVIOUS.label), self.ids(self.october))

    def test_line_shift_direction_and_service_type_narrow_by_the_call(self):
        november = self.month_evaluations()
        night = {e.pk for e in november if e.call.shift.code == "night"}
        self.assertEqual(self.listed(month=MONTH.label, shift="night"), night)
        sales = {e.pk for e in november if e.call.line_of_business.code == "sales"}
        self.assertEqual(self.listed(line_of_business="sales"), sales)
        outbound_renewals = {e.pk for e in november if e.call.direction == "outbound"}
        self.assertEqual(self.listed(direction="outbound", service_type="renewal"), outbound_renewals)

    def test_an_agent_is_found_by_exact_employee_id_or_part_of_the_name(self):
        e1 = {e.pk for e in self.evaluations + self.october if e.agent_id == self.agent.pk}
        self.assertEqual(self.listed(agent="e1", kind="regular"), e1)
        self.assertEqual(self.listed(agent="zhao"), {e.pk for e in self.evaluations if e.agent_id == self.agent3.pk})

    def test_lost_points_on_a_criterion_by_its_wording(self):
        listed = self.listed(month=MONTH.label, criterion="Greeting", scorecard=self.version.scorecard_id)
        self.assertTrue(listed)
        for e in self.month_evaluations():
            greeting = e.answers.filter(criterion__text="Greeting").first()
            loses = greeting is not None and not greeting.is_na and greeting.value < greeting.criterion.scale_max
            self.assertEqual(e.pk in listed, loses and e.version.scorecard_id == self.version.scorecard_id)

    def test_a_score_band_includes_its_floor_and_not_its_ceiling(self):
        listed = self.listed(month=MONTH.label, score_from=60, score_below=85)
        self.assertEqual(listed, {e.pk for e in self.month_evaluations() if 60 <= e.total < 85})

    def test_a_bad_value_is_refused_with_its_field_on_the_page_and_the_api(self):
        self.client.force_login(self.manager)
        response = self.client.get(PAGE, {"month": "November", "score_from": "lots"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Use a month like 2026-11.", status_code=400)
        self.assertContains(response, "Score from", status_code=400)
        self.assertEqual(response.context["page"].paginator.count, 0)
        response = self.client.get(API, {"month": "2026-13", "critical_failed": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"month", "critical_failed"})

    def test_a_team_shift_or_scorecard_that_does_not_exist_matches_nothing(self):
        self.client.force_login(self.manager)
        for name, value in (("shift", "no-such-shift"), ("team", 999_999), ("scorecard", 999_999)):
            response = self.client.get(API, {name: value})
            self.assertEqual(response.status_code, 200, name)
            self.assertEqual(response.json()["count"], 0, name)
        response = self.client.get(API, {"team": "two"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"team"})

    def test_the_api_filters_as_the_page_does(self):
        self.client.force_login(self.manager)
        response = self.client.get(API, {"month": MONTH.label, "kind": "regular", "pick": "random", "page_size": 100})
        self.assertEqual(response.status_code, 200)
        random = {e.pk for i, e in enumerate(self.evaluations) if self.specs[i][7] == "random"}
        self.assertEqual({row["id"] for row in response.json()["results"]}, random)

    def test_a_filter_never_widens_a_supervisors_view(self):
        other = self.listed(self.supervisor, team=self.other_team.pk)
        self.assertEqual(other, set())
        mine = self.listed(self.supervisor, month=MONTH.label)
        self.assertTrue(mine)
        self.assertEqual({e.pk for e in self.month_evaluations(team=self.team)}, mine)
