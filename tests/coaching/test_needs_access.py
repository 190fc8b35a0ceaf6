"""Who sees and does what with training needs and sessions, on the pages and the API: each wrong
person refused (403 for a role or a step, 404 for an object outside their scope)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.models import (
    GroupKind,
    NeedDimension,
    NeedStatus,
    TrainingAttendance,
    TrainingNeed,
    TrainingNeedPolicy,
    TrainingSession,
    TrainingSessionStatus,
)
from tests import factories as f
from tests.personas import Personas

WEEK = dt.date(2026, 11, 16)


def need(*, kind, key, label, agent=None, agents=(), week=WEEK, category="etiquette") -> TrainingNeed:
    return TrainingNeed.objects.create(
        week_start=week,
        group_kind=kind,
        group_key=str(key),
        group_label=label,
        agent=agent,
        dimension=NeedDimension.CATEGORY,
        category=category,
        agents_in_group=max(1, len(agents)),
        agents_affected=max(1, len(agents)),
        evaluations=4,
        points_lost=10,
        points_possible=20,
        rate=0.5,
        evidence={
            "agents": [
                {"id": a.pk, "name": a.name, "rate": 0.5, "evaluations": 2, "lost": 5, "possible": 10}
                | {"counted": True, "affected": True}
                for a in agents
            ],
            "evaluation_ids": [],
            "thresholds": {},
        },
    )


class NeedsAccess(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.trainer2 = f.UserFactory(username="trainer2", roles=["trainer"])
        cls.team_need = need(kind=GroupKind.TEAM, key=cls.team.pk, label="Team A", agents=[cls.agent])
        cls.other_individual = need(
            kind=GroupKind.AGENT,
            key=cls.other_agent.pk,
            label="Wang Wei",
            agent=cls.other_agent,
            agents=[cls.other_agent],
        )
        cls.shift_need = need(kind=GroupKind.SHIFT, key=1, label="Night", agents=[cls.agent, cls.other_agent])
        past = timezone.now() - dt.timedelta(days=1)
        cls.session = TrainingSession.objects.create(topic="Greeting", scheduled_for=past, trainer=cls.trainer)
        TrainingAttendance.objects.create(session=cls.session, agent=cls.agent)
        cls.other_session = TrainingSession.objects.create(
            topic="Verification", scheduled_for=past, trainer=cls.trainer
        )
        TrainingAttendance.objects.create(session=cls.other_session, agent=cls.other_agent)

    def get(self, user, name, *args, **params):
        self.client.force_login(user)
        return self.client.get(reverse(name, args=args), params)

    def post(self, user, name, *args, data=None):
        self.client.force_login(user)
        return self.client.post(reverse(name, args=args), data or {})

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


class NeedPagesTest(NeedsAccess):
    def test_center_wide_roles_see_every_need(self):
        for user in (self.qa, self.trainer, self.manager):
            page = self.get(user, "coaching-need-list")
            assert page.status_code == 200
            assert {n.pk for n in page.context["page"]} == {
                self.team_need.pk,
                self.other_individual.pk,
                self.shift_need.pk,
            }

    def test_a_supervisor_sees_their_teams_needs_only(self):
        page = self.get(self.supervisor, "coaching-need-list")
        assert {n.pk for n in page.context["page"]} == {self.team_need.pk}
        page = self.get(self.other_supervisor, "coaching-need-list")
        assert {n.pk for n in page.context["page"]} == {self.other_individual.pk}
        assert self.get(self.supervisor, "coaching-need-detail", self.other_individual.pk).status_code == 404
        assert self.get(self.supervisor, "coaching-need-detail", self.team_need.pk).status_code == 200

    def test_agents_and_hr_see_no_needs(self):
        for user in (self.agent_user, self.hr):
            assert self.get(user, "coaching-need-list").status_code == 403
            assert self.get(user, "coaching-need-detail", self.team_need.pk).status_code == 403

    def test_the_list_filters_and_refuses_a_bad_week(self):
        page = self.get(self.trainer, "coaching-need-list", scope="individual")
        assert [n.pk for n in page.context["page"]] == [self.other_individual.pk]
        page = self.get(self.trainer, "coaching-need-list", week="2026-W47", group_kind="team")
        assert [n.pk for n in page.context["page"]] == [self.team_need.pk]
        assert self.get(self.trainer, "coaching-need-list", week="2026-W99").status_code == 400

    def test_the_need_list_costs_the_same_queries_for_one_need_and_many(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.trainer)
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("coaching-need-list"))
        for i in range(8):
            need(kind=GroupKind.SERVICE_TYPE, key=f"queue {i}", label=f"queue {i}", agents=[self.agent])
        with CaptureQueriesContext(connection) as many:
            self.client.get(reverse("coaching-need-list"))
        assert len(many) == len(few)

    def test_only_trainers_and_managers_dismiss(self):
        for user in (self.qa, self.supervisor):
            assert self.post(user, "coaching-need-dismiss", self.team_need.pk).status_code == 403
        self.team_need.refresh_from_db()
        assert self.team_need.status == NeedStatus.OPEN
        response = self.post(self.trainer, "coaching-need-dismiss", self.team_need.pk)
        assert response.status_code == 302
        self.team_need.refresh_from_db()
        assert self.team_need.status == NeedStatus.DISMISSED
        assert self.post(self.trainer, "coaching-need-dismiss", self.team_need.pk).status_code == 409

    def test_an_individual_need_offers_a_plan_and_a_common_one_a_training(self):
        page = self.get(self.trainer, "coaching-need-detail", self.shift_need.pk)
        self.assertContains(page, f"{reverse('coaching-training-create')}?need={self.shift_need.pk}")
        page = self.get(self.trainer, "coaching-need-detail", self.other_individual.pk)
        assert page.context["can_train"] is False
        self.assertNotContains(page, "Create group training")
        plan = f"{reverse('coaching-plan-create')}?agent={self.other_agent.pk}&amp;need={self.other_individual.pk}"
        self.assertContains(page, plan)

    def test_the_thresholds_page_is_for_managers_and_trainers(self):
        for user in (self.qa, self.supervisor, self.agent_user, self.hr):
            assert self.get(user, "coaching-need-policy").status_code == 403
        assert self.get(self.trainer, "coaching-need-policy").status_code == 200
        data = {
            "min_share_affected": "0.4",
            "min_rate": "0.25",
            "min_individual_rate": "0.5",
            "min_group_agents": "4",
            "min_evaluations": "2",
        }
        assert self.post(self.manager, "coaching-need-policy", data=data | {"weekly_job": "on"}).status_code == 302
        policy = TrainingNeedPolicy.current()
        assert (policy.min_share_affected, policy.min_group_agents) == (0.4, 4)
        assert policy.history.first().history_user == self.manager
        bad = self.post(self.manager, "coaching-need-policy", data=data | {"min_rate": "1.5"})
        assert bad.status_code == 400
        assert TrainingNeedPolicy.current().min_rate == 0.25


class TrainingPagesTest(NeedsAccess):
    def test_who_sees_which_session(self):
        expected = {
            self.trainer: {self.session.pk, self.other_session.pk},
            self.qa: {self.session.pk, self.other_session.pk},
            self.supervisor: {self.session.pk},
            self.other_supervisor: {self.other_session.pk},
            self.agent_user: {self.session.pk},
        }
        for user, sessions in expected.items():
            page = self.get(user, "coaching-training-list")
            assert {s.pk for s in page.context["page"]} == sessions, user
        assert self.get(self.hr, "coaching-training-list").status_code == 403
        assert self.get(self.agent_user, "coaching-training-detail", self.other_session.pk).status_code == 404
        assert self.get(self.supervisor, "coaching-training-detail", self.other_session.pk).status_code == 404

    def test_an_agent_sees_their_own_attendance_and_no_figures(self):
        TrainingAttendance.objects.create(session=self.session, agent=self.other_agent)
        page = self.get(self.agent_user, "coaching-training-detail", self.session.pk)
        assert page.status_code == 200
        assert [row.agent for row in page.context["attendance"]] == [self.agent]
        assert page.context["figures"] is False
        assert page.context["can_take_attendance"] is False

    def test_only_trainers_and_managers_create_sessions(self):
        for user in (self.qa, self.supervisor, self.agent_user, self.hr):
            assert self.get(user, "coaching-training-create").status_code == 403

    def test_attendance_is_the_sessions_trainers_or_a_managers(self):
        for user in (self.trainer2, self.supervisor, self.agent_user, self.qa):
            data = {"attended": [self.agent.pk]}
            assert self.post(user, "coaching-training-attendance", self.session.pk, data=data).status_code in (403,)
        self.session.refresh_from_db()
        assert self.session.status == TrainingSessionStatus.PLANNED
        assert self.post(self.manager, "coaching-training-attendance", self.session.pk).status_code == 302
        self.session.refresh_from_db()
        assert self.session.status == TrainingSessionStatus.HELD


class NeedsApiTest(NeedsAccess):
    def test_agents_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr):
            assert self.api(user).get("/api/v1/training-needs/").status_code == 403
            assert self.api(user).get(f"/api/v1/training-needs/{self.team_need.pk}/").status_code == 403

    def test_a_supervisor_lists_their_teams_needs(self):
        body = self.api(self.supervisor).get("/api/v1/training-needs/").json()
        assert [n["id"] for n in body["results"]] == [self.team_need.pk]
        assert self.api(self.supervisor).get(f"/api/v1/training-needs/{self.shift_need.pk}/").status_code == 404

    def test_filters_and_evidence(self):
        body = self.api(self.qa).get("/api/v1/training-needs/", {"scope": "common", "week": "2026-W47"}).json()
        assert {n["id"] for n in body["results"]} == {self.team_need.pk, self.shift_need.pk}
        assert self.api(self.qa).get("/api/v1/training-needs/", {"week": "soon"}).status_code == 400
        detail = self.api(self.qa).get(f"/api/v1/training-needs/{self.shift_need.pk}/").json()
        assert {a["id"] for a in detail["evidence"]["agents"]} == {self.agent.pk, self.other_agent.pk}

    def test_dismiss_is_for_trainers_and_managers(self):
        url = f"/api/v1/training-needs/{self.shift_need.pk}/dismiss/"
        assert self.api(self.qa).post(url).status_code == 403
        assert self.api(self.supervisor).post(f"/api/v1/training-needs/{self.team_need.pk}/dismiss/").status_code == 403
        response = self.api(self.trainer).post(url)
        assert response.status_code == 200 and response.json()["status"] == "dismissed"
        assert self.api(self.trainer).post(url).status_code == 409


class SessionsApiTest(NeedsAccess):
    def payload(self, **extra):
        return {
            "need": self.shift_need.pk,
            "topic": "Greeting",
            "scheduled_for": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "attendees": [self.agent.pk, self.other_agent.pk],
            **extra,
        }

    def test_hr_is_refused_and_an_agent_lists_their_own(self):
        assert self.api(self.hr).get("/api/v1/training-sessions/").status_code == 403
        body = self.api(self.agent_user).get("/api/v1/training-sessions/").json()
        assert [s["id"] for s in body["results"]] == [self.session.pk]
        assert self.api(self.agent_user).get(f"/api/v1/training-sessions/{self.other_session.pk}/").status_code == 404
        detail = self.api(self.agent_user).get(f"/api/v1/training-sessions/{self.session.pk}/").json()
        assert detail["rate_change"] is None
        assert [a["agent"] for a in detail["attendance"]] == [self.agent.pk]

    def test_only_trainers_and_managers_create(self):
        for user in (self.qa, self.supervisor, self.agent_user):
            assert self.api(user).post("/api/v1/training-sessions/", self.payload(), format="json").status_code == 403
        response = self.api(self.trainer).post("/api/v1/training-sessions/", self.payload(), format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["trainer"] == self.trainer.pk
        self.shift_need.refresh_from_db()
        assert self.shift_need.status == NeedStatus.SCHEDULED

    def test_bad_input_is_refused_with_its_field(self):
        api = self.api(self.trainer)
        response = api.post("/api/v1/training-sessions/", self.payload(need=self.other_individual.pk), format="json")
        assert response.status_code == 400 and "need" in response.json()
        assert api.post("/api/v1/training-sessions/", self.payload(attendees=[]), format="json").status_code == 400
        assert (
            api.post("/api/v1/training-sessions/", self.payload(attendees=[999999]), format="json").status_code == 404
        )
        assert TrainingSession.objects.count() == 2

    def test_attendance_by_the_sessions_trainer(self):
        url = f"/api/v1/training-sessions/{self.session.pk}/attendance/"
        body = {"attendance": [{"agent": self.agent.pk, "attended": True}]}
        for user in (self.trainer2, self.qa, self.supervisor, self.agent_user):
            assert self.api(user).post(url, body, format="json").status_code == 403
        bad = self.api(self.trainer).post(
            url, {"attendance": [{"agent": self.other_agent.pk, "attended": True}]}, format="json"
        )
        assert bad.status_code == 400 and "attendance" in bad.json()
        response = self.api(self.trainer).post(url, body, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "held"
        assert response.json()["attendance"] == [{"agent": self.agent.pk, "agent_name": "Li Na", "attended": True}]
