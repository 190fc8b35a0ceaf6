"""Quota progress: who sees it, the numbers on a small hand-made week (target, assigned, done,
behind), the line-month and evaluator-load tables, the API, on-demand sampling and a page cost
that does not grow with the number of agents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus, Call
from planning import periods
from planning.models import AgentTier, SamplingRun
from planning.selectors import done as done_sel
from planning.selectors import load, progress
from scoring import services
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, answer_inputs, make_evaluation

WEEK = periods.last_complete_week() - dt.timedelta(weeks=2)
LABEL = periods.week_label(WEEK)


def at(day: int, hour: int = 10) -> dt.datetime:
    """A moment in WEEK: day 0 is its Monday."""
    return timezone.make_aware(dt.datetime.combine(WEEK + dt.timedelta(days=day), dt.time(hour)))


def score_assignment(assignment, *, by):
    """Score an assignment from the queue (how a blind double score is opened)."""
    evaluation = services.evaluation_start_from_assignment(assignment=assignment, by=by)
    services.evaluation_save_draft(
        evaluation=evaluation, by=by, answers=answer_inputs(evaluation.version, WORKED_ANSWERS)
    )
    services.evaluation_submit(evaluation=evaluation, by=by, deliver_feedback=True)


def tier(agent, *, tier="good", target=5, average="85.0", n=8, ci=("80.1", "89.9"), straddles=False) -> AgentTier:
    return AgentTier.objects.create(
        agent=agent,
        week_start=WEEK,
        tier=tier,
        target=target,
        average=Decimal(average),
        evaluations=n,
        ci_low=Decimal(ci[0]),
        ci_high=Decimal(ci[1]),
        straddles_boundary=straddles,
        reason=f"average {average}",
    )


class ProgressData(ScoringPersonas):
    """Agent A (Li Na, team A): target 5; four primary assignments (one done, one overdue, one
    open, one with the trainer), one cancelled, and a blind double score that must not count.
    Agent B (Wang Wei, team B): target 3, three assignments, all done; an evaluation of the week
    before and a calibration do not count. Agent C (team A): no tier, nothing routed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        a_calls = [
            f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=at(d), recording="r/a.wav")
            for d in range(5)
        ]
        cls.a_done = f.AssignmentFactory(call=a_calls[0], evaluator=cls.qa)
        cls.a_overdue = f.AssignmentFactory(call=a_calls[1], evaluator=cls.qa, due_at=now - dt.timedelta(hours=2))
        cls.a_open = f.AssignmentFactory(call=a_calls[2], evaluator=cls.qa)
        cls.a_trainer = f.AssignmentFactory(call=a_calls[3], evaluator=cls.trainer, evaluator_role="trainer")
        f.AssignmentFactory(call=a_calls[4], evaluator=cls.qa, status=AssignmentStatus.CANCELLED)
        double = f.AssignmentFactory(call=a_calls[0], evaluator=cls.qa2, reason="double_scoring")
        make_evaluation(call=a_calls[0], by=cls.qa)
        score_assignment(double, by=cls.qa2)
        tier(cls.agent, tier="good", target=5, straddles=True)

        b_calls = [f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, start_time=at(d)) for d in range(3)]
        for call in b_calls:
            f.AssignmentFactory(call=call, evaluator=cls.qa)
            make_evaluation(call=call, by=cls.qa)
        before = f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, start_time=at(-2))
        make_evaluation(call=before, by=cls.qa)
        extra = f.CallFactory(agent=cls.other_agent, line_of_business=cls.lob, start_time=at(4))
        make_evaluation(call=extra, by=cls.trainer, kind="calibration")
        tier(cls.other_agent, tier="excellent", target=3, average="93.0", ci=("91.0", "95.0"))

        cls.agent_c = f.AgentFactory(name="Zhao Lei", employee_id="E3", team=cls.team)
        # The week (and its month's line top-up) was sampled: its work was routed by the plan.
        # Before a week is sampled nothing is short (tests/planning/test_progress_wording.py).
        month = periods.month_of_week(WEEK)
        SamplingRun.objects.create(kind="agent_week", period_start=WEEK, runs=1, last_run_at=now)
        SamplingRun.objects.create(
            kind="line_month", period_start=dt.date(month.year, month.month, 1), runs=1, last_run_at=now
        )

    def rows(self, user=None, **kwargs) -> dict[str, progress.AgentWeekRow]:
        rows = progress.agent_week_rows(user=user or self.manager, week_start=WEEK, **kwargs)
        return {r.name: r for r in rows}


