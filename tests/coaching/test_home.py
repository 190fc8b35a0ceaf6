"""The trainer's landing page (/coaching/): the latest week's open needs (common ones first), the
plans coming due (the user's own first), this week's sessions and the reviews due; each empty
section says what is missing; a supervisor sees their teams only; the page costs the same
queries with more rows; the menu offers it (tests/test_landing.py: the trainer lands on it)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.models import (
    CoachingSession,
    DevelopmentReview,
    GroupKind,
    NeedDimension,
    NeedStatus,
    PlanStatus,
    ReviewStatus,
    SessionKind,
    TrainingAttendance,
    TrainingNeed,
    TrainingSession,
    TrainingSessionStatus,
)
from coaching.selectors.home import home_for
from qa_platform.menu import COACHING, items_for
from scoring.models import Category
from tests import factories as f
from tests.coaching.factories import make_plan
from tests.personas import Personas

TODAY = timezone.localdate()
WEEK = TODAY - dt.timedelta(days=TODAY.weekday())


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def need(
    *,
    week=WEEK,
    kind=GroupKind.TEAM,
    key="",
    label="Team A",
    agent=None,
    rate=0.3,
    status=NeedStatus.OPEN,
    affected=2,
    category=Category.ETIQUETTE,
):
    return TrainingNeed.objects.create(
        week_start=week,
        group_kind=kind,
        group_key=key,
        group_label=label,
        agent=agent,
        dimension=NeedDimension.CATEGORY,
        category=category,
        agents_in_group=4,
        agents_affected=affected,
        evaluations=12,
        points_lost=30,
        points_possible=100,
        rate=rate,
        status=status,
    )


class HomeData(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        last_week = WEEK - dt.timedelta(days=7)
        team, other = str(cls.team.pk), str(cls.other_team.pk)
        cls.individual = need(kind=GroupKind.AGENT, key=str(cls.agent.pk), label="Li Na", agent=cls.agent, rate=0.6)
        cls.common = need(key=team, rate=0.3)
        cls.other_common = need(key=other, label="Team B", rate=0.4, affected=3)
        need(key=team, week=last_week, label="Team A last week")
        need(key=team, status=NeedStatus.DISMISSED, label="Dismissed", rate=0.9, category=Category.COMPLIANCE)

        cls.mine_soon = make_plan(agent=cls.agent, owner=cls.trainer, deadline=TODAY + dt.timedelta(days=5))
        cls.mine_soon.title = "Mine soon"
        cls.mine_soon.save()
        cls.other_sooner = make_plan(
            agent=cls.other_agent, owner=cls.other_supervisor, deadline=TODAY + dt.timedelta(days=2)
        )
        cls.overdue = make_plan(
            agent=cls.other_agent, owner=cls.trainer, status=PlanStatus.OVERDUE, deadline=TODAY - dt.timedelta(days=3)
        )
        make_plan(agent=cls.agent, owner=cls.trainer, deadline=TODAY + dt.timedelta(days=40))  # not due yet
        make_plan(
            agent=cls.agent, owner=cls.trainer, status=PlanStatus.COMPLETED, deadline=TODAY - dt.timedelta(days=1)
        )

        cls.session = CoachingSession.objects.create(
            plan=cls.mine_soon,
            kind=SessionKind.ONE_TO_ONE,
            held_at=at(WEEK + dt.timedelta(days=2)),
            held_by=cls.trainer,
        )
        CoachingSession.objects.create(
            plan=cls.mine_soon, kind=SessionKind.SIDE_BY_SIDE, held_at=at(last_week), held_by=cls.trainer
        )
        cls.training = TrainingSession.objects.create(
            topic="Greeting workshop",
            scheduled_for=at(WEEK + dt.timedelta(days=3)),
            trainer=cls.trainer,
            need=cls.common,
        )
        TrainingAttendance.objects.create(session=cls.training, agent=cls.agent)
        TrainingSession.objects.create(
            topic="Cancelled one",
            scheduled_for=at(WEEK + dt.timedelta(days=4)),
            trainer=cls.trainer,
            status=TrainingSessionStatus.CANCELLED,
        )
        TrainingSession.objects.create(
            topic="Next week", scheduled_for=at(WEEK + dt.timedelta(days=8)), trainer=cls.trainer
        )

        cls.review = DevelopmentReview.objects.create(
            agent=cls.agent, period="2030-H1", reviewer=cls.trainer, due_on=TODAY + dt.timedelta(days=10)
        )
        DevelopmentReview.objects.create(
            agent=cls.agent,
            period="2029-H2",
            reviewer=cls.trainer,
            due_on=TODAY - dt.timedelta(days=100),
            status=ReviewStatus.HELD,
        )
        DevelopmentReview.objects.create(
            agent=cls.other_agent, period="2030-H1", reviewer=cls.trainer, due_on=TODAY + dt.timedelta(days=90)
        )

    def page(self, user):
        self.client.force_login(user)
        response = self.client.get("/coaching/")
        self.assertEqual(response.status_code, 200)
        return response


class TrainerHomeTests(HomeData):
    def test_needs_are_the_latest_weeks_open_ones_common_first(self):
        home = home_for(self.trainer)
        self.assertEqual(home.needs_week, WEEK)
        self.assertEqual([n.pk for n in home.needs], [self.other_common.pk, self.common.pk, self.individual.pk])
        self.assertEqual(home.needs_total, 3)

    def test_plans_due_are_the_users_own_first_then_by_deadline(self):
        home = home_for(self.trainer)
        self.assertEqual([p.pk for p in home.plans_due], [self.overdue.pk, self.mine_soon.pk, self.other_sooner.pk])
        self.assertEqual(home.plans_due[0].days_late, 3)

    def test_this_weeks_sessions_and_the_reviews_due(self):
        home = home_for(self.trainer)
        self.assertEqual([s.pk for s in home.coaching_sessions], [self.session.pk])
        self.assertEqual([s.topic for s in home.training_sessions], ["Greeting workshop"])
        self.assertEqual([r.pk for r in home.reviews_due], [self.review.pk])

    def test_the_page_shows_each_section(self):
        response = self.page(self.trainer)
        self.assertContains(response, "Needs flagged")
        self.assertContains(response, "common to the group", count=2)
        self.assertContains(response, f'href="/coaching/plans/{self.mine_soon.pk}/"')
        self.assertContains(response, "3 days late")
        self.assertContains(response, "Greeting workshop")
        self.assertContains(response, "1 attendee")
        self.assertContains(response, "2030-H1")
        self.assertNotContains(response, "Cancelled one")
        self.assertNotContains(response, "Dismissed")

    def test_a_supervisor_sees_their_teams_only(self):
        home = home_for(self.supervisor)
        self.assertEqual([n.pk for n in home.needs], [self.common.pk, self.individual.pk])
        self.assertEqual([p.pk for p in home.plans_due], [self.mine_soon.pk])
        self.assertEqual([r.pk for r in home.reviews_due], [self.review.pk])
        other = home_for(self.other_supervisor)
        self.assertEqual([p.pk for p in other.plans_due], [self.other_sooner.pk, self.overdue.pk])
        self.assertEqual(other.training_sessions, [])
        self.assertEqual(other.reviews_due, [])

    def test_agents_qa_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr, self.qa):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get("/coaching/").status_code, 403)

    def test_the_page_costs_the_same_with_more_rows(self):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/coaching/").status_code, 200)
            return len(ctx.captured_queries)

        self.client.force_login(self.trainer)
        count()
        before = count()
        for i in range(3):
            agent = f.AgentFactory(team=self.team)
            plan = make_plan(agent=agent, owner=f.UserFactory(roles=["trainer"]), deadline=TODAY + dt.timedelta(days=i))
            CoachingSession.objects.create(
                plan=plan, kind=SessionKind.ONE_TO_ONE, held_at=at(WEEK + dt.timedelta(days=1)), held_by=self.trainer
            )
            need(kind=GroupKind.AGENT, key=str(agent.pk), label=agent.name, agent=agent)
            session = TrainingSession.objects.create(
                topic=f"Course {i}", scheduled_for=at(WEEK + dt.timedelta(days=2)), trainer=self.trainer
            )
            TrainingAttendance.objects.create(session=session, agent=agent)
            DevelopmentReview.objects.create(agent=agent, period="2030-H1", reviewer=self.trainer, due_on=TODAY)
        self.assertEqual(count(), before)


class EmptyHomeTests(Personas):
    def test_each_empty_section_says_what_is_missing(self):
        self.client.force_login(self.trainer)
        response = self.client.get("/coaching/")
        self.assertContains(response, "No open training needs are flagged.")
        self.assertContains(response, "No open or in-progress coaching plan is due within 14 days")
        self.assertContains(response, "No coaching session has been held and no group training is scheduled this week.")
        self.assertContains(response, "No development review is scheduled to fall due within 30 days.")


class MenuTests(Personas):
    def test_the_menu_offers_coaching_and_the_report_to_whom_it_should(self):
        expected = {
            self.trainer: (True, True),
            self.supervisor: (True, True),
            self.manager: (True, True),
            self.qa: (False, True),
            self.agent_user: (False, False),
            self.hr: (False, False),
        }
        for user, (home, report) in expected.items():
            with self.subTest(user=user.username):
                names = {item.url_name: item for item in items_for(user)}
                self.assertEqual(("coaching-home" in names, "coaching-report" in names), (home, report))
                if home:
                    self.assertEqual(names["coaching-home"].group_key, COACHING)
