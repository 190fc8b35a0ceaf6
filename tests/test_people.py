"""People in the product (/people/): managers and admins create and edit agents, teams and user
accounts with their roles; deactivating an agent keeps their history and takes them out of
sampling; everyone else is refused on every page (monitoring/permissions.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from monitoring.models import Agent, Call, Team
from monitoring.people import services
from planning.policies import PolicyBook
from planning.services.sampling import eligible_calls
from qa_platform.menu import items_for, page_panels_for
from scoring.models import Evaluation
from tests import factories as f
from tests.personas import Personas
from tests.scoring.factories import make_evaluation, make_scorecard_version

User = get_user_model()
PASSWORD = "c4ll-centre-Q4"


class PeoplePersonas(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = f.UserFactory(username="admin", roles=["admin"])
        cls.staff = f.UserFactory(username="ops", roles=["manager"])
        cls.staff.is_staff = True
        cls.staff.save()
        cls.new_agent_user = f.UserFactory(username="zhang.min", roles=["agent"])


def agent_post(**changes) -> dict:
    data = {"employee_id": "E900", "name": "Zhang Min", "hire_date": "2025-09-01", "active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class AccessTests(PeoplePersonas):
    """Only managers and admins reach the people pages; the rest get a 403, before any write."""

    def urls(self) -> list[str]:
        return [
            "/people/agents/",
            "/people/agents/new/",
            f"/people/agents/{self.agent.pk}/edit/",
            "/people/teams/",
            "/people/teams/new/",
            f"/people/teams/{self.team.pk}/edit/",
            "/people/users/",
            "/people/users/new/",
            f"/people/users/{self.agent_user.pk}/edit/",
            "/people/import/",
        ]

    def test_every_people_page_refuses_supervisor_qa_trainer_hr_and_agent(self):
        for user in (self.supervisor, self.qa, self.trainer, self.hr, self.agent_user):
            self.client.force_login(user)
            for url in self.urls():
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
                    self.assertEqual(self.client.post(url, {}).status_code, 403)

    def test_every_people_page_opens_for_a_manager_and_an_admin(self):
        for user in (self.manager, self.admin):
            self.client.force_login(user)
            for url in self.urls():
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.get("/people/users/")
        self.assertRedirects(response, "/accounts/login/?next=/people/users/", fetch_redirect_response=False)

    def test_a_supervisor_cannot_create_a_user(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(
            "/people/users/new/",
            {"username": "newbie", "roles": ["agent"], "is_active": "on", "password1": PASSWORD, "password2": PASSWORD},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(User.objects.filter(username="newbie").exists())

    def test_the_services_refuse_a_supervisor_too(self):
        with self.assertRaises(PermissionDenied):
            services.user_create(by=self.supervisor, username="newbie", password=PASSWORD, roles=["agent"])
        with self.assertRaises(PermissionDenied):
            services.agent_update(
                by=self.supervisor,
                agent=self.agent,
                employee_id="E1",
                name="Li Na",
                team=self.team,
                hire_date=self.agent.hire_date,
                active=False,
            )
        self.agent.refresh_from_db()
        self.assertTrue(self.agent.active)

    def test_the_menu_offers_the_people_pages_to_managers_only(self):
        people = {"people-agents", "people-teams", "people-accounts", "people-import"}
        self.assertLessEqual(people, {i.url_name for i in items_for(self.manager)})
        for user in (self.supervisor, self.qa, self.trainer, self.hr, self.agent_user):
            self.assertFalse(people & {i.url_name for i in items_for(user)}, user.username)


class AgentPageTests(PeoplePersonas):
    def test_a_manager_creates_an_agent_linked_to_a_login(self):
        self.client.force_login(self.manager)
        response = self.client.post("/people/agents/new/", agent_post(team=self.team.pk, user=self.new_agent_user.pk))
        self.assertRedirects(response, "/people/agents/")
        agent = Agent.objects.get(employee_id="E900")
        self.assertEqual(
            (agent.name, agent.team, agent.user, agent.hire_date),
            ("Zhang Min", self.team, self.new_agent_user, dt.date(2025, 9, 1)),
        )
        self.assertTrue(agent.active)
        self.assertEqual(agent.history.get().history_user, self.manager)

    def test_an_employee_id_already_taken_is_named_on_the_form(self):
        self.client.force_login(self.manager)
        response = self.client.post("/people/agents/new/", agent_post(employee_id="E1", team=self.team.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("employee_id", response.context["form"].errors)
        self.assertEqual(Agent.objects.filter(employee_id="E1").count(), 1)

    def test_a_login_without_the_agent_role_is_refused(self):
        self.client.force_login(self.manager)
        response = self.client.post("/people/agents/new/", agent_post(team=self.team.pk, user=self.qa.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("user", response.context["form"].errors)
        self.assertFalse(Agent.objects.filter(employee_id="E900").exists())
        with self.assertRaisesMessage(Exception, "does not have the Agent role"):
            services.agent_create(
                by=self.manager,
                employee_id="E901",
                name="X",
                team=self.team,
                hire_date=dt.date(2025, 1, 1),
                user=self.qa,
            )

    def test_another_agents_login_is_refused(self):
        with self.assertRaisesMessage(Exception, "is already the login of"):
            services.agent_create(
                by=self.manager,
                employee_id="E901",
                name="X",
                team=self.team,
                hire_date=dt.date(2025, 1, 1),
                user=self.other_agent_user,
            )

    def test_a_manager_moves_an_agent_to_another_team(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            f"/people/agents/{self.agent.pk}/edit/",
            agent_post(employee_id="E1", name="Li Na", team=self.other_team.pk, user=self.agent_user.pk),
        )
        self.assertRedirects(response, "/people/agents/")
        self.agent.refresh_from_db()
        self.assertEqual(self.agent.team, self.other_team)
        self.assertEqual(self.agent.user, self.agent_user)

    def test_the_agent_and_team_pages_offer_edit_to_managers_only(self):
        self.client.force_login(self.manager)
        self.assertContains(
            self.client.get(f"/agents/{self.agent.pk}/"), f'href="/people/agents/{self.agent.pk}/edit/"'
        )
        self.assertContains(self.client.get(f"/teams/{self.team.pk}/"), f'href="/people/teams/{self.team.pk}/edit/"')
        self.assertContains(self.client.get("/agents/"), f'href="/people/agents/{self.agent.pk}/edit/"')
        self.client.force_login(self.supervisor)
        self.assertNotContains(self.client.get(f"/agents/{self.agent.pk}/"), "/people/")
        self.assertNotContains(self.client.get(f"/teams/{self.team.pk}/"), "/people/")
        self.assertNotContains(self.client.get("/agents/"), "/people/agents/")
        self.assertEqual(page_panels_for(self.hr, self.agent), [])

    def test_the_agent_list_costs_the_same_queries_for_more_agents(self):
        self.client.force_login(self.manager)

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/people/agents/").status_code, 200)
            return len(ctx.captured_queries)

        before = count()
        for _ in range(5):
            f.AgentFactory(team=self.other_team, user=f.UserFactory(roles=["agent"]))
        self.assertEqual(count(), before)


class DeactivationTests(PeoplePersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        version = make_scorecard_version(lines_of_business=cls.lob)
        cls.call.recording = "recordings/a-1.wav"
        cls.call.save()
        cls.evaluation = make_evaluation(call=cls.call, by=cls.qa, version=version)
        cls.recent = f.CallFactory(
            agent=cls.agent, line_of_business=cls.lob, external_id="A-2", recording="recordings/a-2.wav"
        )

    def deactivate(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            f"/people/agents/{self.agent.pk}/edit/",
            agent_post(employee_id="E1", name="Li Na", team=self.team.pk, user=self.agent_user.pk, active=None),
        )
        self.assertRedirects(response, "/people/agents/")
        self.agent.refresh_from_db()

    def test_deactivating_keeps_the_agent_calls_evaluations_and_history(self):
        calls = Call.objects.filter(agent=self.agent).count()
        self.deactivate()
        self.assertFalse(self.agent.active)
        self.assertEqual(Call.objects.filter(agent=self.agent).count(), calls)
        self.assertTrue(Evaluation.objects.filter(pk=self.evaluation.pk, agent=self.agent).exists())
        latest = self.agent.history.latest()
        self.assertEqual((latest.active, latest.history_user), (False, self.manager))
        self.assertTrue(self.agent.history.filter(active=True).exists())
        page = self.client.get(f"/agents/{self.agent.pk}/")
        self.assertContains(page, "inactive")
        self.assertContains(page, f'href="/calls/{self.call.pk}/"')

    def test_a_deactivated_agent_drops_out_of_sampling(self):
        start = self.recent.start_time - dt.timedelta(hours=1)
        end = self.recent.start_time + dt.timedelta(hours=1)
        self.assertIn(self.recent.pk, {c["id"] for c in eligible_calls(start=start, end=end, policies=PolicyBook())})
        self.deactivate()
        self.assertNotIn(self.recent.pk, {c["id"] for c in eligible_calls(start=start, end=end, policies=PolicyBook())})

    def test_the_list_filters_inactive_agents(self):
        self.deactivate()
        self.client.force_login(self.manager)
        active = self.client.get("/people/agents/?status=active").context["page"].object_list
        inactive = self.client.get("/people/agents/?status=inactive").context["page"].object_list
        self.assertNotIn(self.agent, active)
        self.assertEqual(list(inactive), [self.agent])


class TeamPageTests(PeoplePersonas):
    def test_a_manager_creates_a_team_with_lines_and_supervisors(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            "/people/teams/new/",
            {
                "name": "Team C",
                "site": self.team.site.pk,
                "lines_of_business": [self.lob.pk],
                "supervisors": [self.supervisor.pk],
            },
        )
        self.assertRedirects(response, "/people/teams/")
        team = Team.objects.get(name="Team C")
        self.assertEqual(list(team.lines_of_business.all()), [self.lob])
        self.assertEqual(list(team.supervisors.all()), [self.supervisor])
        # The supervisor now sees the new team among theirs.
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(f"/teams/{team.pk}/").status_code, 200)

    def test_a_supervisor_without_the_role_is_refused(self):
        with self.assertRaisesMessage(Exception, "Without the Supervisor role: qa"):
            services.team_create(by=self.manager, name="Team C", site=self.team.site, supervisors=[self.qa])
        self.assertFalse(Team.objects.filter(name="Team C").exists())

    def test_editing_a_team_replaces_its_supervisors(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            f"/people/teams/{self.team.pk}/edit/",
            {"name": "Team A", "site": self.team.site.pk, "supervisors": [self.other_supervisor.pk]},
        )
        self.assertRedirects(response, "/people/teams/")
        self.assertEqual(list(self.team.supervisors.all()), [self.other_supervisor])
        self.assertEqual(list(self.team.lines_of_business.all()), [])


class AccountPageTests(PeoplePersonas):
    def create(self, **changes):
        data = {
            "username": "wang.fang",
            "first_name": "Fang",
            "last_name": "Wang",
            "email": "wang.fang@example.com",
            "roles": ["qa", "trainer"],
            "is_active": "on",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        data.update(changes)
        self.client.force_login(self.manager)
        return self.client.post("/people/users/new/", {k: v for k, v in data.items() if v is not None})

    def test_a_manager_creates_an_account_with_roles_that_can_log_in(self):
        self.assertRedirects(self.create(), "/people/users/")
        account = User.objects.get(username="wang.fang")
        self.assertEqual(set(account.groups.values_list("name", flat=True)), {"qa", "trainer"})
        self.assertEqual(account.email, "wang.fang@example.com")
        self.client.logout()
        self.assertTrue(self.client.login(username="wang.fang", password=PASSWORD))

    def test_the_person_replaces_the_initial_password_with_their_own(self):
        self.create()
        self.client.logout()
        self.client.login(username="wang.fang", password=PASSWORD)
        # Every page's top bar links to the form.
        self.assertContains(self.client.get("/accounts/password/"), 'href="/accounts/password/"')
        response = self.client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "only-m1ne-now", "new_password2": "only-m1ne-now"},
        )
        self.assertRedirects(response, "/accounts/password/done/")
        self.assertTrue(User.objects.get(username="wang.fang").check_password("only-m1ne-now"))

    def test_a_weak_password_is_refused_by_djangos_validators(self):
        response = self.create(password1="wang", password2="wang")
        self.assertEqual(response.status_code, 200)
        self.assertIn("password1", response.context["form"].errors)
        self.assertFalse(User.objects.filter(username="wang.fang").exists())

    def test_two_different_passwords_are_refused(self):
        response = self.create(password2=PASSWORD + "x")
        self.assertIn("password2", response.context["form"].errors)
        self.assertFalse(User.objects.filter(username="wang.fang").exists())

    def test_a_username_taken_in_another_case_is_refused(self):
        response = self.create(username="QA")
        self.assertIn("username", response.context["form"].errors)

    def test_a_manager_cannot_give_the_administrator_role(self):
        response = self.create(roles=["admin"])
        self.assertIn("roles", response.context["form"].errors)
        self.assertFalse(User.objects.filter(username="wang.fang").exists())
        with self.assertRaises(PermissionDenied):
            services.user_create(by=self.manager, username="wang.fang", password=PASSWORD, roles=["admin"])

    def test_an_admin_can_give_the_administrator_role(self):
        account = services.user_create(by=self.admin, username="wang.fang", password=PASSWORD, roles=["admin"])
        self.assertEqual(list(account.groups.values_list("name", flat=True)), ["admin"])

    def test_an_edit_with_blank_passwords_keeps_the_password_and_changes_the_roles(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            f"/people/users/{self.trainer.pk}/edit/",
            {"username": "trainer", "roles": ["trainer", "supervisor"], "is_active": "on"},
        )
        self.assertRedirects(response, "/people/users/")
        self.trainer.refresh_from_db()
        self.assertTrue(self.trainer.check_password("pw"))
        self.assertEqual(set(self.trainer.groups.values_list("name", flat=True)), {"trainer", "supervisor"})

    def test_a_deactivated_account_can_no_longer_log_in(self):
        self.client.force_login(self.manager)
        self.client.post(f"/people/users/{self.trainer.pk}/edit/", {"username": "trainer", "roles": ["trainer"]})
        self.trainer.refresh_from_db()
        self.assertFalse(self.trainer.is_active)
        self.client.logout()
        self.assertFalse(self.client.login(username="trainer", password="pw"))

    def test_a_manager_cannot_deactivate_themselves_or_drop_their_own_manager_role(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            f"/people/users/{self.manager.pk}/edit/", {"username": "manager", "roles": ["manager"]}
        )
        self.assertIn("is_active", response.context["form"].errors)
        response = self.client.post(
            f"/people/users/{self.manager.pk}/edit/", {"username": "manager", "roles": ["qa"], "is_active": "on"}
        )
        self.assertIn("roles", response.context["form"].errors)
        self.manager.refresh_from_db()
        self.assertTrue(self.manager.is_active)
        self.assertTrue(self.manager.groups.filter(name="manager").exists())

    def test_only_an_admin_edits_an_admin_or_a_staff_account(self):
        self.client.force_login(self.manager)
        for account in (self.admin, self.staff):
            with self.subTest(account=account.username):
                self.assertEqual(self.client.get(f"/people/users/{account.pk}/edit/").status_code, 403)
                response = self.client.post(
                    f"/people/users/{account.pk}/edit/",
                    {"username": account.username, "roles": ["agent"], "password1": PASSWORD, "password2": PASSWORD},
                )
                self.assertEqual(response.status_code, 403)
                account.refresh_from_db()
                self.assertTrue(account.check_password("pw"))
        self.assertNotContains(self.client.get("/people/users/"), f'href="/people/users/{self.admin.pk}/edit/"')
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(f"/people/users/{self.staff.pk}/edit/").status_code, 200)

    def test_the_account_list_costs_the_same_queries_for_more_accounts(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.manager)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/people/users/").status_code, 200)
            return len(ctx.captured_queries)

        before = count()
        for _ in range(5):
            f.AgentFactory(user=f.UserFactory(roles=["agent", "qa"]))
        self.assertEqual(count(), before)


class NoDeleteTests(TestCase):
    def test_the_people_pages_offer_no_delete(self):
        from monitoring.people import urls

        self.assertFalse([p for p in urls.urlpatterns if "delete" in str(p.pattern)])