class AgentWeekNumbersTests(ProgressData):
    def test_an_agent_with_work_overdue_and_short_is_behind(self):
        row = self.rows()["Li Na"]
        self.assertEqual((row.target, row.assigned, row.done, row.open, row.overdue), (5, 4, 1, 3, 1))
        self.assertEqual((row.tier, row.average, row.evaluations), ("good", Decimal("85.0"), 8))
        self.assertEqual((row.ci_low, row.ci_high, row.straddles), (Decimal("80.1"), Decimal("89.9"), True))
        self.assertTrue(row.short)
        self.assertTrue(row.behind)
        self.assertEqual(row.behind_reasons, ["overdue", "short"])

    def test_an_agent_whose_target_is_done_is_on_track(self):
        row = self.rows()["Wang Wei"]
        self.assertEqual((row.target, row.assigned, row.done, row.overdue), (3, 3, 3, 0))
        self.assertFalse(row.behind)
        self.assertEqual(row.progress_pct, 100)

    def test_an_agent_without_a_tier_gets_the_no_history_target_and_nothing_routed_is_short(self):
        row = self.rows()["Zhao Lei"]
        self.assertEqual((row.tier, row.target, row.target_from_tier, row.assigned), (None, 5, False, 0))
        self.assertEqual(row.behind_reasons, ["short"])

    def test_behind_pace_is_done_below_the_assignments_already_due(self):
        # Issue 15 changed this deliberately: the pace used to be ⌊target × elapsed share of the
        # due window⌋, which called a week behind before any of its work was due.
        agent = f.AgentFactory(name="Pace", team=self.team)
        tier(agent, target=4)
        start = timezone.now() - dt.timedelta(days=10)
        calls = [f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(d)) for d in range(4)]
        for i, call in enumerate(calls):
            f.AssignmentFactory(call=call, evaluator=self.qa, due_at=start + dt.timedelta(days=2 if i < 2 else 4))
        Assignment.objects.filter(call__agent=agent).update(created_at=start)
        make_evaluation(call=calls[0], by=self.qa)

        before_due = self.rows(now=start + dt.timedelta(days=1, hours=23))["Pace"]
        self.assertEqual((before_due.expected, before_due.behind_pace, before_due.behind), (0, False, False))
        two_due = self.rows(now=start + dt.timedelta(days=3))["Pace"]
        self.assertEqual((two_due.expected, two_due.done, two_due.behind_pace), (2, 1, True))
        all_due = self.rows(now=start + dt.timedelta(days=5))["Pace"]
        self.assertEqual(all_due.expected, 4)

    def test_evaluations_outside_assignments_count_toward_the_target(self):
        agent = f.AgentFactory(name="Outside", team=self.team)
        tier(agent, target=3)
        calls = [f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(1)) for _ in range(3)]
        f.AssignmentFactory(call=calls[0], evaluator=self.qa)
        f.AssignmentFactory(call=calls[1], evaluator=self.qa)
        make_evaluation(call=calls[2], by=self.qa)
        row = self.rows()["Outside"]
        self.assertEqual((row.assigned, row.outside, row.done, row.short), (2, 1, 1, False))

    def test_ad_hoc_scores_of_an_assigned_call_or_of_one_call_twice_count_once(self):
        month = periods.month_of_week(WEEK)

        def line_outside():
            return {r.line_id: r for r in progress.line_month_rows(user=self.manager, month=month)}[self.lob.pk].outside

        outside_before, done_by_line_before = line_outside(), done_sel.done_by_line(month.start, month.end)
        agent = f.AgentFactory(name="Twice", team=self.team)
        tier(agent, target=3)
        assigned = f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(1))
        f.AssignmentFactory(call=assigned, evaluator=self.qa)
        # A call has one regular evaluation (someone else's assigned call refuses an ad-hoc one):
        # the other scores of these calls are second opinions, kind calibration.
        make_evaluation(call=assigned, by=self.supervisor, kind="calibration")
        make_evaluation(call=assigned, by=self.qa2, kind="calibration")
        ad_hoc = f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(2))
        make_evaluation(call=ad_hoc, by=self.supervisor)
        make_evaluation(call=ad_hoc, by=self.qa2, kind="calibration")
        row = self.rows()["Twice"]
        self.assertEqual((row.assigned, row.outside, row.planned), (1, 1, 2))
        start, end = periods.week_bounds(WEEK)
        self.assertEqual(done_sel.done_by_agent(start, end)[agent.pk], {"supervisor": 1})
        self.assertEqual(line_outside(), outside_before + 1)
        self.assertEqual(
            done_sel.done_by_line(month.start, month.end)[self.lob.pk], done_by_line_before.get(self.lob.pk, 0) + 1
        )

    def test_filters_team_tier_and_behind(self):
        self.assertEqual(set(self.rows(team=self.team.pk)), {"Li Na", "Zhao Lei"})
        self.assertEqual(set(self.rows(tier="excellent")), {"Wang Wei"})
        self.assertEqual(set(self.rows(tier=progress.NO_TIER)), {"Zhao Lei"})
        self.assertEqual(set(self.rows(behind=True)), {"Li Na", "Zhao Lei"})
        self.assertEqual(set(self.rows(behind=False)), {"Wang Wei"})

    def test_a_supervisor_only_sees_their_teams_agents(self):
        self.assertEqual(set(self.rows(user=self.supervisor)), {"Li Na", "Zhao Lei"})
        self.assertEqual(set(self.rows(user=self.other_supervisor)), {"Wang Wei"})

    def test_a_supervisor_who_is_also_hr_still_sees_only_their_teams(self):
        both = f.UserFactory(username="hr_sup", roles=["hr", "supervisor"])
        self.team.supervisors.add(both)
        self.assertEqual(set(self.rows(user=both)), {"Li Na", "Zhao Lei"})
        self.client.force_login(both)
        response = self.client.get("/quotas/progress/", {"week": LABEL})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Wang Wei")
        self.assertEqual([pk for pk, _name in response.context["form"].fields["team"].choices[1:]], [self.team.pk])


