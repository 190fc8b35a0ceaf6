"""Development reviews: who sees and writes what (HR never the text), scheduling the half-year,
recording the conversation and its next steps, reminders sent once, and the API."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.models import DevelopmentReview, ReviewStatus, ReviewStep
from coaching.services import reviews as services
from tests import factories as f
from tests.personas import Personas

SECRET = "wants to move into training"


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class ReviewTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.period = services.half_year_of(cls.today)
        cls.supervisor.email = "sup@example.com"
        cls.supervisor.save()
        cls.review = services.review_schedule(by=cls.manager, agent=cls.agent, period=cls.period)
        services.review_update(
            by=cls.supervisor,
            review=cls.review,
            held_on=cls.today,
            interests="Teaching",
            skills="Explains patiently",
            career_direction=SECRET,
            summary="Tired of the phones",
        )
        cls.step = services.step_add(
            by=cls.supervisor, review=cls.review, text="Shadow a trainer", due_on=cls.today + dt.timedelta(days=3)
        )

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def url(self, review=None, step: str = "") -> str:
        review = review or self.review
        return f"/coaching/reviews/{review.pk}/{step + '/' if step else ''}"

    # --- reading ---------------------------------------------------------------------------------

    def test_the_agent_reads_their_own_review_and_cannot_edit_it(self):
        self.client.force_login(self.agent_user)
        self.assertContains(self.client.get(self.url()), SECRET)
        self.assertEqual(self.client.get(self.url(step="edit")).status_code, 403)
        self.assertEqual(
            self.client.post(self.url(step="steps"), {"text": "x", "due_on": "2030-01-01"}).status_code, 403
        )
        response = self.api(self.agent_user).patch(
            f"/api/v1/development-reviews/{self.review.pk}/", {"summary": "mine"}
        )
        self.assertEqual(response.status_code, 403)
        self.review.refresh_from_db()
        self.assertEqual(self.review.summary, "Tired of the phones")

    def test_another_agent_and_a_supervisor_of_another_team_get_404(self):
        for user in (self.other_agent_user, self.other_supervisor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
            self.assertEqual(self.api(user).get(f"/api/v1/development-reviews/{self.review.pk}/").status_code, 404)

    def test_hr_sees_that_a_review_happened_but_never_its_text(self):
        self.client.force_login(self.hr)
        listing = self.client.get("/coaching/reviews/")
        self.assertContains(listing, self.agent.name)
        self.assertContains(listing, self.period)
        page = self.client.get(self.url())
        self.assertEqual(page.status_code, 200)
        for text in (SECRET, "Teaching", "Explains patiently", "Tired of the phones", "Shadow a trainer"):
            self.assertNotContains(page, text)
            self.assertNotContains(listing, text)
        body = self.api(self.hr).get(f"/api/v1/development-reviews/{self.review.pk}/").json()
        self.assertEqual(body["held_on"], self.today.isoformat())
        for field in ("interests", "skills", "career_direction", "summary", "steps"):
            self.assertNotIn(field, body)
        rows = self.api(self.hr).get("/api/v1/development-reviews/").json()["results"]
        self.assertNotIn(SECRET, str(rows))

    def test_hr_cannot_write(self):
        self.client.force_login(self.hr)
        self.assertEqual(self.client.get("/coaching/reviews/new/").status_code, 403)
        self.assertEqual(self.api(self.hr).patch(f"/api/v1/development-reviews/{self.review.pk}/", {}).status_code, 403)

    def test_a_trainer_reads_the_text_and_qa_has_no_access(self):
        self.client.force_login(self.trainer)
        self.assertContains(self.client.get(self.url()), SECRET)
        self.client.force_login(self.qa)
        self.assertEqual(self.client.get("/coaching/reviews/").status_code, 403)
        self.assertEqual(self.api(self.qa).get("/api/v1/development-reviews/").status_code, 403)

    def test_the_agent_page_shows_the_review_panel_to_the_supervisor(self):
        self.client.force_login(self.supervisor)
        page = self.client.get(f"/agents/{self.agent.pk}/")
        self.assertContains(page, "Development reviews")
        self.assertContains(page, self.url())

    def test_the_list_costs_the_same_queries_for_one_review_or_many(self):
        self.client.force_login(self.manager)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one:
            self.client.get("/coaching/reviews/")
        for _i in range(5):
            services.review_schedule(by=self.manager, agent=f.AgentFactory(team=self.other_team), period=self.period)
        with CaptureQueriesContext(connection) as many:
            self.client.get("/coaching/reviews/")
        self.assertEqual(len(one.captured_queries), len(many.captured_queries))

    # --- writing ---------------------------------------------------------------------------------

    def test_scheduling_the_half_year_creates_one_per_active_agent_once(self):
        f.AgentFactory(team=self.other_team, active=False)
        self.client.force_login(self.manager)
        self.client.post("/coaching/reviews/schedule/", {"period": self.period})
        review = DevelopmentReview.objects.get(agent=self.other_agent, period=self.period)
        self.assertEqual(review.reviewer, self.other_supervisor)
        self.assertEqual(review.due_on, services.default_due(self.period))
        self.assertEqual(review.due_on.day, 15)
        self.assertEqual(DevelopmentReview.objects.filter(period=self.period).count(), 2)
        self.client.post("/coaching/reviews/schedule/", {"period": self.period})
        self.assertEqual(DevelopmentReview.objects.filter(period=self.period).count(), 2)

    def test_a_supervisor_schedules_only_their_teams(self):
        created = services.reviews_schedule_half_year(by=self.supervisor, period="2031-H1")
        self.assertEqual(created, 1)
        self.assertEqual(DevelopmentReview.objects.get(period="2031-H1").agent, self.agent)

    def test_a_second_review_in_the_half_year_is_a_409(self):
        response = self.api(self.manager).post(
            "/api/v1/development-reviews/", {"agent": self.agent.pk, "period": self.period}, format="json"
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["existing_review"]["id"], self.review.pk)

    def test_a_due_date_outside_the_half_year_is_a_400(self):
        response = self.api(self.manager).post(
            "/api/v1/development-reviews/",
            {"agent": self.other_agent.pk, "period": "2030-H2", "due_on": "2030-03-01"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("due_on", response.json())

    def test_recording_without_any_text_is_refused(self):
        review = services.review_schedule(by=self.manager, agent=self.other_agent, period=self.period)
        response = self.api(self.other_supervisor).patch(
            f"/api/v1/development-reviews/{review.pk}/", {"held_on": self.today.isoformat()}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("summary", response.json())
        review.refresh_from_db()
        self.assertEqual(review.status, ReviewStatus.SCHEDULED)

    def test_the_supervisor_records_and_adds_steps_through_the_api(self):
        review = services.review_schedule(by=self.manager, agent=self.other_agent, period=self.period)
        api = self.api(self.other_supervisor)
        response = api.patch(
            f"/api/v1/development-reviews/{review.pk}/",
            {"held_on": self.today.isoformat(), "career_direction": "Team lead"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "held")
        step = api.post(
            f"/api/v1/development-reviews/{review.pk}/steps/", {"text": "Lead a huddle", "due_on": "2030-01-01"}
        )
        self.assertEqual(step.status_code, 201)
        done = api.patch(f"/api/v1/development-reviews/{review.pk}/steps/{step.json()['id']}/", {"done": True})
        self.assertEqual(done.json()["done_on"], self.today.isoformat())

    def test_a_step_is_marked_done_from_the_page(self):
        self.client.force_login(self.supervisor)
        self.client.post(f"/coaching/reviews/steps/{self.step.pk}/done/", {"done": "1"})
        self.step.refresh_from_db()
        self.assertEqual(self.step.done_on, self.today)

    # --- reminders -------------------------------------------------------------------------------

    def test_reminders_go_to_the_reviewer_once(self):
        services.review_schedule(
            by=self.manager,
            agent=self.other_agent,
            period=self.period,
            due_on=max(self.today, services.half_year_bounds(self.period)[0]),
            reviewer=self.supervisor_of_other_with_mail(),
        )
        sent = services.review_reminders_send()
        self.assertEqual(sent, 2)  # the other agent's review due, and the step due in three days
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, ["other@example.com", "sup@example.com"])
        self.assertIn("Shadow a trainer", next(m.body for m in mail.outbox if m.to == ["sup@example.com"]))
        self.assertEqual(services.review_reminders_send(), 0)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIsNotNone(ReviewStep.objects.get(pk=self.step.pk).reminded_at)

    def supervisor_of_other_with_mail(self):
        self.other_supervisor.email = "other@example.com"
        self.other_supervisor.save()
        return self.other_supervisor

    def test_the_schedule_and_record_pages_render_and_save(self):
        self.client.force_login(self.other_supervisor)
        self.assertContains(self.client.get(f"/coaching/reviews/new/?agent={self.other_agent.pk}"), "Schedule")
        response = self.client.post("/coaching/reviews/new/", {"agent": self.other_agent.pk, "period": "2030-H1"})
        review = DevelopmentReview.objects.get(agent=self.other_agent, period="2030-H1")
        self.assertRedirects(response, self.url(review))
        self.assertEqual(review.reviewer, self.other_supervisor)
        self.assertEqual(self.client.get(self.url(review, "edit")).status_code, 200)
        response = self.client.post(
            self.url(review, "edit"),
            {
                "reviewer": self.other_supervisor.pk,
                "due_on": "2030-06-15",
                "held_on": self.today.isoformat(),
                "skills": "x",
            },
        )
        self.assertRedirects(response, self.url(review))
        review.refresh_from_db()
        self.assertEqual(review.status, ReviewStatus.HELD)
        # …and not for an agent of another team.
        self.assertEqual(
            self.client.post("/coaching/reviews/new/", {"agent": self.agent.pk, "period": "2030-H1"}).status_code, 400
        )

    def test_the_daily_task_sends_the_reminders(self):
        from coaching.tasks import send_review_reminders

        self.assertEqual(send_review_reminders(), 1)  # the step due in three days
        self.assertEqual(mail.outbox[0].to, ["sup@example.com"])
