"""Coaching plans (coaching/services/plans.py and the pages): the lifecycle create → session →
in progress → acknowledged → completed, the rules a plan's input must keep, the daily overdue
job and its one e-mail, the create form prefilled from an evaluation or a training need."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingPlan, GoalScope, LibraryCall, NeedStatus, PlanStatus, TrainingNeed
from coaching.services import plans as services
from coaching.tasks import mark_overdue_plans as overdue_task
from qa_platform.errors import IllegalTransition
from tests import factories as f
from tests.coaching.test_plans_base import PlanPersonas
from tests.scoring.factories import make_evaluation


class LifecycleTests(PlanPersonas):
    def test_a_plan_goes_from_open_to_in_progress_to_completed(self):
        plan = self.make_plan(proposal="Close every call with the summary and the ticket number.")
        self.assertEqual(plan.status, PlanStatus.OPEN)
        self.assertEqual(plan.deadline, self.in_days(30))
        self.assertEqual(list(plan.evaluations.all()), [self.evaluation])
        goal = plan.goals.get()
        self.assertEqual(
            (goal.criterion_text, goal.scorecard_id, goal.category), ("Closing", self.version.scorecard_id, "etiquette")
        )

        session = services.record_session(plan=plan, by=self.trainer, kind="one_to_one", notes="Listened together.")
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.IN_PROGRESS)
        self.assertIsNotNone(plan.started_at)

        services.acknowledge_plan(plan=plan, by=self.agent_user)
        services.acknowledge_session(session=session, by=self.agent_user)
        plan.refresh_from_db()
        session.refresh_from_db()
        self.assertIsNotNone(plan.acknowledged_at)
        self.assertIsNotNone(session.acknowledged_at)

        services.complete_plan(plan=plan, by=self.trainer, outcome="Closes every call now.")
        plan.refresh_from_db()
        self.assertEqual((plan.status, plan.outcome), (PlanStatus.COMPLETED, "Closes every call now."))
        with self.assertRaises(IllegalTransition):
            services.record_session(plan=plan, by=self.trainer, kind="one_to_one")

    def test_the_plans_deadline_is_its_latest_goals(self):
        plan = self.make_plan(
            goals=[self.goal(deadline=self.in_days(10)), self.goal("empathy", deadline=self.in_days(40))]
        )
        self.assertEqual(plan.deadline, self.in_days(40))

    def test_the_first_acknowledgement_time_is_kept(self):
        plan = self.make_plan()
        first = services.acknowledge_plan(plan=plan, by=self.agent_user).acknowledged_at
        again = services.acknowledge_plan(plan=plan, by=self.agent_user).acknowledged_at
        self.assertEqual(first, again)

    def test_a_session_attaches_a_file_and_curated_library_calls_only(self):
        plan = self.make_plan()
        curated = LibraryCall.objects.create(
            call=self.other_call,
            kind="exemplary",
            title="A model closing",
            note="Listen",
            marked_by=self.qa,
            curated=True,
        )
        waiting = LibraryCall.objects.create(
            call=self.other_call, kind="cautionary", title="Not yet", note="x", marked_by=self.qa
        )
        pdf = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes", content_type="application/pdf")
        session = services.record_session(
            plan=plan, by=self.trainer, kind="recording_review", attachment=pdf, library_calls=[curated]
        )
        self.assertTrue(session.attachment.name.endswith("notes.pdf"))
        self.assertEqual(list(session.library_calls.all()), [curated])
        with self.assertRaises(ValidationError) as refused:
            services.record_session(plan=plan, by=self.trainer, kind="one_to_one", library_calls=[waiting])
        self.assertIn("library_calls", refused.exception.message_dict)

    def test_an_attachment_over_10_mb_or_of_another_type_is_refused(self):
        plan = self.make_plan()
        big = SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
        html = SimpleUploadedFile("page.html", b"<script>", content_type="text/html")
        exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
        for upload in (big, html, exe):
            with self.assertRaises(ValidationError) as refused:
                services.record_session(plan=plan, by=self.trainer, kind="one_to_one", attachment=upload)
            self.assertIn("attachment", refused.exception.message_dict)
        self.assertEqual(plan.sessions.count(), 0)


class ValidationTests(PlanPersonas):
    def refused(self, **kw) -> dict:
        with self.assertRaises(ValidationError) as refused:
            self.make_plan(**kw)
        self.assertEqual(CoachingPlan.objects.count(), 0)
        return refused.exception.message_dict

    def test_a_deadline_in_the_past_is_refused(self):
        errors = self.refused(goals=[self.goal(deadline=self.in_days(-1))])
        self.assertIn("goals.0.deadline", errors)

    def test_a_plan_needs_a_goal(self):
        with self.assertRaises(ValidationError) as refused:
            services.create_plan(by=self.trainer, agent=self.agent, owner=self.trainer, title="x", goals=[])
        self.assertIn("goals", refused.exception.message_dict)

    def test_a_criterion_off_the_agents_scorecards_is_refused(self):
        from tests.scoring.factories import criteria, make_scorecard_version

        other = make_scorecard_version(name="Sales QA")
        errors = self.refused(goals=[self.goal(criterion=criteria(other)["greeting"])])
        self.assertIn("goals.0.criterion", errors)

    def test_a_criterion_of_an_older_version_of_the_agents_scorecard_counts(self):
        from scoring import services as scoring

        draft = scoring.scorecard_new_draft(scorecard=self.version.scorecard, by=self.manager)
        newer = scoring.scorecard_publish(version=draft, by=self.manager)
        newer_closing = newer.sections.get(title="Etiquette").criteria.get(text="Closing")
        plan = self.make_plan(goals=[self.goal(criterion=newer_closing)])
        self.assertEqual(plan.goals.get().criterion_text, "Closing")

    def test_evaluations_must_be_of_the_agent(self):
        errors = self.refused(evaluations=[self.other_evaluation])
        self.assertIn("evaluations", errors)

    def test_the_owner_is_a_trainer_or_a_supervisor_of_the_agents_team(self):
        self.assertIn("owner", self.refused(owner=self.other_supervisor))
        self.assertIn("owner", self.refused(owner=self.qa))
        self.assertEqual(self.make_plan(owner=self.supervisor).owner, self.supervisor)

    def test_follow_up_service_types_are_the_agents(self):
        errors = self.refused(goals=[self.goal(service_types=["mortgages"])])
        self.assertIn("goals.0.service_types", errors)

    def test_a_category_goal_and_a_target_out_of_range(self):
        errors = self.refused(goals=[self.goal(scope="category", criterion=None, category="nonsense", target=101)])
        self.assertIn("goals.0.category", errors)
        self.assertIn("goals.0.target", errors)
        plan = self.make_plan(goals=[self.goal(scope="category", criterion=None, category="communication")])
        self.assertEqual(plan.goals.get().scope, GoalScope.CATEGORY)


@override_settings(SITE_URL="https://qa.example.com")
class OverdueTests(PlanPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, email in ((cls.trainer, "trainer@example.com"), (cls.supervisor, "sup@example.com")):
            user.email = email
            user.save()

    def test_a_plan_past_its_deadline_is_marked_overdue_and_mailed_once(self):
        plan = self.make_plan(goals=[self.goal(deadline=self.in_days(2))])
        on_time = self.make_plan(goals=[self.goal(deadline=self.in_days(9))])
        done = self.make_plan(goals=[self.goal(deadline=self.in_days(1))])
        services.complete_plan(plan=done, by=self.trainer, outcome="Done early.")
        later = timezone.now() + dt.timedelta(days=5)

        self.assertEqual(services.mark_overdue_plans(now=later), 1)

        plan.refresh_from_db()
        self.assertEqual((plan.status, plan.overdue_at, plan.reminded_at), (PlanStatus.OVERDUE, later, later))
        self.assertEqual(CoachingPlan.objects.get(pk=on_time.pk).status, PlanStatus.OPEN)
        self.assertEqual(CoachingPlan.objects.get(pk=done.pk).status, PlanStatus.COMPLETED)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(sorted(message.to), ["sup@example.com", "trainer@example.com"])
        self.assertIn("Li Na", message.subject)
        self.assertIn(f"https://qa.example.com{reverse('coaching-plan-detail', args=[plan.pk])}", message.body)

        self.assertEqual(services.mark_overdue_plans(now=later + dt.timedelta(days=1)), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_deadline_day_itself_is_not_overdue(self):
        plan = self.make_plan(goals=[self.goal(deadline=self.in_days(3))])
        services.mark_overdue_plans(now=timezone.now() + dt.timedelta(days=3))
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.OPEN)

    def test_the_task_runs_the_service(self):
        plan = self.make_plan(goals=[self.goal(deadline=self.in_days(0))])
        CoachingPlan.objects.filter(pk=plan.pk).update(deadline=self.in_days(-1))
        self.assertEqual(overdue_task.apply().get(), 1)
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.OVERDUE)

    def test_an_overdue_plan_can_still_be_completed(self):
        plan = self.make_plan()
        CoachingPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.OVERDUE)
        services.complete_plan(plan=plan, by=self.supervisor, outcome="Late, but there.")
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.COMPLETED)


class PageTests(PlanPersonas):
    def test_the_evaluation_page_offers_a_plan_prefilled_with_the_lost_criteria(self):
        response = self.page(self.trainer).get(reverse("evaluation-detail", args=[self.evaluation.pk]))
        create = f"{reverse('coaching-plan-create')}?evaluation={self.evaluation.pk}"
        self.assertContains(response, create)

        response = self.client.get(create)
        self.assertEqual(response.status_code, 200)
        goals = response.context["goals"]
        self.assertEqual(goals.forms[0].initial["on"], f"c:{self.criteria['closing'].pk}")
        self.assertEqual(goals.forms[1].initial["on"], f"c:{self.criteria['empathy'].pk}")
        form = response.context["form"]
        self.assertEqual(form.initial["owner"], self.trainer.pk)
        self.assertEqual(form.initial["evaluations"], [self.evaluation.pk])

    def test_the_agent_page_offers_a_plan_to_the_supervisor_of_the_team_only(self):
        url = reverse("agent-detail", args=[self.agent.pk])
        create = f"{reverse('coaching-plan-create')}?agent={self.agent.pk}"
        self.assertContains(self.page(self.supervisor).get(url), create)
        self.assertNotContains(self.page(self.qa).get(url), create)

    def test_without_an_agent_the_form_asks_for_one_among_those_the_user_may_plan_for(self):
        response = self.page(self.supervisor).get(reverse("coaching-plan-create"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["form"].fields["agent"].queryset), [self.agent])
        response = self.client.get(reverse("coaching-plan-create"), {"agent": self.agent.pk})
        self.assertContains(response, 'id="plan-form"')
        self.assertEqual(response.context["form"].initial["owner"], self.supervisor.pk)

    def test_a_trainer_creates_a_plan_on_the_page(self):
        self.client.force_login(self.trainer)
        url = f"{reverse('coaching-plan-create')}?evaluation={self.evaluation.pk}"
        data = {
            "agent": self.agent.pk,
            "owner": self.trainer.pk,
            "title": "Closing",
            "proposal": "Summarise and close.",
            "evaluations": [self.evaluation.pk],
            "goals-TOTAL_FORMS": 3,
            "goals-INITIAL_FORMS": 0,
            "goals-0-on": f"c:{self.criteria['closing'].pk}",
            "goals-0-target": 90,
            "goals-0-deadline": self.in_days(20).isoformat(),
            "goals-0-service_types": ["refund"],
            "goals-1-on": "cat:communication",
            "goals-1-target": 80,
            "goals-1-deadline": self.in_days(30).isoformat(),
            "goals-2-on": "",
        }
        response = self.client.post(url, data)
        plan = CoachingPlan.objects.get()
        self.assertRedirects(response, reverse("coaching-plan-detail", args=[plan.pk]))
        self.assertEqual([g.label for g in plan.goals.all()], ["Closing", "Communication"])
        self.assertEqual(plan.goals.first().service_types, ["refund"])

        data["goals-0-deadline"] = self.in_days(-3).isoformat()
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already passed", str(response.context["goals"].forms[0].errors["deadline"]))
        self.assertEqual(CoachingPlan.objects.count(), 1)

    def test_an_individual_training_need_prefills_the_agent_and_the_goal(self):
        need = TrainingNeed.objects.create(
            week_start=dt.date(2026, 11, 23),
            group_kind="agent",
            group_key=str(self.agent.pk),
            group_label=self.agent.name,
            agent=self.agent,
            dimension="criterion",
            category="etiquette",
            scorecard=self.version.scorecard,
            criterion_text="Closing",
            agents_in_group=1,
            agents_affected=1,
            evaluations=3,
            points_lost=15,
            points_possible=15,
            rate=1.0,
        )
        response = self.page(self.trainer).get(
            f"{reverse('coaching-plan-create')}?agent={self.agent.pk}&need={need.pk}"
        )
        self.assertEqual(response.context["goals"].forms[0].initial["on"], f"c:{self.criteria['closing'].pk}")
        self.assertEqual(response.context["form"].initial["need"], need.pk)
        self.make_plan(need=need)
        need.refresh_from_db()
        self.assertEqual(need.status, NeedStatus.PLANNED)

    def test_the_plan_page_shows_goals_effect_sessions_and_evaluations(self):
        plan = self.make_plan()
        services.record_session(plan=plan, by=self.trainer, kind="side_by_side", notes="Sat together")
        response = self.page(self.trainer).get(reverse("coaching-plan-detail", args=[plan.pk]))
        self.assertContains(response, "Sat together")
        self.assertContains(response, 'id="goal-effects"')
        self.assertContains(response, reverse("evaluation-detail", args=[self.evaluation.pk]))
        self.assertContains(response, reverse("coaching-session-create", args=[plan.pk]))

    def test_the_agent_acknowledges_the_plan_and_the_session_on_the_page(self):
        plan = self.make_plan()
        session = services.record_session(plan=plan, by=self.trainer, kind="one_to_one")
        client = self.page(self.agent_user)
        detail = reverse("coaching-plan-detail", args=[plan.pk])
        self.assertContains(client.get(detail), reverse("coaching-plan-acknowledge", args=[plan.pk]))
        self.assertRedirects(client.post(reverse("coaching-plan-acknowledge", args=[plan.pk])), detail)
        self.assertRedirects(client.post(reverse("coaching-session-acknowledge", args=[session.pk])), detail)
        plan.refresh_from_db()
        session.refresh_from_db()
        self.assertIsNotNone(plan.acknowledged_at)
        self.assertIsNotNone(session.acknowledged_at)
        self.assertContains(client.get(reverse("coaching-my-plans")), plan.title)

    def test_recording_a_session_on_the_page_with_an_attachment(self):
        plan = self.make_plan()
        client = self.page(self.supervisor)
        upload = SimpleUploadedFile("guide.txt", b"Say the ticket number.", content_type="text/plain")
        response = client.post(
            reverse("coaching-session-create", args=[plan.pk]),
            {"kind": "side_by_side", "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "attachment": upload},
        )
        self.assertRedirects(response, reverse("coaching-plan-detail", args=[plan.pk]))
        session = plan.sessions.get()
        download = self.page(self.agent_user).get(reverse("coaching-session-attachment", args=[session.pk]))
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download["Content-Disposition"])
        self.assertEqual(b"".join(download.streaming_content), b"Say the ticket number.")

    def test_completing_needs_an_outcome(self):
        plan = self.make_plan()
        client = self.page(self.trainer)
        response = client.post(reverse("coaching-plan-complete", args=[plan.pk]), {"outcome": "  "})
        self.assertEqual(response.status_code, 400)
        response = client.post(reverse("coaching-plan-complete", args=[plan.pk]), {"outcome": "Better now."})
        self.assertRedirects(response, reverse("coaching-plan-detail", args=[plan.pk]))
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.COMPLETED)

    def test_the_list_filters_by_status_and_refuses_an_unknown_one(self):
        open_plan = self.make_plan(title="Open one")
        done = self.make_plan(title="Done one")
        services.complete_plan(plan=done, by=self.trainer, outcome="ok")
        client = self.page(self.manager)
        response = client.get(reverse("coaching-plan-list"), {"status": "open"})
        self.assertEqual([p.pk for p in response.context["page"]], [open_plan.pk])
        self.assertEqual(client.get(reverse("coaching-plan-list"), {"status": "nope"}).status_code, 400)

    def test_the_list_costs_the_same_for_one_and_many_plans(self):
        client = self.page(self.manager)

        def queries() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(client.get(reverse("coaching-plan-list")).status_code, 200)
            return len(ctx.captured_queries)

        self.make_plan()
        one = queries()
        for i in range(4):
            agent = f.AgentFactory(team=self.team if i % 2 else self.other_team)
            make_evaluation(
                call=f.CallFactory(agent=agent, line_of_business=self.lob), by=self.qa, version=self.version
            )
            self.make_plan(agent=agent, goals=[self.goal(service_types=[])], evaluations=[], owner=self.trainer)
        self.assertEqual(queries(), one)

    def test_the_menu_says_coaching_plans_team_plans_and_my_coaching(self):
        from qa_platform.menu import items_for

        def labels(user):
            return {
                str(i.label)
                for i in items_for(user)
                if i.url_name.startswith("coaching-plan") or i.url_name == "coaching-my-plans"
            }

        self.assertEqual(labels(self.trainer), {"Coaching plans"})
        self.assertEqual(labels(self.supervisor), {"Team plans"})
        self.assertEqual(labels(self.agent_user), {"My coaching"})
        self.assertEqual(labels(self.hr), set())
