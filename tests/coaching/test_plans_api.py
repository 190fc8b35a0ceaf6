"""The coaching plan API (/api/v1/coaching-plans/, /api/v1/coaching-sessions/): create, list with
filters and pages, partial update, acknowledge, complete, sessions; refusals name the field."""

from __future__ import annotations

from coaching.models import CoachingPlan, PlanStatus
from tests.coaching.test_plans_base import PlanPersonas

PLANS = "/api/v1/coaching-plans/"
SESSIONS = "/api/v1/coaching-sessions/"


class PlanApiTests(PlanPersonas):
    def body(self, **kw) -> dict:
        goal = {
            "scope": "criterion",
            "criterion": self.criteria["closing"].pk,
            "target": 90,
            "deadline": self.in_days(21).isoformat(),
            "service_types": ["refund"],
        }
        return {
            "agent": self.agent.pk,
            "owner": self.trainer.pk,
            "title": "Closing",
            "goals": [goal],
            "evaluations": [self.evaluation.pk],
            **kw,
        }

    def test_a_trainer_creates_a_plan_and_the_agent_reads_and_acknowledges_it(self):
        response = self.api(self.trainer).post(PLANS, self.body(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(
            (data["status"], data["deadline"], data["evaluations"]),
            ("open", self.in_days(21).isoformat(), [self.evaluation.pk]),
        )
        self.assertEqual(data["goals"][0]["label"], "Closing")
        self.assertEqual(data["goals"][0]["service_types"], ["refund"])

        agent = self.api(self.agent_user)
        self.assertEqual([p["id"] for p in agent.get(PLANS).json()["results"]], [data["id"]])
        acknowledged = agent.post(f"{PLANS}{data['id']}/acknowledge/")
        self.assertEqual(acknowledged.status_code, 200)
        self.assertIsNotNone(acknowledged.json()["acknowledged_at"])

    def test_sessions_move_the_plan_in_progress_and_the_agent_acknowledges_them(self):
        plan = self.make_plan()
        response = self.api(self.supervisor).post(
            SESSIONS, {"plan": plan.pk, "kind": "side_by_side", "notes": "ok"}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        session = response.json()
        self.assertEqual(CoachingPlan.objects.get(pk=plan.pk).status, PlanStatus.IN_PROGRESS)
        self.assertEqual(
            [s["id"] for s in self.api(self.agent_user).get(SESSIONS, {"plan": plan.pk}).json()["results"]],
            [session["id"]],
        )
        acknowledged = self.api(self.agent_user).post(f"{SESSIONS}{session['id']}/acknowledge/")
        self.assertEqual(acknowledged.status_code, 200)
        self.assertIsNotNone(acknowledged.json()["acknowledged_at"])

    def test_complete_and_then_nothing_changes(self):
        plan = self.make_plan()
        api = self.api(self.trainer)
        self.assertEqual(api.post(f"{PLANS}{plan.pk}/complete/", {"outcome": ""}, format="json").status_code, 400)
        done = api.post(f"{PLANS}{plan.pk}/complete/", {"outcome": "Closes every call."}, format="json")
        self.assertEqual(done.json()["status"], "completed")
        self.assertEqual(api.patch(f"{PLANS}{plan.pk}/", {"title": "again"}, format="json").status_code, 409)
        self.assertEqual(api.post(SESSIONS, {"plan": plan.pk, "kind": "one_to_one"}, format="json").status_code, 409)

    def test_refusals_name_the_field(self):
        api = self.api(self.trainer)
        past = self.body()
        past["goals"][0]["deadline"] = "2020-01-01"
        response = api.post(PLANS, past, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("goals.0.deadline", response.json())
        response = api.post(PLANS, self.body(goals=[]), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("goals", response.json())
        response = api.post(PLANS, self.body(evaluations=[self.other_evaluation.pk]), format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("evaluations", response.json())
        response = api.post(PLANS, self.body(agent=999999), format="json")
        self.assertEqual(response.status_code, 404)
        self.assertIn("agent", response.json())
        self.assertEqual(CoachingPlan.objects.count(), 0)

    def test_the_list_filters_and_pages(self):
        first = self.make_plan()
        second = self.make_plan(owner=self.supervisor)
        self.make_plan(agent=self.other_agent, goals=[self.goal(service_types=[])], evaluations=[])
        api = self.api(self.manager)
        self.assertEqual(api.get(PLANS).json()["count"], 3)
        self.assertEqual(
            [p["id"] for p in api.get(PLANS, {"owner": self.supervisor.pk}).json()["results"]], [second.pk]
        )
        self.assertEqual(api.get(PLANS, {"agent": self.agent.pk}).json()["count"], 2)
        self.assertEqual(api.get(PLANS, {"status": "completed"}).json()["count"], 0)
        self.assertEqual(api.get(PLANS, {"status": "banana"}).status_code, 400)
        self.assertEqual(api.get(PLANS, {"page": 9}).status_code, 404)
        self.assertEqual(self.api(self.supervisor).get(PLANS).json()["count"], 2)
        self.assertIn(first.pk, [p["id"] for p in self.api(self.supervisor).get(PLANS).json()["results"]])