class LineAndLoadTests(ProgressData):
    def test_the_line_month_counts_assigned_done_and_eligible_calls(self):
        month = periods.month_of_week(WEEK)
        rows = {r.code: r for r in progress.line_month_rows(user=self.manager, month=month)}
        billing = rows["billing"]
        # Agent A's four primary assignments and B's three; done: A's one and B's three (the
        # double score and the calibration do not count; B's evaluation of the week before does
        # when it falls in the same month, outside any assignment).
        before_in_month = (at(-2).year, at(-2).month) == (month.year, month.month)
        self.assertEqual(billing.assigned, 7)
        self.assertEqual(billing.outside, 1 if before_in_month else 0)
        self.assertEqual(billing.done, 4 + billing.outside)
        self.assertEqual(billing.eligible, 5)  # agent A's recorded calls
        self.assertEqual((billing.minimum, billing.cap), (15, 20))
        self.assertTrue(billing.under_covered)
        self.assertTrue(billing.behind)

    def test_a_lines_pace_follows_its_assignments_due_times_not_the_calendar(self):
        line = f.LineOfBusinessFactory(code="small", name="Small")
        agent = f.AgentFactory(name="Small line agent", team=self.team)
        month = periods.month_of_week(WEEK)
        late_in_month = month.start + (month.end - month.start) * 0.9
        routed = late_in_month - dt.timedelta(days=2)
        calls = [f.CallFactory(agent=agent, line_of_business=line, start_time=at(d)) for d in range(5)]
        work = [
            f.AssignmentFactory(call=call, evaluator=self.qa, due_at=routed + dt.timedelta(days=5)) for call in calls
        ]
        make_evaluation(call=calls[0], by=self.qa, version=self.version)

        def row(now):
            return {r.code: r for r in progress.line_month_rows(user=self.manager, month=month, now=now)}["small"]

        # 90 % through the month, none of the work is due yet: nothing is expected.
        early = row(late_in_month)
        self.assertEqual((early.expected, early.done, early.behind_pace), (0, 1, False))
        # Three assignments fall due, only one is done: behind pace.
        Assignment.objects.filter(pk__in=[a.pk for a in work[:3]]).update(due_at=late_in_month - dt.timedelta(hours=1))
        due = row(late_in_month)
        self.assertEqual((due.expected, due.behind_pace), (3, True))

    def test_the_evaluator_load_counts_the_weeks_assignments_against_capacity(self):
        rows = {r.username: r for r in load.evaluator_load_rows(week_start=WEEK)}
        qa = rows["qa"]
        self.assertEqual((qa.assigned, qa.open, qa.overdue, qa.done, qa.capacity), (6, 2, 1, 4, 60))
        self.assertEqual((rows["qa2"].assigned, rows["qa2"].double_scoring), (1, 1))
        self.assertEqual((rows["trainer"].assigned, rows["trainer"].capacity), (1, 30))
        self.assertEqual((rows["supervisor"].assigned, rows["supervisor"].capacity), (0, 30))


