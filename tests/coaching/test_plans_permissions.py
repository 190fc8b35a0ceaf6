"""Who may see and do what with a coaching plan (coaching/permissions/plans.py), on the pages and
the API: each wrong person is refused — a plan outside one's scope is a 404, a forbidden step a
403, HR has no plan pages at all — and nothing changes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coaching.models import CoachingPlan, PlanStatus
from coaching.services import plans as services
from tests.coaching.test_plans_base import PlanPersonas


class PermissionBase(PlanPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = services.create_plan(
            by=cls.trainer,
            agent=cls.agent,
            owner=cls.trainer,
            title="Closing the call",
            goals=[
                services.GoalInput(
                    scope="category", category="etiquette", target=90, deadline=cls.in_days(30), service_types=[]
                )
            ],
        )
        cls.session = services.record_session(plan=cls.plan, by=cls.trainer, kind="one_to_one")

    def detail(self) -> str:
        return reverse("coaching-plan-detail", args=[self.plan.pk])

    def unchanged(self):
        plan = CoachingPlan.objects.get(pk=self.plan.pk)
        self.assertEqual(
            (plan.status, plan.title, plan.acknowledged_at), (PlanStatus.IN_PROGRESS, "Closing the call", None)
        )
        self.session.refresh_from_db()
        self.assertIsNone(self.session.acknowledged_at)
        self.assertEqual(plan.sessions.count(), 1)


class SeeingTests(PermissionBase):
    def test_center_wide_roles_see_every_plan(self):
        for user in (self.qa, self.trainer, self.manager):
            self.assertEqual(self.page(user).get(self.detail()).status_code, 200, user)
            self.assertEqual(self.api(user).get(f"/api/v1/coaching-plans/{self.plan.pk}/").status_code, 200, user)

    def test_the_supervisor_of_the_team_sees_it_another_does_not(self):
        self.assertEqual(self.page(self.supervisor).get(self.detail()).status_code, 200)
        self.assertEqual(self.page(self.other_supervisor).get(self.detail()).status_code, 404)
        self.assertEqual(
            self.api(self.other_supervisor).get(f"/api/v1/coaching-plans/{self.plan.pk}/").status_code, 404
        )
        listed = self.api(self.other_supervisor).get("/api/v1/coaching-plans/").json()
        self.assertEqual(listed["count"], 0)
        self.assertEqual(
            self.page(self.other_supervisor).get(reverse("coaching-plan-list")).context["page"].paginator.count, 0
        )

    def test_an_agent_sees_only_their_own_plan(self):
        self.assertEqual(self.page(self.agent_user).get(self.detail()).status_code, 200)
        self.assertEqual(self.page(self.other_agent_user).get(self.detail()).status_code, 404)
        self.assertEqual(
            self.api(self.other_agent_user).get(f"/api/v1/coaching-plans/{self.plan.pk}/").status_code, 404
        )
        self.assertEqual(self.api(self.other_agent_user).get("/api/v1/coaching-plans/").json()["count"], 0)
        self.assertEqual(self.api(self.agent_user).get("/api/v1/coaching-plans/").json()["count"], 1)
        self.assertEqual(
            self.api(self.other_agent_user).get(f"/api/v1/coaching-sessions/{self.session.pk}/").status_code, 404
        )
        attachment = reverse("coaching-session-attachment", args=[self.session.pk])
        self.assertEqual(self.page(self.other_agent_user).get(attachment).status_code, 404)

    def test_hr_has_no_plans_403_on_the_list_404_on_a_plan(self):
        self.assertEqual(self.page(self.hr).get(reverse("coaching-plan-list")).status_code, 403)
        self.assertEqual(self.api(self.hr).get("/api/v1/coaching-plans/").status_code, 403)
        self.assertEqual(self.api(self.hr).get("/api/v1/coaching-sessions/").status_code, 403)
        self.assertEqual(self.page(self.hr).get(self.detail()).status_code, 404)
        self.assertEqual(self.api(self.hr).get(f"/api/v1/coaching-plans/{self.plan.pk}/").status_code, 404)
        self.assertEqual(self.api(self.hr).get(f"/api/v1/coaching-sessions/{self.session.pk}/").status_code, 404)
        self.assertEqual(self.api(self.hr).post(f"/api/v1/coaching-plans/{self.plan.pk}/acknowledge/").status_code, 404)

    def test_a_login_without_an_agent_has_no_my_coaching(self):
        self.assertEqual(self.page(self.trainer).get(reverse("coaching-my-plans")).status_code, 403)


class ActingTests(PermissionBase):
    def test_the_agent_cannot_edit_record_a_session_or_complete_their_plan(self):
        client = self.page(self.agent_user)
        self.assertEqual(client.get(reverse("coaching-plan-edit", args=[self.plan.pk])).status_code, 403)
        self.assertEqual(
            client.post(reverse("coaching-plan-edit", args=[self.plan.pk]), {"title": "Mine"}).status_code, 403
        )
        self.assertEqual(
            client.post(reverse("coaching-session-create", args=[self.plan.pk]), {"kind": "one_to_one"}).status_code,
            403,
        )
        self.assertEqual(
            client.post(reverse("coaching-plan-complete", args=[self.plan.pk]), {"outcome": "done"}).status_code, 403
        )
        api = self.api(self.agent_user)
        self.assertEqual(
            api.patch(f"/api/v1/coaching-plans/{self.plan.pk}/", {"title": "Mine"}, format="json").status_code, 403
        )
        self.assertEqual(
            api.post(f"/api/v1/coaching-plans/{self.plan.pk}/complete/", {"outcome": "x"}, format="json").status_code,
            403,
        )
        self.assertEqual(
            api.post(
                "/api/v1/coaching-sessions/", {"plan": self.plan.pk, "kind": "one_to_one"}, format="json"
            ).status_code,
            403,
        )
        self.assertEqual(api.post("/api/v1/coaching-plans/", {}, format="json").status_code, 403)
        self.assertNotContains(client.get(self.detail()), reverse("coaching-plan-edit", args=[self.plan.pk]))
        self.unchanged()

    def test_only_the_agent_acknowledges(self):
        for user in (self.trainer, self.supervisor, self.manager, self.qa):
            self.assertEqual(
                self.page(user).post(reverse("coaching-plan-acknowledge", args=[self.plan.pk])).status_code, 403, user
            )
            self.assertEqual(
                self.page(user).post(reverse("coaching-session-acknowledge", args=[self.session.pk])).status_code,
                403,
                user,
            )
            self.assertEqual(
                self.api(user).post(f"/api/v1/coaching-plans/{self.plan.pk}/acknowledge/").status_code, 403, user
            )
            self.assertEqual(
                self.api(user).post(f"/api/v1/coaching-sessions/{self.session.pk}/acknowledge/").status_code, 403, user
            )
        self.assertEqual(
            self.api(self.other_agent_user).post(f"/api/v1/coaching-plans/{self.plan.pk}/acknowledge/").status_code, 404
        )
        self.unchanged()

    def test_qa_reads_but_does_not_edit(self):
        self.assertEqual(
            self.page(self.qa)
            .post(reverse("coaching-plan-complete", args=[self.plan.pk]), {"outcome": "x"})
            .status_code,
            403,
        )
        self.assertEqual(
            self.api(self.qa)
            .patch(f"/api/v1/coaching-plans/{self.plan.pk}/", {"title": "QA"}, format="json")
            .status_code,
            403,
        )
        self.assertEqual(self.api(self.qa).post("/api/v1/coaching-plans/", {}, format="json").status_code, 403)
        self.assertEqual(self.page(self.qa).get(reverse("coaching-plan-create")).status_code, 403)
        self.unchanged()

    def test_another_teams_supervisor_cannot_act_on_it_or_create_for_the_agent(self):
        self.assertEqual(
            self.page(self.other_supervisor)
            .post(reverse("coaching-session-create", args=[self.plan.pk]), {})
            .status_code,
            404,
        )
        self.assertEqual(
            self.page(self.other_supervisor)
            .get(f"{reverse('coaching-plan-create')}?agent={self.agent.pk}")
            .status_code,
            404,
        )
        with self.assertRaises(PermissionDenied):
            self.make_plan(by=self.other_supervisor, owner=self.trainer)
        self.unchanged()

    def test_the_supervisor_of_the_team_and_a_manager_may_edit(self):
        self.assertEqual(
            self.page(self.supervisor).get(reverse("coaching-plan-edit", args=[self.plan.pk])).status_code, 200
        )
        response = self.api(self.manager).patch(
            f"/api/v1/coaching-plans/{self.plan.pk}/", {"title": "Closing well"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["title"], "Closing well")

    def test_nobody_creates_a_plan_for_themselves(self):
        self.agent_user.groups.add(*self.trainer.groups.all())
        agent_user = type(self.agent_user).objects.get(pk=self.agent_user.pk)
        with self.assertRaises(PermissionDenied):
            self.make_plan(by=agent_user)
