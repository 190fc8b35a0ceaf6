"""The reassignment page (POST /assignments/<id>/reassign/) and the API (POST
/api/v1/assignments/<id>/reassign/) ask the same rule (planning/permissions.py) through the same
service: the same reassignment gets the same answer on both, and leaves the same state."""

from __future__ import annotations

from tests import factories as f
from tests.scoring.factories import ScoringPersonas

OTHER_TEAMS = "You may only reassign work on your own teams' calls."


class SameAnswerTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Two identical open assignments on Li Na's calls (team A, led by `supervisor`): one for
        # each surface, so each starts from the same state.
        cls.for_page = f.AssignmentFactory(call=cls.call, evaluator=cls.qa)
        cls.for_api = f.AssignmentFactory(
            call=f.CallFactory(agent=cls.agent, line_of_business=cls.lob), evaluator=cls.qa
        )

    def by_page(self, user, to):
        self.client.force_login(user)
        return self.client.post(f"/assignments/{self.for_page.pk}/reassign/", {"to": to})

    def by_api(self, user, to):
        return self.api(user).post(f"/api/v1/assignments/{self.for_api.pk}/reassign/", {"to": to}, format="json")

    def holders(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """(evaluator, role) of the page's assignment and of the API's, from the database."""
        for assignment in (self.for_page, self.for_api):
            assignment.refresh_from_db()
        return (
            (self.for_page.evaluator.username, self.for_page.evaluator_role),
            (self.for_api.evaluator.username, self.for_api.evaluator_role),
        )

    def test_a_supervisor_of_another_team_is_refused_with_403_on_both(self):
        page = self.by_page(self.other_supervisor, "qa2")
        api = self.by_api(self.other_supervisor, "qa2")

        self.assertEqual((page.status_code, api.status_code), (403, 403))
        self.assertContains(page, "You may only reassign work on your own teams", status_code=403)
        self.assertEqual(api.json(), {"detail": OTHER_TEAMS})
        self.assertEqual(self.holders(), (("qa", "qa"), ("qa", "qa")))

    def test_a_managers_reassignment_succeeds_on_both(self):
        page = self.by_page(self.manager, "qa2")
        api = self.by_api(self.manager, "qa2")

        self.assertEqual((page.status_code, api.status_code), (302, 200))
        self.assertEqual((api.json()["evaluator"], api.json()["evaluator_role"]), ("qa2", "qa"))
        self.assertEqual(self.holders(), (("qa2", "qa"), ("qa2", "qa")))
        for assignment in (self.for_page, self.for_api):
            self.assertEqual(assignment.history.latest().history_change_reason, "reassigned by manager")

    def test_a_manager_handing_the_work_to_the_agent_gets_400_with_the_reason_on_both(self):
        page = self.by_page(self.manager, "agent")
        api = self.by_api(self.manager, "agent")

        self.assertEqual((page.status_code, api.status_code), (400, 400))
        self.assertContains(page, "Nobody evaluates their own calls.", status_code=400)
        self.assertEqual(api.json(), {"to": ["Nobody evaluates their own calls."]})
        self.assertEqual(self.holders(), (("qa", "qa"), ("qa", "qa")))

    def test_the_teams_own_supervisor_succeeds_on_both(self):
        page = self.by_page(self.supervisor, "trainer")
        api = self.by_api(self.supervisor, "trainer")

        self.assertEqual((page.status_code, api.status_code), (302, 200))
        self.assertEqual(self.holders(), (("trainer", "trainer"), ("trainer", "trainer")))
