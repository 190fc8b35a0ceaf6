"""The menu and the call page's actions come from each app's own rules (qa_platform/menu.py):
every role sees the entries for the pages it may open, and nothing it would be refused."""

from django.contrib.auth.models import Group

from qa_platform.menu import call_actions_for, items_for
from tests import factories as f
from tests.personas import Personas


def menu(user) -> list[str]:
    return [item.url_name for item in items_for(user)]


class MenuTests(Personas):
    def test_each_role_sees_its_own_pages_in_order(self):
        self.assertEqual(
            menu(self.agent_user), ["evaluation-list", "performance-detail", "agent-detail", "report-list"]
        )
        self.assertEqual(menu(self.hr), ["hr-export", "agent-list"])
        self.assertEqual(
            menu(self.qa),
            [
                "work-queue",
                "quota-progress",
                "dashboard",
                "call-list",
                "evaluation-list",
                "dispute-list",
                "team-list",
                "performance-list",
                "appraisal-me",
                "agent-list",
                "report-list",
                "scorecard-list",
                "reliability",
                "calibration-list",
            ],
        )
        self.assertEqual(
            menu(self.supervisor),
            [
                "dashboard",
                "work-queue",
                "quota-progress",
                "call-list",
                "evaluation-list",
                "team-list",
                "performance-list",
                "appraisal-me",
                "agent-list",
                "report-list",
                "scorecard-list",
            ],
        )
        self.assertEqual(
            menu(self.manager)[:5],
            ["center-overview", "dashboard", "work-queue", "quota-progress", "quota-policy-list"],
        )
        self.assertIn("call-import", menu(self.manager))
        self.assertIn("hr-export", menu(self.manager))

    def test_every_menu_entry_opens_for_the_person_it_is_shown_to(self):
        for user in (self.agent_user, self.hr, self.qa, self.supervisor, self.trainer, self.manager):
            self.client.force_login(user)
            for item in items_for(user):
                with self.subTest(user=user.username, page=item.url_name):
                    self.assertEqual(self.client.get(item.url).status_code, 200)

    def test_an_agent_only_account_gets_my_evaluations_and_my_calls(self):
        labels = [item.label for item in items_for(self.agent_user)]
        self.assertEqual(labels, ["My evaluations", "My performance", "My calls", "Reports"])

    def test_the_page_renders_the_menu(self):
        self.client.force_login(self.hr)
        response = self.client.get("/agents/")
        self.assertContains(response, 'href="/agents/"')
        self.assertNotContains(response, 'href="/calls/"')
        self.assertNotContains(response, 'href="/evaluations/"')


class CallActionTests(Personas):
    def actions(self, user, call) -> list[str]:
        return [item.url_name for item in call_actions_for(user, call)]

    def test_an_evaluator_is_offered_to_evaluate_someone_elses_call(self):
        for user in (self.qa, self.supervisor, self.trainer, self.manager):
            self.assertEqual(self.actions(user, self.call), ["evaluation-start"], user.username)

    def test_the_agent_is_offered_a_self_evaluation_of_their_own_call_only(self):
        self.assertEqual(self.actions(self.agent_user, self.call), ["evaluation-self-start"])
        self.assertEqual(self.actions(self.agent_user, self.other_call), [])

    def test_an_evaluator_who_is_also_the_agent_may_only_self_evaluate(self):
        self.agent_user.groups.add(Group.objects.get(name="qa"))
        self.assertEqual(self.actions(self.agent_user, self.call), ["evaluation-self-start"])

    def test_the_call_page_shows_the_button_and_none_on_a_private_line(self):
        self.client.force_login(self.qa)
        self.assertContains(self.client.get(f"/calls/{self.call.pk}/"), f'action="/calls/{self.call.pk}/evaluate/"')
        private = f.CallFactory(agent=self.agent, line_of_business=self.lob, line="8000")
        f.PrivateLineFactory(line="8000")
        self.assertNotContains(self.client.get(f"/calls/{private.pk}/"), "/evaluate/")
