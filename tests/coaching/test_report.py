"""The coaching report on a constructed set of plans: the share of goals and of plans improved,
by owner and by criterion or category, each with its n and Wilson interval; plans by status; the
overdue list; a supervisor sees their teams' plans only; agents and HR are refused; the page
costs the same queries with more plans."""

from __future__ import annotations

import datetime as dt
import math

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.models import PlanStatus
from coaching.selectors.report import coaching_report_for
from scoring.models import Category
from tests import factories as f
from tests.coaching.effect_history import evaluate, plan_with_goals
from tests.scoring.factories import ScoringPersonas

CREATED = timezone.now() - dt.timedelta(days=20)
ETIQUETTE = {0: (0, 0), 50: (1, 0), 100: (1, 1)}  # score → (greeting, closing)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


class ReportData(ScoringPersonas):
    @classmethod
    def history(cls, agent, *, etiquette=((), ()), resolved=((), ())):
        """Evaluations of `agent` before and since CREATED with the given etiquette scores and
        "resolved" answers (paired by position; missing ones left unanswered)."""
        for side, sign in ((0, -1), (1, 1)):
            scores, answers = etiquette[side], resolved[side]
            for i in range(max(len(scores), len(answers))):
                values = {}
                if i < len(scores):
                    values["greeting"], values["closing"] = ETIQUETTE[scores[i]]
                if i < len(answers):
                    values["resolved"] = answers[i]
                at = CREATED + sign * dt.timedelta(days=2 + 3 * i)
                evaluate(agent=agent, version=cls.version, by=cls.qa, at=at, values=values)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        past = timezone.localdate() - dt.timedelta(days=2)
        future = timezone.localdate() + dt.timedelta(days=20)
        cls.a3 = f.AgentFactory(name="Zhao Lei", team=cls.team)
        cls.a4 = f.AgentFactory(name="Sun Li", team=cls.other_team)
        etiquette = {"category": Category.ETIQUETTE, "target": 90, "deadline": future}
        # P1: met → the plan improved.
        cls.p1 = plan_with_goals(agent=cls.agent, owner=cls.trainer, created_at=CREATED, goals=[etiquette], title="P1")
        cls.history(cls.agent, etiquette=([0, 50, 0], [100, 100, 100]))
        # P2: one goal met, one not met after its deadline → the plan did not improve; overdue.
        cls.p2 = plan_with_goals(
            agent=cls.a3,
            owner=cls.trainer,
            created_at=CREATED,
            status=PlanStatus.OVERDUE,
            goals=[
                {**etiquette, "deadline": past},
                {"category": Category.RESOLUTION, "target": 90, "deadline": past},
            ],
            title="P2",
        )
        cls.history(cls.a3, etiquette=([0, 50, 0], [100, 100, 100]), resolved=([1, 0, 1], [0, 1, 0]))
        # P3: no evaluations → counts in no share; open past its deadline → overdue list.
        cls.p3 = plan_with_goals(
            agent=cls.other_agent,
            owner=cls.trainer,
            created_at=CREATED,
            status=PlanStatus.OPEN,
            goals=[{**etiquette, "deadline": past}],
            title="P3",
        )
        # P4: another owner's, completed, improved without the target shown met.
        cls.p4 = plan_with_goals(
            agent=cls.a4,
            owner=cls.other_supervisor,
            created_at=CREATED,
            status=PlanStatus.COMPLETED,
            goals=[etiquette],
            title="P4",
        )
        cls.history(cls.a4, etiquette=([0, 0, 50], [100, 50, 100]))

    def page(self, user):
        self.client.force_login(user)
        response = self.client.get("/coaching/report/")
        self.assertEqual(response.status_code, 200)
        return response


class CoachingReportTests(ReportData):
    def test_the_center_share_of_goals_and_plans_improved_with_n_and_wilson_interval(self):
        report = coaching_report_for(self.manager)
        self.assertEqual((report.goals.k, report.goals.n, report.goals_total), (3, 4, 5))
        self.assertEqual((report.plans_improved.k, report.plans_improved.n, report.plans_total), (2, 3, 4))
        for got, want in zip(report.goals.percent_interval, wilson(3, 4), strict=True):
            self.assertAlmostEqual(got, want, places=6)
        self.assertEqual(
            {v: n for v, _label, n in report.verdicts}, {"met": 2, "improved": 1, "not_met": 1, "not_enough": 1}
        )

    def test_by_owner_and_by_category(self):
        report = coaching_report_for(self.manager)
        owners = {r.key: r for r in report.by_owner}
        trainer, supervisor = owners[self.trainer.pk], owners[self.other_supervisor.pk]
        self.assertEqual((trainer.plans, trainer.goals.k, trainer.goals.n), (3, 2, 3))
        self.assertEqual((trainer.plans_improved.k, trainer.plans_improved.n), (1, 2))
        self.assertEqual((supervisor.plans, supervisor.goals.k, supervisor.goals.n), (1, 1, 1))
        targets = {r.label: r for r in report.by_target}
        self.assertEqual(set(targets), {"Service etiquette", "Resolution"})
        self.assertEqual(
            (
                targets["Service etiquette"].goals_total,
                targets["Service etiquette"].goals.k,
                targets["Service etiquette"].goals.n,
            ),
            (4, 3, 3),
        )
        self.assertEqual((targets["Resolution"].goals.k, targets["Resolution"].goals.n), (0, 1))

    def test_plans_by_status_and_the_overdue_ones(self):
        report = coaching_report_for(self.trainer)
        self.assertEqual(
            {s: n for s, _label, n in report.by_status}, {"open": 1, "in_progress": 1, "completed": 1, "overdue": 1}
        )
        self.assertEqual([p.title for p in report.overdue], ["P2", "P3"])
        self.assertEqual(report.agents_on_plans, 3)

    def test_the_page_shows_the_shares_with_their_n_and_interval(self):
        response = self.page(self.trainer)
        low, high = wilson(3, 4)
        self.assertContains(response, f"3 of 4 goals with evidence (95 % interval {low:.0f}–{high:.0f} %)")
        self.assertContains(response, "2 of 3 plans with evidence")
        self.assertContains(response, f'href="/coaching/plans/{self.p2.pk}/"')
        self.assertContains(response, "Overdue plans")

    def test_a_supervisor_sees_their_teams_plans_only(self):
        report = coaching_report_for(self.supervisor)
        self.assertEqual(report.plans_total, 2)
        self.assertEqual((report.goals.k, report.goals.n), (2, 3))
        response = self.page(self.supervisor)
        self.assertNotContains(response, "P4")
        self.assertNotContains(response, f'href="/coaching/plans/{self.p3.pk}/"')

    def test_agents_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get("/coaching/report/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/coaching/report/").status_code, 302)

    def test_an_empty_scope_says_there_are_no_plans(self):
        lonely = f.UserFactory(username="lonely", roles=["supervisor"])
        response = self.page(lonely)
        self.assertContains(response, "No coaching plans yet")

    def test_the_page_costs_the_same_with_more_plans(self):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/coaching/report/").status_code, 200)
            return len(ctx.captured_queries)

        self.client.force_login(self.manager)
        count()
        before = count()
        for _i in range(4):
            agent = f.AgentFactory(team=self.team)
            plan_with_goals(
                agent=agent,
                owner=f.UserFactory(roles=["trainer"]),
                created_at=CREATED,
                goals=[{"category": Category.ETIQUETTE, "target": 80}, {"category": Category.RESOLUTION, "target": 80}],
            )
            self.history(agent, etiquette=([0, 50], [100, 100]))
        self.assertEqual(count(), before)
