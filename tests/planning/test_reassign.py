"""Reassigning work: from another evaluator's queue (managers), from a supervisor's view of their
teams' work, and through the API — every refusal with its status and reason, never a 500; and
the work queue's week, overdue banner and query count."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus
from planning import periods
from planning.policies import PolicyBook
from planning.services.assignments import assignments_overdue_remind
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation

WEEK = periods.last_complete_week()


class ReassignData(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.work = f.AssignmentFactory(call=cls.call, evaluator=cls.qa)  # agent Li Na, team A (led by `supervisor`)
        cls.other_work = f.AssignmentFactory(call=cls.other_call, evaluator=cls.qa)  # agent Wang Wei, team B

    def url(self, assignment=None) -> str:
        return f"/assignments/{(assignment or self.work).pk}/reassign/"

    def post(self, user, to, assignment=None, **extra):
        self.client.force_login(user)
        return self.client.post(self.url(assignment), {"to": to, **extra})

    def assertUnchanged(self, assignment=None):
        assignment = assignment or self.work
        assignment.refresh_from_db()
        self.assertEqual(assignment.evaluator, self.qa)


class ReassignPageTests(ReassignData):
    def test_a_manager_reassigns_to_another_qa_auditor(self):
        response = self.post(self.manager, "qa2", next="/queue/?evaluator=qa")
        self.assertRedirects(response, "/queue/?evaluator=qa", fetch_redirect_response=False)
        self.work.refresh_from_db()
        self.assertEqual((self.work.evaluator, self.work.evaluator_role), (self.qa2, "qa"))
        self.assertEqual(self.work.history.latest().history_change_reason, "reassigned by manager")
        page = self.client.get("/queue/?evaluator=qa")
        self.assertContains(page, "now goes to qa2 (was qa)")

    def test_the_agents_supervisor_reassigns_to_a_trainer_or_to_themself(self):
        self.post(self.supervisor, "trainer")
        self.work.refresh_from_db()
        self.assertEqual((self.work.evaluator, self.work.evaluator_role), (self.trainer, "trainer"))
        self.post(self.supervisor, "supervisor")
        self.work.refresh_from_db()
        self.assertEqual((self.work.evaluator, self.work.evaluator_role), (self.supervisor, "supervisor"))

    def test_a_supervisor_reassigning_another_teams_assignment_gets_403(self):
        response = self.post(self.other_supervisor, "qa2")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "your own teams", status_code=403)
        self.assertNotContains(response, self.call.external_id, status_code=403)
        self.assertUnchanged()

    def test_a_trainer_or_qa_reassigning_gets_403(self):
        for user in (self.trainer, self.qa2):
            response = self.post(user, "qa2" if user == self.trainer else "trainer")
            self.assertEqual(response.status_code, 403, user.username)
            self.assertContains(response, "supervisor, reassigns work.", status_code=403)
        self.assertUnchanged()

    def test_agents_and_hr_get_403(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.post(user, "qa2").status_code, 403)
            self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertUnchanged()

    def test_reassigning_to_the_agent_themself_is_400(self):
        response = self.post(self.manager, "agent")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Nobody evaluates their own calls.", status_code=400)
        self.assertUnchanged()

    def test_a_started_assignment_cannot_be_reassigned(self):
        Assignment.objects.filter(pk=self.work.pk).update(started_at=timezone.now())
        response = self.post(self.manager, "qa2")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "already started scoring", status_code=400)
        self.assertUnchanged()

    def test_a_done_assignment_cannot_be_reassigned(self):
        Assignment.objects.filter(pk=self.work.pk).update(status=AssignmentStatus.DONE)
        response = self.post(self.manager, "qa2")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Only open assignments can be reassigned.", status_code=400)

    def test_someone_who_is_not_qa_a_trainer_or_that_teams_supervisor_is_refused(self):
        for username in ("other_supervisor", "hr", "manager"):
            response = self.post(self.manager, username)
            self.assertEqual(response.status_code, 400, username)
            self.assertContains(response, "is not QA, a trainer, or a supervisor of this agent", status_code=400)
        self.assertUnchanged()

    def test_the_current_evaluator_an_unknown_user_or_nobody_is_a_400(self):
        self.assertContains(self.post(self.manager, "qa"), "already assigned to qa", status_code=400)
        self.assertContains(self.post(self.manager, "ghost"), "There is no user ghost.", status_code=400)
        self.assertContains(self.post(self.manager, ""), "Choose who takes this call.", status_code=400)
        self.assertUnchanged()

    def test_someone_who_already_holds_the_call_is_refused(self):
        f.AssignmentFactory(call=self.call, evaluator=self.qa2, reason="double_scoring")
        response = self.post(self.manager, "qa2")
        self.assertContains(response, "already holds this call", status_code=400)
        self.assertUnchanged()

    def test_someone_who_already_evaluated_the_call_is_refused(self):
        make_evaluation(call=self.call, by=self.qa2, kind="calibration")  # the call's regular one is qa's work
        response = self.post(self.manager, "qa2")
        self.assertContains(response, "has already evaluated this call", status_code=400)
        self.assertUnchanged()

    def test_overdue_work_gets_a_fresh_due_time_and_the_new_evaluator_a_reminder(self):
        now = timezone.now()
        Assignment.objects.filter(pk=self.work.pk).update(
            due_at=now - dt.timedelta(days=2), overdue_reminded_at=now - dt.timedelta(hours=1)
        )
        self.assertEqual(self.post(self.manager, "qa2").status_code, 302)
        self.work.refresh_from_db()
        self.assertEqual(self.work.evaluator, self.qa2)
        self.assertIsNone(self.work.overdue_reminded_at)
        due_days = PolicyBook().for_line(self.call.line_of_business_id).due_days
        self.assertAlmostEqual(
            (self.work.due_at - now).total_seconds(), dt.timedelta(days=due_days).total_seconds(), delta=60
        )
        self.qa2.email = "qa2@example.com"
        self.qa2.save()
        self.assertEqual(assignments_overdue_remind(now=self.work.due_at + dt.timedelta(hours=1)), 1)

    def test_work_not_yet_due_keeps_its_due_time(self):
        due = self.work.due_at
        self.assertEqual(self.post(self.manager, "qa2").status_code, 302)
        self.work.refresh_from_db()
        self.assertEqual(self.work.due_at, due)

    def test_the_page_offers_only_eligible_evaluators(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        offered = [c.username for c in response.context["candidates"]]
        self.assertEqual(sorted(offered), ["qa2", "supervisor", "trainer"])
        self.assertContains(response, '<label for="reassign-to">')

    def test_an_unsafe_next_is_ignored(self):
        response = self.post(self.manager, "qa2", next="https://evil.example.com/")
        self.assertRedirects(response, "/queue/?evaluator=qa", fetch_redirect_response=False)

    def test_it_needs_a_login(self):
        response = self.client.post(self.url(), {"to": "qa2"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertUnchanged()

    def test_an_unknown_assignment_is_404(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.post("/assignments/99999/reassign/", {"to": "qa2"}).status_code, 404)


class QueueTests(ReassignData):
    def test_a_manager_opens_any_evaluators_queue_with_reassign_buttons(self):
        self.client.force_login(self.manager)
        response = self.client.get("/queue/", {"evaluator": "qa"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["evaluator"], self.qa)
        self.assertContains(response, f'action="/assignments/{self.work.pk}/reassign/"')
        self.assertContains(response, f'action="/assignments/{self.other_work.pk}/reassign/"')
        self.assertNotContains(response, "/open/")  # only the evaluator opens their work
        self.assertContains(response, f'<label for="to-{self.work.pk}" class="visually-hidden">')
        row = next(a for a in response.context["assignments"] if a.pk == self.work.pk)
        self.assertEqual(sorted(c.username for c in row.reassign_to), ["qa2", "supervisor", "trainer"])

    def test_only_managers_open_someone_elses_queue(self):
        for user in (self.supervisor, self.qa2, self.trainer):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/queue/", {"evaluator": "qa"}).status_code, 403, user.username)

    def test_an_unknown_evaluator_is_404(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get("/queue/", {"evaluator": "ghost"}).status_code, 404)

    def test_an_evaluator_sees_no_reassign_buttons_on_their_own_queue(self):
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        self.assertNotContains(response, "/reassign/")
        self.assertContains(response, f"/assignments/{self.work.pk}/open/")

    def test_a_supervisor_may_reassign_their_own_teams_work_from_their_queue(self):
        mine = f.AssignmentFactory(
            call=f.CallFactory(agent=self.agent, line_of_business=self.lob),
            evaluator=self.supervisor,
            evaluator_role="supervisor",
        )
        self.client.force_login(self.supervisor)
        response = self.client.get("/queue/")
        self.assertContains(response, f'action="/assignments/{mine.pk}/reassign/"')

    def test_the_queue_shows_the_week_and_a_behind_schedule_banner_when_overdue(self):
        Assignment.objects.filter(pk=self.work.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
        self.client.force_login(self.qa)
        response = self.client.get("/queue/")
        self.assertContains(response, periods.week_label(WEEK))
        self.assertContains(response, "Behind schedule: 1 assignment is past its due time.")
        self.assertContains(response, '<span class="tag bad">overdue</span>', count=1, html=True)

    def test_no_banner_when_nothing_is_overdue(self):
        self.client.force_login(self.qa)
        self.assertNotContains(self.client.get("/queue/"), "Behind schedule")

    def test_the_queue_costs_the_same_with_2_or_8_assignments(self):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get("/queue/", {"evaluator": "qa"})
            self.assertEqual(response.status_code, 200)
            return len(ctx.captured_queries)

        self.client.force_login(self.manager)
        small = count()
        for i in range(6):
            agent = f.AgentFactory(team=self.team if i % 2 else self.other_team)
            f.AssignmentFactory(call=f.CallFactory(agent=agent, line_of_business=self.lob), evaluator=self.qa)
        self.assertEqual(count(), small)


class AssignmentApiTests(ReassignData):
    def reassign(self, user, to, assignment=None):
        return self.api(user).post(
            f"/api/v1/assignments/{(assignment or self.work).pk}/reassign/", {"to": to}, format="json"
        )

    def test_a_manager_reassigns_and_gets_the_assignment_back(self):
        response = self.reassign(self.manager, "qa2")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["evaluator"], body["evaluator_role"], body["status"]), ("qa2", "qa", "open"))
        self.assertEqual(body["week"], periods.week_label(WEEK))
        self.work.refresh_from_db()
        self.assertEqual(self.work.evaluator, self.qa2)

    def test_the_reasons_are_400_with_the_field(self):
        self.assertEqual(self.reassign(self.manager, "agent").json(), {"to": ["Nobody evaluates their own calls."]})
        self.assertIn("to", self.reassign(self.manager, "other_supervisor").json())
        self.assertIn("to", self.reassign(self.manager, "ghost").json())
        self.assertEqual(
            self.api(self.manager).post(f"/api/v1/assignments/{self.work.pk}/reassign/", {}).status_code, 400
        )
        Assignment.objects.filter(pk=self.work.pk).update(started_at=timezone.now())
        response = self.reassign(self.manager, "qa2")
        self.assertEqual(response.status_code, 400)
        self.assertIn("assignment", response.json())
        self.assertUnchanged()

    def test_a_malformed_assignment_id_is_404(self):
        response = self.api(self.manager).post("/api/v1/assignments/abc/reassign/", {"to": "qa2"}, format="json")
        self.assertEqual(response.status_code, 404)
        self.assertUnchanged()

    def test_those_who_may_not_reassign_get_403(self):
        for user in (self.trainer, self.qa2, self.other_supervisor, self.agent_user, self.hr):
            self.assertEqual(
                self.reassign(user, "trainer" if user != self.trainer else "qa2").status_code, 403, user.username
            )
        self.assertUnchanged()

    def test_the_list_is_scoped_and_filterable(self):
        f.AssignmentFactory(
            call=f.CallFactory(agent=self.agent, line_of_business=self.lob), evaluator=self.qa2, reason="line_topup"
        )

        def ids(user, **params):
            return sorted(r["id"] for r in self.api(user).get("/api/v1/assignments/", params).json()["results"])

        everything = sorted(Assignment.objects.values_list("pk", flat=True))
        self.assertEqual(ids(self.manager), everything)
        self.assertEqual(ids(self.qa), sorted([self.work.pk, self.other_work.pk]))
        self.assertEqual(len(ids(self.qa2)), 1)
        self.assertEqual(ids(self.trainer), [])
        # The supervisor of team A sees the work on Li Na's calls, not Wang Wei's.
        self.assertNotIn(self.other_work.pk, ids(self.supervisor))
        self.assertIn(self.work.pk, ids(self.supervisor))
        self.assertEqual(ids(self.manager, evaluator="qa2"), ids(self.qa2))
        self.assertEqual(len(ids(self.manager, reason="line_topup")), 1)
        self.assertEqual(ids(self.manager, status="done"), [])
        self.assertEqual(ids(self.manager, period_start=WEEK.isoformat()), everything)

    def test_agents_and_hr_may_not_list_assignments(self):
        for user in (self.agent_user, self.hr):
            self.assertEqual(self.api(user).get("/api/v1/assignments/").status_code, 403)


class OverdueReminderTests(ReassignData):
    def setUp(self):
        now = timezone.now()
        Assignment.objects.filter(pk__in=[self.work.pk, self.other_work.pk]).update(due_at=now - dt.timedelta(hours=3))
        self.late_qa2 = f.AssignmentFactory(
            call=f.CallFactory(agent=self.other_agent, line_of_business=self.lob),
            evaluator=self.qa2,
            due_at=now - dt.timedelta(hours=1),
        )
        for user, email in ((self.qa, "qa@example.com"), (self.qa2, "qa2@example.com")):
            user.email = email
            user.save()

    def test_each_evaluator_gets_one_mail_and_a_second_run_sends_nothing(self):
        from django.core import mail

        self.assertEqual(assignments_overdue_remind(), 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["qa2@example.com", "qa@example.com"])
        self.assertIn("2 overdue call(s)", next(m.subject for m in mail.outbox if m.to == ["qa@example.com"]))
        self.assertEqual(assignments_overdue_remind(), 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_a_run_that_overlaps_another_does_not_mail_what_the_other_already_sent(self):
        """A second run starting while the first is mailing its first evaluator: the first run
        selects each evaluator's batch again (under row locks) before mailing, so what the
        second run has mailed and marked in the meantime is not mailed again."""
        from unittest import mock

        from django.core import mail
        from django.core.mail import send_mail as real_send_mail

        calls = []

        def send_and_overlap(*args, **kwargs):
            calls.append(args[3][0])
            result = real_send_mail(*args, **kwargs)
            if len(calls) == 1:  # the other run starts now, and reaches the next evaluator first
                with mock.patch("planning.services.assignments.send_mail", real_send_mail):
                    assignments_overdue_remind()
            return result

        with mock.patch("planning.services.assignments.send_mail", side_effect=send_and_overlap):
            assignments_overdue_remind()
        recipients = [m.to[0] for m in mail.outbox]
        self.assertEqual(recipients.count("qa2@example.com"), 1, recipients)