class ProgressPageTests(ProgressData):
    URL = "/quotas/progress/"

    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(self.URL, {"week": LABEL, **params})

    def test_agents_and_hr_are_refused(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.get(user).status_code, 403, user.username)

    def test_managers_qa_trainers_and_supervisors_see_it(self):
        for user in (self.manager, self.qa, self.trainer, self.supervisor):
            self.assertEqual(self.get(user).status_code, 200, user.username)

    def test_the_page_shows_the_numbers_with_the_interval_and_the_flags(self):
        response = self.get(self.manager)
        self.assertContains(response, "n = 8, 80.1–89.9")
        self.assertContains(response, "more samples advised")
        rows = {r.name: r for r in response.context["page"]}
        self.assertTrue(rows["Li Na"].behind)
        self.assertFalse(rows["Wang Wei"].behind)
        self.assertContains(response, '<tr class="behind">', count=4)  # two agents, the line, qa (overdue)
        self.assertEqual(response.context["totals"].behind, 2)

    def test_a_supervisor_sees_only_their_teams_agents_and_no_evaluator_load(self):
        response = self.get(self.supervisor)
        self.assertEqual({r.name for r in response.context["page"]}, {"Li Na", "Zhao Lei"})
        self.assertNotContains(response, "Wang Wei")
        self.assertFalse(response.context["show_load"])
        self.assertNotContains(response, "Run sampling for this week")

    def test_managers_see_the_evaluator_load_with_links_to_queues(self):
        response = self.get(self.manager)
        self.assertTrue(response.context["show_load"])
        self.assertContains(response, "/queue/?evaluator=qa2")

    def test_the_week_defaults_to_the_last_complete_one_with_neighbours(self):
        self.client.force_login(self.manager)
        response = self.client.get(self.URL)
        last = periods.last_complete_week()
        self.assertEqual(response.context["week"], last)
        self.assertContains(response, f"?week={periods.week_label(last - dt.timedelta(weeks=1))}")
        self.assertContains(response, f"?week={periods.week_label(last + dt.timedelta(weeks=1))}")

    def test_a_malformed_week_falls_back_with_a_message(self):
        response = self.get(self.manager, week="soon")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["week"], periods.last_complete_week())
        self.assertContains(response, "is not a week like 2026-W46")

    def test_filters_sorting_and_behind_only(self):
        response = self.get(self.manager, behind="on", sort="-done")
        self.assertEqual([r.name for r in response.context["page"]], ["Li Na", "Zhao Lei"])
        response = self.get(self.manager, tier="excellent")
        self.assertEqual([r.name for r in response.context["page"]], ["Wang Wei"])
        response = self.get(self.manager, team=self.other_team.pk, sort="agent")
        self.assertEqual([r.name for r in response.context["page"]], ["Wang Wei"])

    def test_a_supervisor_cannot_filter_to_another_team(self):
        response = self.get(self.supervisor, team=self.other_team.pk)
        self.assertEqual({r.name for r in response.context["page"]}, {"Li Na", "Zhao Lei"})


