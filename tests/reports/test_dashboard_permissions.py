"""Who sees which dashboard: center-wide roles everything, a supervisor their own teams only
(their "center" is their teams; another team or its agents do not exist for them), agents and
HR nothing (403)."""

from __future__ import annotations

from monitoring.models import Call
from qa_platform.menu import items_for
from reports.permissions import can_view_scope, dashboard_scopes, parse_scope
from reports.selectors.qa import Scope
from tests.reports.dashboard_month import MONTH, DashboardMonth

URL = "/dashboard/"


class DashboardPermissionTests(DashboardMonth):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(URL, {"month": MONTH.label, **params})

    def test_center_wide_roles_open_the_whole_center(self):
        for user in (self.manager, self.qa, self.trainer):
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["board"].summary.n, 9)
                self.assertContains(response, "Whole center")

    def test_an_agent_is_refused(self):
        self.assertEqual(self.get(self.agent_user).status_code, 403)
        self.assertEqual(self.get(self.agent_user, scope=f"agent:{self.agent.pk}").status_code, 403)

    def test_hr_is_refused(self):
        self.assertEqual(self.get(self.hr).status_code, 403)

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_a_supervisors_center_is_their_teams_only(self):
        response = self.get(self.supervisor)
        board = response.context["board"]
        self.assertEqual(board.summary.n, len(self.month_evaluations(team=self.team)))
        self.assertEqual(board.summary.n, 7)
        self.assertEqual({row.label for row in board.groups["team"]}, {"Team A"})
        self.assertContains(response, "My teams")
        self.assertEqual(self.get(self.other_supervisor).context["board"].summary.n, 2)

    def test_a_supervisors_line_is_the_lines_calls_of_their_teams(self):
        board = self.get(self.other_supervisor, scope=f"line:{self.lob.pk}").context["board"]
        self.assertEqual(board.summary.n, 2)
        calls = Call.objects.filter(
            agent__team=self.other_team,
            line_of_business=self.lob,
            start_time__gte=MONTH.start,
            start_time__lt=MONTH.end,
        )
        self.assertEqual(board.kpis["calls"], calls.count())
        self.assertGreater(Call.objects.filter(line_of_business=self.lob).count(), calls.count())

    def test_a_supervisor_of_another_team_gets_404_for_a_team_or_agent_scope(self):
        self.assertEqual(self.get(self.other_supervisor, scope=f"team:{self.team.pk}").status_code, 404)
        self.assertEqual(self.get(self.other_supervisor, scope=f"agent:{self.agent.pk}").status_code, 404)
        self.assertEqual(self.get(self.supervisor, scope=f"team:{self.team.pk}").status_code, 200)
        self.assertEqual(self.get(self.supervisor, scope=f"agent:{self.agent3.pk}").status_code, 200)

    def test_a_supervisor_gets_404_for_a_line_their_teams_do_not_handle(self):
        self.assertEqual(self.get(self.other_supervisor, scope=f"line:{self.sales.pk}").status_code, 404)

    def test_an_unknown_or_malformed_scope_is_a_404_not_a_500(self):
        for value in ("team:999999", "agent:0", "team:x", "planet:3", "team:99999999999999999999", "line:"):
            with self.subTest(scope=value):
                self.assertEqual(self.get(self.manager, scope=value).status_code, 404)

    def test_a_malformed_month_falls_back_to_the_latest_month(self):
        response = self.get(self.manager, month="2026-13")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["board"].period, MONTH)

    def test_the_scope_picker_offers_only_what_the_user_may_see(self):
        values = [o.value for o in dashboard_scopes(self.supervisor)]
        self.assertIn(f"team:{self.team.pk}", values)
        self.assertNotIn(f"team:{self.other_team.pk}", values)
        self.assertIn(f"agent:{self.agent3.pk}", values)
        self.assertNotIn(f"agent:{self.other_agent.pk}", values)
        self.assertEqual(values[0], "center")
        self.assertEqual(dashboard_scopes(self.hr), [])
        self.assertEqual(dashboard_scopes(self.agent_user), [])
        everything = [o.value for o in dashboard_scopes(self.manager)]
        self.assertIn(f"team:{self.other_team.pk}", everything)
        self.assertIn(f"line:{self.sales.pk}", everything)

    def test_can_view_scope_answers_the_same_rule(self):
        self.assertTrue(can_view_scope(self.supervisor, Scope(Scope.AGENT, self.agent.pk)))
        self.assertFalse(can_view_scope(self.other_supervisor, Scope(Scope.AGENT, self.agent.pk)))
        self.assertFalse(can_view_scope(self.hr, Scope(Scope.CENTER)))
        self.assertEqual(parse_scope(f"team:{self.team.pk}"), Scope(Scope.TEAM, self.team.pk))
        self.assertEqual(parse_scope(""), Scope(Scope.CENTER))
        self.assertIsNone(parse_scope("team"))

    def test_the_menu_offers_the_dashboard_to_those_who_may_open_it_first_for_a_supervisor(self):
        self.assertEqual(items_for(self.supervisor)[0].url_name, "dashboard")
        for user in (self.manager, self.qa, self.trainer):
            self.assertIn("dashboard", [i.url_name for i in items_for(user)])
        for user in (self.agent_user, self.hr):
            self.assertNotIn("dashboard", [i.url_name for i in items_for(user)])
