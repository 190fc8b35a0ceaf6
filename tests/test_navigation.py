"""The menu and the call page's actions come from each app's own rules (qa_platform/menu.py):
every role sees the entries for the pages it may open, and nothing it would be refused; a long
menu is grouped by task (work, people, coaching, quality, reports, settings), a short one is flat."""

from django.contrib.auth.models import Group

from qa_platform.menu import GROUP_OF, GROUPS, call_actions_for, groups_for, items_for
from tests import factories as f
from tests.personas import Personas


def menu(user) -> list[str]:
    return [item.url_name for item in items_for(user)]


class MenuTests(Personas):
    def test_each_role_sees_its_own_pages_in_order(self):
        self.assertEqual(
            menu(self.agent_user),
            [
                "evaluation-list",
                "performance-detail",
                "agent-detail",
                "report-list",
                "coaching-my-plans",
                "coaching-recognition-mine",
            ],
        )
        # HR sees that development reviews happened (never what they say).
        self.assertEqual(menu(self.hr), ["hr-export", "agent-list", "coaching-review-list"])
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
                "root-causes",
                "call-flags",
                "appraisal-me",
                "agent-list",
                "report-list",
                "scorecard-list",
                "reliability",
                "calibration-list",
                "auto-agreement",
                "coaching-plan-list",
                "coaching-need-list",
                "coaching-training-list",
                "coaching-library",
                "coaching-report",
                "coaching-recognition-board",
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
                "root-causes",
                "call-flags",
                "appraisal-me",
                "agent-list",
                "report-list",
                "scorecard-list",
                "coaching-home",
                "coaching-plan-list",
                "coaching-need-list",
                "coaching-training-list",
                "coaching-library",
                "coaching-review-list",
                "coaching-report",
                "coaching-recognition-board",
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
        # Their training sessions, reviews and the call library are reached from "My coaching".
        self.assertEqual(
            labels, ["My evaluations", "My performance", "My calls", "Reports", "My coaching", "My recognition"]
        )

    def test_the_page_renders_the_menu(self):
        self.client.force_login(self.hr)
        response = self.client.get("/agents/")
        self.assertContains(response, 'href="/agents/"')
        self.assertNotContains(response, 'href="/calls/"')
        self.assertNotContains(response, 'href="/evaluations/"')


def grouped(user, path: str = "") -> list[tuple[str, list[str]]]:
    return [(g.key, [i.url_name for i in g.items]) for g in groups_for(user, path=path)]


class MenuGroupTests(Personas):
    def everyone(self):
        return (self.agent_user, self.hr, self.qa, self.supervisor, self.trainer, self.manager)

    def test_every_entry_is_put_in_a_group_on_purpose(self):
        # A new page joins a group in GROUP_OF (or sets NavItem.group), not by the Work default.
        keys = {key for key, _label in GROUPS}
        for user in self.everyone():
            for item in items_for(user):
                with self.subTest(user=user.username, page=item.url_name):
                    self.assertTrue(item.group in keys or GROUP_OF.get(item.url_name) in keys)

    def test_the_managers_menu_is_six_task_groups_holding_every_entry_once(self):
        self.manager.is_staff = True
        groups = grouped(self.manager)
        self.assertEqual(
            [key for key, _items in groups], ["work", "people", "coaching", "quality", "reports", "settings"]
        )
        self.assertEqual(dict(groups)["coaching"][:2], ["coaching-home", "coaching-plan-list"])
        self.assertEqual(groups[0][1][:3], ["work-queue", "quota-progress", "call-list"])
        self.assertIn("team-list", dict(groups)["people"])
        self.assertIn("scorecard-list", dict(groups)["quality"])
        self.assertEqual(dict(groups)["reports"][:2], ["center-overview", "dashboard"])
        self.assertEqual(dict(groups)["settings"][-2:], ["admin:index", "api-docs"])
        listed = [name for _key, names in groups for name in names]
        self.assertEqual(sorted(listed), sorted([*menu(self.manager), "admin:index", "api-docs"]))

    def test_a_short_menu_stays_flat(self):
        self.assertEqual(grouped(self.agent_user), [("", [*menu(self.agent_user), "api-docs"])])
        self.assertEqual(grouped(self.hr), [("", ["hr-export", "agent-list", "coaching-review-list", "api-docs"])])

    def test_the_group_of_the_page_shown_is_marked(self):
        current = [g.key for g in groups_for(self.qa, path=f"/teams/{self.team.pk}/") if g.current]
        self.assertEqual(current, ["people"])
        # The longest matching address wins: /calls/import/ is Import calls (settings), not Calls.
        current = [g.key for g in groups_for(self.manager, path="/calls/import/") if g.current]
        self.assertEqual(current, ["settings"])

    def test_the_page_renders_each_group_as_a_dropdown(self):
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        for label in ("Work", "People", "Quality", "Reports"):
            self.assertContains(response, f"<summary>{label}</summary>", html=False)
        self.assertContains(response, '<a href="/queue/" aria-current="page">Work queue</a>', html=True)
        self.assertContains(response, 'class="nav-group current"')
        # A group of one entry (QA's settings: the API docs) is that entry's link, not a dropdown.
        self.assertNotContains(response, "<summary>Settings</summary>")
        self.assertContains(response, 'href="/api/docs/"')


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