class QueryCountTests(ScoringPersonas):
    def grow(self, n: int) -> None:
        for i in range(n):
            agent = f.AgentFactory(team=self.team if i % 2 else self.other_team)
            tier(agent, target=3)
            calls = [f.CallFactory(agent=agent, line_of_business=self.lob, start_time=at(d)) for d in range(2)]
            f.AssignmentFactory(call=calls[0], evaluator=self.qa)
            f.AssignmentFactory(call=calls[1], evaluator=self.trainer, evaluator_role="trainer")
            make_evaluation(call=calls[0], by=self.qa)

    def count(self, user, url) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_the_page_and_the_api_cost_the_same_for_2_or_12_agents(self):
        urls = [
            f"/quotas/progress/?week={LABEL}",
            f"/api/v1/quota-progress/agents/?week={LABEL}",
            f"/api/v1/quota-progress/lines/?month={periods.month_of_week(WEEK).label}",
        ]
        self.grow(2)
        small = {(u.username, url): self.count(u, url) for u in (self.manager, self.supervisor) for url in urls}
        self.grow(10)
        large = {(u.username, url): self.count(u, url) for u in (self.manager, self.supervisor) for url in urls}
        self.assertEqual(small, large)


class ProgressApiTests(ProgressData):
    def test_the_agent_rows_carry_the_numbers_and_flags(self):
        response = self.api(self.manager).get("/api/v1/quota-progress/agents/", {"week": LABEL, "ordering": "agent"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 3)
        li = next(r for r in body["results"] if r["name"] == "Li Na")
        expected = {
            "tier": "good",
            "average": "85.0",
            "evaluations": 8,
            "ci_low": "80.1",
            "ci_high": "89.9",
            "more_samples_advised": True,
            "target": 5,
            "assigned": 4,
            "done": 1,
            "overdue": 1,
            "short": True,
            "behind": True,
            "behind_reasons": ["overdue", "short"],
        }
        self.assertEqual({k: li[k] for k in expected}, expected)
        self.assertEqual([r["name"] for r in body["results"]], ["Li Na", "Wang Wei", "Zhao Lei"])

    def test_the_agent_rows_filter_by_team_tier_and_behind(self):
        client = self.api(self.manager)

        def names(**params):
            response = client.get("/api/v1/quota-progress/agents/", {"week": LABEL, **params})
            return [r["name"] for r in response.json()["results"]]

        self.assertEqual(names(behind="false"), ["Wang Wei"])
        self.assertEqual(sorted(names(team=self.team.pk)), ["Li Na", "Zhao Lei"])
        self.assertEqual(names(tier="none"), ["Zhao Lei"])

    def test_bad_parameters_are_400_with_the_field(self):
        client = self.api(self.manager)
        self.assertIn("week", client.get("/api/v1/quota-progress/agents/", {"week": "W99"}).json())
        self.assertEqual(client.get("/api/v1/quota-progress/agents/", {"tier": "gold"}).status_code, 400)
        self.assertEqual(client.get("/api/v1/quota-progress/agents/", {"behind": "maybe"}).status_code, 400)
        self.assertIn("month", client.get("/api/v1/quota-progress/lines/", {"month": "2026-13"}).json())

    def test_out_of_range_weeks_and_odd_team_ids_are_400_not_500(self):
        client = self.api(self.manager)
        for week in ("9999-W52", "0001-W01", "1999-W10"):
            response = client.get("/api/v1/quota-progress/agents/", {"week": week})
            self.assertEqual(response.status_code, 400, week)
            self.assertIn("week", response.json())
        for team in ("²", "1" * 25):
            response = client.get("/api/v1/quota-progress/agents/", {"team": team})
            self.assertEqual(response.status_code, 400, team)
            self.assertIn("team", response.json())

    def test_the_page_falls_back_on_an_out_of_range_week(self):
        self.client.force_login(self.manager)
        for week in ("9999-W52", "0001-W01"):
            response = self.client.get("/quotas/progress/", {"week": week})
            self.assertEqual(response.status_code, 200, week)
            self.assertEqual(response.context["week"], periods.last_complete_week())

    def test_the_api_has_the_pages_scope(self):
        names = [
            r["name"]
            for r in self.api(self.supervisor).get("/api/v1/quota-progress/agents/", {"week": LABEL}).json()["results"]
        ]
        self.assertEqual(sorted(names), ["Li Na", "Zhao Lei"])
        for user in (self.agent_user, self.hr):
            client = self.api(user)
            self.assertEqual(client.get("/api/v1/quota-progress/agents/").status_code, 403)
            self.assertEqual(client.get("/api/v1/quota-progress/lines/").status_code, 403)
        self.assertEqual(self.api(self.supervisor).get("/api/v1/quota-progress/evaluators/").status_code, 403)

    def test_the_line_rows(self):
        month = periods.month_of_week(WEEK).label
        response = self.api(self.qa).get("/api/v1/quota-progress/lines/", {"month": month})
        self.assertEqual(response.status_code, 200)
        billing = next(r for r in response.json()["results"] if r["code"] == "billing")
        self.assertEqual(
            {
                k: billing[k]
                for k in ("minimum", "top_up_limit", "assigned", "eligible_calls", "under_covered", "behind")
            },
            {
                "minimum": 15,
                "top_up_limit": 20,
                "assigned": 7,
                "eligible_calls": 5,
                "under_covered": True,
                "behind": True,
            },
        )

    def test_the_evaluator_load(self):
        response = self.api(self.manager).get("/api/v1/quota-progress/evaluators/", {"week": LABEL})
        qa = next(r for r in response.json()["results"] if r["username"] == "qa")
        self.assertEqual((qa["assigned"], qa["capacity"], qa["overdue"]), (6, 60, 1))


class SamplingButtonTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for d in range(4):
            f.CallFactory(
                agent=cls.agent, line_of_business=cls.lob, start_time=at(d), recording="r/x.wav", talk_seconds=300
            )

    def test_a_manager_runs_the_weeks_plan_and_a_second_press_adds_nothing(self):
        self.client.force_login(self.manager)
        response = self.client.post("/quotas/progress/sample/", {"week": LABEL}, follow=True)
        self.assertRedirects(response, f"/quotas/progress/?week={LABEL}")
        added = Assignment.objects.filter(period_start=WEEK).count()
        self.assertGreater(added, 0)
        message = str(list(response.context["messages"])[0])
        self.assertIn(f"Sampling for {LABEL} added {added} assignment(s)", message)
        self.assertIn("by role", message)
        self.assertEqual(AgentTier.objects.filter(week_start=WEEK, agent=self.agent).count(), 1)

        again = self.client.post("/quotas/progress/sample/", {"week": LABEL}, follow=True)
        self.assertIn("added nothing", str(list(again.context["messages"])[0]))
        self.assertEqual(Assignment.objects.filter(period_start=WEEK).count(), added)
        self.assertEqual(SamplingRun.objects.get(kind="agent_week", period_start=WEEK).runs, 2)

    def test_qa_may_run_it_too(self):
        self.client.force_login(self.qa)
        self.assertEqual(self.client.post("/quotas/progress/sample/", {"week": LABEL}).status_code, 302)

    def test_supervisors_trainers_agents_and_hr_may_not(self):
        for user in (self.supervisor, self.trainer, self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.post("/quotas/progress/sample/", {"week": LABEL}).status_code, 403)
        self.assertFalse(Assignment.objects.exists())
        self.assertFalse(Call.objects.filter(assignments__isnull=False).exists())

    def test_a_week_that_has_not_started_is_refused(self):
        self.client.force_login(self.manager)
        future = periods.week_label(timezone.localdate() + dt.timedelta(weeks=2))
        response = self.client.post("/quotas/progress/sample/", {"week": future})
        self.assertEqual(response.status_code, 400)
        self.assertIn("is not over yet", str(list(response.context["messages"])[0]))
        self.assertFalse(Assignment.objects.exists())

    def test_the_current_unfinished_week_is_refused(self):
        self.client.force_login(self.manager)
        current = periods.week_label(timezone.localdate())
        response = self.client.post("/quotas/progress/sample/", {"week": current})
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"{current} is not over yet", str(list(response.context["messages"])[0]))
        self.assertFalse(Assignment.objects.exists())
        self.assertFalse(SamplingRun.objects.exists())

    def test_it_is_a_post(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/quotas/progress/sample/").status_code, 405)

    def test_an_out_of_range_week_is_refused_not_a_500(self):
        self.client.force_login(self.manager)
        for week in ("9999-W52", "0001-W01"):
            response = self.client.post("/quotas/progress/sample/", {"week": week}, follow=True)
            self.assertEqual(response.status_code, 200, week)
            self.assertIn("Choose a week", str(list(response.context["messages"])[0]))
        self.assertFalse(Assignment.objects.exists())
