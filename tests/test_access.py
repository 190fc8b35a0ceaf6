"""Object-scoped access: each role sees what it must and is refused what it must not."""

from rest_framework.test import APIClient

from tests.personas import Personas


class LandingTests(Personas):
    def test_each_role_lands_on_its_own_page(self):
        # Each role's work (qa_platform/views.py LANDING); tests/test_landing.py has what they show.
        expected = {
            self.manager: "/overview/",
            self.qa: "/queue/",
            self.supervisor: "/teams/",
            self.trainer: "/coaching/",
            self.hr: "/hr/export/",
            self.agent_user: f"/performance/{self.agent.pk}/",
        }
        for user, url in expected.items():
            self.client.force_login(user)
            response = self.client.get("/", follow=True)
            self.assertEqual(response.redirect_chain[-1][0], url, user.username)
            self.assertEqual(response.status_code, 200, user.username)

    def test_a_user_without_a_role_is_told_so(self):
        from tests.factories import UserFactory

        self.client.force_login(UserFactory(username="nobody"))
        self.assertContains(self.client.get("/"), "No role yet", status_code=403)

    def test_anonymous_users_go_to_login(self):
        response = self.client.get("/calls/")
        self.assertRedirects(response, "/accounts/login/?next=/calls/")

    def test_login_with_the_form_lands_on_the_role_page(self):
        response = self.client.post("/accounts/login/", {"username": "qa", "password": "pw"}, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/queue/")


class AgentScopeTests(Personas):
    def test_an_agent_sees_own_call_but_not_another_agents(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/calls/{self.other_call.pk}/").status_code, 404)

    def test_an_agent_cannot_open_another_agents_page(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/agents/{self.other_agent.pk}/").status_code, 404)

    def test_an_agent_lists_only_own_calls(self):
        self.client.force_login(self.agent_user)
        response = self.client.get("/calls/")
        self.assertContains(response, f"/calls/{self.call.pk}/")
        self.assertNotContains(response, f"/calls/{self.other_call.pk}/")

    def test_an_agent_is_refused_center_and_team_pages(self):
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get("/overview/").status_code, 403)
        self.assertEqual(self.client.get("/teams/").status_code, 403)
        self.assertEqual(self.client.get(f"/teams/{self.team.pk}/").status_code, 403)

    def test_the_api_scopes_an_agent_to_own_calls(self):
        api = APIClient()
        api.force_authenticate(self.agent_user)
        ids = [c["external_id"] for c in api.get("/api/v1/calls/").json()["results"]]
        self.assertEqual(ids, ["A-1"])
        self.assertEqual(api.get(f"/api/v1/calls/{self.other_call.pk}/").status_code, 404)
        self.assertEqual(api.get(f"/api/v1/agents/{self.other_agent.pk}/").status_code, 404)


class SupervisorScopeTests(Personas):
    def test_a_supervisor_sees_own_team_only(self):
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/calls/{self.other_call.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/teams/{self.team.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/teams/{self.other_team.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/agents/{self.other_agent.pk}/").status_code, 404)

    def test_the_team_list_shows_only_own_teams(self):
        self.client.force_login(self.supervisor)
        response = self.client.get("/teams/")
        self.assertContains(response, "Team A")
        self.assertNotContains(response, "Team B")

    def test_the_api_scopes_a_supervisor(self):
        api = APIClient()
        api.force_authenticate(self.other_supervisor)
        ids = [c["external_id"] for c in api.get("/api/v1/calls/").json()["results"]]
        self.assertEqual(ids, ["B-1"])
        self.assertEqual([t["name"] for t in api.get("/api/v1/teams/").json()["results"]], ["Team B"])

    def test_a_supervisor_is_refused_the_center_overview(self):
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get("/overview/").status_code, 403)


class CenterWideTests(Personas):
    def test_qa_trainer_and_manager_see_every_call(self):
        for user in (self.qa, self.trainer, self.manager):
            self.client.force_login(user)
            for call in (self.call, self.other_call):
                self.assertEqual(self.client.get(f"/calls/{call.pk}/").status_code, 200, user.username)

    def test_only_managers_see_the_listen_log(self):
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(f"/calls/{self.call.pk}/"), "Listen log")
        self.client.force_login(self.qa)
        self.assertNotContains(self.client.get(f"/calls/{self.call.pk}/"), "Listen log")

    def test_qa_is_refused_the_center_overview(self):
        self.client.force_login(self.qa)
        self.assertEqual(self.client.get("/overview/").status_code, 403)


class HrScopeTests(Personas):
    def test_hr_sees_the_roster_but_no_calls(self):
        self.client.force_login(self.hr)
        roster = self.client.get("/agents/")
        self.assertContains(roster, "Li Na")
        self.assertContains(roster, "Wang Wei")
        self.assertEqual(self.client.get("/calls/").status_code, 403)
        self.assertEqual(self.client.get(f"/calls/{self.call.pk}/").status_code, 403)
        agent_page = self.client.get(f"/agents/{self.agent.pk}/")
        self.assertNotContains(agent_page, f"/calls/{self.call.pk}/")

    def test_hr_gets_403_on_the_calls_api(self):
        api = APIClient()
        api.force_authenticate(self.hr)
        self.assertEqual(api.get("/api/v1/calls/").status_code, 403)

    def test_hr_is_refused_team_pages(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/teams/").status_code, 403)


class ApiBasicsTests(Personas):
    def test_the_api_requires_authentication(self):
        self.assertIn(APIClient().get("/api/v1/calls/").status_code, (401, 403))

    def test_the_schema_and_docs_are_served(self):
        self.client.force_login(self.manager)
        schema = self.client.get("/api/schema/")
        self.assertEqual(schema.status_code, 200)
        self.assertIn(b"/api/v1/calls/bulk/", schema.content)
        docs = self.client.get("/api/docs/")
        self.assertEqual(docs.status_code, 200)
        self.assertNotIn(b"cdn.jsdelivr", docs.content)

    def test_call_lists_filter_and_page(self):
        api = APIClient()
        api.force_authenticate(self.qa)
        body = api.get("/api/v1/calls/", {"agent": "E2"}).json()
        self.assertEqual(body["count"], 1)
        self.assertEqual(body["results"][0]["external_id"], "B-1")
        self.assertEqual(api.get("/api/v1/calls/", {"direction": "sideways"}).status_code, 400)
