"""A person with several roles (a team lead who also takes calls, an auditor who is also an
agent) is still only an agent where their own evaluations are concerned."""

from django.contrib.auth.models import Group

from scoring.models import Status
from tests.scoring.factories import ScoringPersonas, make_evaluation


class MultiRoleTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for role in ("qa", "supervisor"):
            cls.agent_user.groups.add(Group.objects.get_or_create(name=role)[0])
        cls.team.supervisors.add(cls.agent_user)
        cls.held = make_evaluation(call=cls.call, by=cls.qa2, version=cls.version, deliver_feedback=False)

    def test_an_undelivered_evaluation_of_my_own_call_stays_hidden(self):
        api = self.api(self.agent_user)
        self.assertEqual(api.get(self.url(self.held)).status_code, 404)
        self.client.force_login(self.agent_user)
        self.assertEqual(self.client.get(f"/evaluations/{self.held.pk}/").status_code, 404)

    def test_i_cannot_deliver_feedback_on_my_own_evaluation(self):
        response = self.api(self.agent_user).post(self.url(self.held, "deliver-feedback"))
        self.assertIn(response.status_code, (403, 404))
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, Status.SUBMITTED)

    def test_i_cannot_resolve_my_own_dispute(self):
        api = self.api(self.qa2)
        api.post(self.url(self.held, "deliver-feedback"))
        me = self.api(self.agent_user)
        self.assertEqual(me.post(self.url(self.held, "dispute"), {"reason": "The closing is there at 0:05."}).status_code, 201)
        response = me.post(
            self.url(self.held, "resolve"),
            {"outcome": "adjusted", "reason": "mine", "answers": self.payload({"closing": 1})},
            format="json",
        )
        self.assertEqual(response.status_code, 403)
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, Status.DISPUTED)
        self.assertEqual(str(self.held.total), "77.5")
