"""Each role's first page shows its work (qa_platform/views.py LANDING): the month pages open on
the latest month with data, never an empty current month; an empty month says what is missing
and where the data is; the work queue shows the week being worked; HR sees what the export
holds; a trainer opens on their coaching page; /favicon.ico answers."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus, Call
from monitoring.selectors import Period
from planning.periods import last_complete_week, week_label
from scoring.models import SCORED, Evaluation, Kind
from tests import factories as f
from tests.scoring.calibration_helpers import make_session
from tests.scoring.factories import ScoringPersonas, make_evaluation


def months_ago(n: int) -> Period:
    today = timezone.localdate()
    period = Period(today.year, today.month)
    for _ in range(n):
        period = period.previous
    return period


# Three months back: before the personas' own calls (yesterday), whatever today's date.
SCORED_MONTH = months_ago(3)
EMPTY_MONTH = months_ago(5)


def at(period: Period, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, hour))


class LandingData(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        day = f.ShiftFactory(code="day", name="Day")
        cls.month_calls = [
            f.CallFactory(agent=cls.agent, line_of_business=cls.lob, shift=day, start_time=at(SCORED_MONTH, 3)),
            f.CallFactory(agent=cls.agent, line_of_business=cls.lob, shift=day, start_time=at(SCORED_MONTH, 4)),
            f.CallFactory(
                agent=cls.other_agent, line_of_business=cls.lob, direction="outbound", start_time=at(SCORED_MONTH, 5)
            ),
        ]
        cls.evaluation = make_evaluation(call=cls.month_calls[0], by=cls.qa, version=cls.version)

    def page(self, user, url: str):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def shown_month(self, response) -> str:
        return response.context["period"].label


class MonthPagesOpenOnTheLatestMonthWithData(LandingData):
    def test_the_overview_opens_on_the_latest_month_with_scored_evaluations(self):
        response = self.page(self.manager, "/overview/")
        self.assertEqual(self.shown_month(response), SCORED_MONTH.label)
        calls = Call.objects.filter(start_time__gte=SCORED_MONTH.start, start_time__lt=SCORED_MONTH.end).count()
        self.assertEqual(calls, 3)
        self.assertContains(response, f'<span class="big">{calls}</span>calls', html=True)
        # Reports' QA picture of the center, for the same month, with its n.
        scored = Evaluation.objects.filter(
            kind=Kind.REGULAR,
            status__in=SCORED,
            call__start_time__gte=SCORED_MONTH.start,
            call__start_time__lt=SCORED_MONTH.end,
        ).count()
        self.assertContains(response, "QA picture")
        self.assertContains(response, f"(n = {scored}")
        self.assertNotContains(response, "No calls in")

    def test_a_month_asked_for_is_the_month_shown(self):
        later = SCORED_MONTH.next
        self.assertEqual(self.shown_month(self.page(self.manager, f"/overview/?month={later.label}")), later.label)

    def test_the_supervisors_teams_open_on_that_month_with_their_qa_picture(self):
        response = self.page(self.supervisor, "/teams/")
        self.assertEqual(self.shown_month(response), SCORED_MONTH.label)
        self.assertContains(response, "My teams")
        teams = response.context["teams"]
        self.assertEqual([(t.name, t.calls) for t in teams], [("Team A", 2)])
        self.assertContains(response, "QA picture")

    def test_a_team_page_and_its_qa_picture_show_the_same_month(self):
        response = self.page(self.supervisor, f"/teams/{self.team.pk}/")
        self.assertEqual(self.shown_month(response), SCORED_MONTH.label)
        self.assertContains(response, SCORED_MONTH.start.strftime("%B %Y"))
        agent = next(a for a in response.context["agents"] if a.pk == self.agent.pk)
        self.assertEqual(agent.calls_count, 2)


class WithoutEvaluations(ScoringPersonas):
    def test_the_overview_opens_on_the_month_of_the_latest_call(self):
        latest = timezone.localtime(Call.objects.latest("start_time").start_time)
        self.client.force_login(self.manager)
        response = self.client.get("/overview/")
        self.assertEqual(response.context["period"], Period(latest.year, latest.month))
        self.assertEqual(response.context["totals"]["calls"], Call.objects.count())


class EmptyMonthTests(LandingData):
    def test_an_empty_month_says_so_and_points_to_the_month_with_data(self):
        response = self.page(self.manager, f"/overview/?month={EMPTY_MONTH.label}")
        self.assertContains(response, f"No calls in {EMPTY_MONTH.label}.")
        self.assertContains(
            response, f'<a href="?month={SCORED_MONTH.label}">Show {SCORED_MONTH.label}, the latest month with data</a>'
        )
        self.assertContains(response, 'href="/calls/import/"')  # a manager may import calls
        # Each table has its "no data" row: by line, by shift, by direction.
        self.assertContains(response, "No calls in this month.", count=3)

    def test_the_team_pages_say_so_too_and_tell_a_supervisor_who_brings_the_calls(self):
        for url in ("/teams/", f"/teams/{self.team.pk}/"):
            with self.subTest(url=url):
                response = self.page(self.supervisor, f"{url}?month={EMPTY_MONTH.label}")
                self.assertContains(response, f"No calls in {EMPTY_MONTH.label}.")
                self.assertContains(response, f'href="?month={SCORED_MONTH.label}"')
                self.assertNotContains(response, 'href="/calls/import/"')
                self.assertContains(response, "ask a manager")

    def test_the_latest_month_has_no_pointer_to_itself(self):
        response = self.page(self.manager, f"/overview/?month={SCORED_MONTH.label}")
        self.assertNotContains(response, "the latest month with data")

    def test_a_supervisor_without_teams_is_told_how_to_get_one(self):
        lonely = f.UserFactory(username="lonely", roles=["supervisor"])
        response = self.page(lonely, "/teams/")
        self.assertContains(response, "You lead no teams yet: a manager makes you a team's supervisor")
        self.assertNotContains(response, "No calls in")


class WorkQueueWeekTests(LandingData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.week = last_complete_week()
        now = timezone.now()

        def assign(status=AssignmentStatus.OPEN, due=now + dt.timedelta(days=2), evaluator=None):
            call = f.CallFactory(agent=cls.agent, line_of_business=cls.lob)
            return f.AssignmentFactory(
                call=call, evaluator=evaluator or cls.qa, period_start=cls.week, status=status, due_at=due
            )

        assign()
        assign(due=now - dt.timedelta(hours=2))  # overdue
        assign(status=AssignmentStatus.DONE)
        assign(status=AssignmentStatus.CANCELLED)  # not the evaluator's work any more
        assign(evaluator=cls.qa2)  # someone else's
        cls.session = make_session(
            by=cls.manager, calls=[cls.month_calls[1]], participants=[cls.trainer, cls.qa2], title="Billing week 47"
        )

    def test_the_queue_shows_the_week_being_worked_against_the_evaluators_assignments(self):
        mine = Assignment.objects.filter(evaluator=self.qa, period_start=self.week).exclude(
            status=AssignmentStatus.CANCELLED
        )
        done = mine.filter(status=AssignmentStatus.DONE).count()
        self.assertEqual((mine.count(), done), (3, 1))
        response = self.page(self.qa, "/queue/")
        self.assertContains(response, f"This week's work: {week_label(self.week)}")
        self.assertContains(response, f'<span class="big">{done} / {mine.count()}</span>', html=False)
        self.assertContains(response, '<span class="big">2</span>still open', html=True)
        self.assertContains(response, '<span class="big error">1</span>overdue', html=True)
        self.assertContains(response, f'href="/quotas/progress/?week={week_label(self.week)}"')

    def test_a_participant_is_pointed_to_their_calibration_session(self):
        response = self.page(self.trainer, "/queue/")
        self.assertContains(response, "Calibration sessions you take part in")
        self.assertContains(response, f'<a href="/calibration/{self.session.pk}/">Billing week 47</a>', html=True)
        self.assertContains(response, "0 of 1 call scored by you")
        self.assertNotContains(self.page(self.qa, "/queue/"), "Calibration sessions you take part in")

    def test_nothing_assigned_for_the_week_says_how_the_week_gets_sampled(self):
        response = self.page(self.supervisor, "/queue/")
        self.assertContains(response, f"Nothing is assigned for {week_label(self.week)} yet.")

    def test_the_queue_costs_the_same_with_more_assignments_and_sessions(self):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/queue/").status_code, 200)
            return len(ctx.captured_queries)

        self.client.force_login(self.trainer)
        count()  # the session and the user's groups are cached after the first request
        small = count()
        for _ in range(4):
            f.AssignmentFactory(
                call=f.CallFactory(agent=self.agent, line_of_business=self.lob),
                evaluator=self.trainer,
                evaluator_role="trainer",
                period_start=self.week,
            )
        make_session(
            by=self.manager, calls=[self.month_calls[2]], participants=[self.trainer, self.qa], title="Another"
        )
        self.assertEqual(count(), small)


class HrExportLandingTests(LandingData):
    def test_hr_sees_what_the_months_export_holds(self):
        response = self.page(self.hr, f"/hr/export/?month={SCORED_MONTH.label}")
        self.assertContains(response, '<span class="big">1</span>evaluations counted', html=True)
        rows = response.context["contents"]
        self.assertEqual(rows["evaluations"], 1)
        self.assertGreaterEqual(rows["agents"], 2)

    def test_a_month_without_evaluations_says_what_is_missing(self):
        response = self.page(self.hr, f"/hr/export/?month={EMPTY_MONTH.label}")
        self.assertContains(response, f"No evaluation counts for {EMPTY_MONTH.label} yet")


class LandingRouteTests(LandingData):
    def test_a_user_with_several_roles_lands_on_the_first_roles_page(self):
        both = f.UserFactory(username="qa_and_agent", roles=["qa", "agent"])
        self.client.force_login(both)
        self.assertRedirects(self.client.get("/"), "/queue/", fetch_redirect_response=False)

    def test_the_trainer_lands_on_their_coaching_page(self):
        self.client.force_login(self.trainer)
        response = self.client.get("/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/coaching/")
        self.assertContains(response, "Needs flagged")
        self.assertContains(response, "Plans due")

    def test_a_trainer_who_also_audits_lands_on_the_work_queue(self):
        both = f.UserFactory(username="qa_and_trainer", roles=["trainer", "qa"])
        self.client.force_login(both)
        self.assertRedirects(self.client.get("/"), "/queue/", fetch_redirect_response=False)

    def test_the_agent_lands_on_their_own_month(self):
        self.client.force_login(self.agent_user)
        response = self.client.get("/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], f"/performance/{self.agent.pk}/")
        self.assertContains(response, self.agent.name)

    def test_favicon_ico_is_the_svg_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith("/favicon.svg"), response["Location"])
        self.assertIn("max-age=86400", response["Cache-Control"])
        self.assertEqual(self.client.head("/favicon.ico").status_code, 302)
