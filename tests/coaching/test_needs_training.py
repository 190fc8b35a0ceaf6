"""A trainer turns the night shift's greeting need into a group session, takes attendance, and
sees afterwards whether the group's rate fell (constructed before / after evaluations)."""

from __future__ import annotations

import datetime as dt
import math

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from coaching.models import GroupKind, NeedStatus, TrainingNeed, TrainingSession, TrainingSessionStatus
from coaching.selectors.needs import last_complete_week, rate_before_after
from coaching.services.needs import find_training_needs
from tests import factories as f
from tests.coaching.test_needs_find import NeedsWeek, make_agent_week


class TrainingFromANeedTest(NeedsWeek, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.trainer = f.UserFactory(username="trainer_needs", roles=["trainer"])
        find_training_needs(week_start=cls.week)
        cls.need = TrainingNeed.objects.get(
            week_start=cls.week, group_kind=GroupKind.SHIFT, group_key=str(cls.night.pk), criterion_text="Greeting"
        )
        # The session: Monday 09:00 of the week after the need's.
        cls.at = timezone.make_aware(dt.datetime.combine(last_complete_week(), dt.time(9)))

    def create(self, **extra):
        self.client.force_login(self.trainer)
        data = {
            "need": self.need.pk,
            "topic": "Greeting the customer",
            "scheduled_for": timezone.localtime(self.at).strftime("%Y-%m-%dT%H:%M"),
            "location": "Room 2",
            "materials": "The greeting script.",
            "attendees": [a.pk for a in self.night_agents[:3]],
            **extra,
        }
        return self.client.post(f"{reverse('coaching-training-create')}?need={self.need.pk}", data)

    def test_the_create_page_is_prefilled_from_the_need(self):
        self.client.force_login(self.trainer)
        page = self.client.get(f"{reverse('coaching-training-create')}?need={self.need.pk}")
        assert page.status_code == 200
        form = page.context["form"]
        assert "Greeting" in form.initial["topic"]
        assert set(form.initial["attendees"]) == {a.pk for a in self.night_agents[:3]}
        # The fourth night agent may be added: the whole group is offered.
        assert set(form.fields["attendees"].queryset) == set(self.night_agents)

    def test_creating_a_session_schedules_the_need(self):
        response = self.create()
        session = TrainingSession.objects.get()
        self.assertRedirects(response, reverse("coaching-training-detail", args=[session.pk]))
        assert set(session.attendees.all()) == set(self.night_agents[:3])
        assert (session.trainer, session.location, session.need) == (self.trainer, "Room 2", self.need)
        self.need.refresh_from_db()
        assert self.need.status == NeedStatus.SCHEDULED

    def test_an_attachment_too_large_or_of_the_wrong_type_is_refused(self):
        big = SimpleUploadedFile("slides.pdf", b"x" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
        assert self.create(attachment=big).status_code == 400
        exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
        response = self.create(attachment=exe)
        assert response.status_code == 400
        assert "attachment" in response.context["form"].errors
        assert not TrainingSession.objects.exists()
        self.need.refresh_from_db()
        assert self.need.status == NeedStatus.OPEN

    def test_a_session_needs_attendees_and_a_topic(self):
        response = self.create(attendees=[], topic="  ")
        assert response.status_code == 400
        assert {"attendees", "topic"} <= set(response.context["form"].errors)
        assert not TrainingSession.objects.exists()

    def test_taking_attendance_marks_the_session_held(self):
        self.create()
        session = TrainingSession.objects.get()
        came = self.night_agents[0].pk
        response = self.client.post(reverse("coaching-training-attendance", args=[session.pk]), {"attended": [came]})
        self.assertRedirects(response, reverse("coaching-training-detail", args=[session.pk]))
        session.refresh_from_db()
        assert session.status == TrainingSessionStatus.HELD and session.held_at is not None
        assert dict(session.attendance.values_list("agent_id", "attended")) == {
            self.night_agents[0].pk: True,
            self.night_agents[1].pk: False,
            self.night_agents[2].pk: False,
        }
        page = self.client.get(reverse("coaching-training-detail", args=[session.pk]))
        assert page.status_code == 200

    def test_attendance_waits_for_the_session_to_start(self):
        self.create(scheduled_for=(timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
        session = TrainingSession.objects.get()
        response = self.client.post(reverse("coaching-training-attendance", args=[session.pk]), {"attended": []})
        assert response.status_code == 409
        session.refresh_from_db()
        assert session.status == TrainingSessionStatus.PLANNED

    def test_not_enough_evidence_right_after_the_session(self):
        self.create()
        change = rate_before_after(TrainingSession.objects.get())
        assert change.before.n == 8 and change.since.n == 0
        assert change.verdict == "not_enough" and change.difference is None

    def test_the_groups_rate_fell_after_the_session(self):
        self.create()
        session = TrainingSession.objects.get()
        # Since the session every night agent greets the customer, twice.
        for agent in self.night_agents:
            make_agent_week(self, agent, self.night, [{}, {}], week=last_complete_week())
        change = rate_before_after(session)
        # Before: 8 evaluations, 6 lost the greeting (100 %), 2 did not (0 %); since: 8 at 0 %.
        assert (change.before.n, change.before.agents, change.since.n, change.since.agents) == (8, 4, 8, 4)
        assert change.before.mean == 75.0 and change.since.mean == 0.0
        assert change.difference == -75.0
        sd = math.sqrt((6 * 25**2 + 2 * 75**2) / 7)
        half = stats.t.ppf(0.975, 7) * sd / math.sqrt(8)  # Welch with one side constant: df = 7
        assert change.difference_ci[0] == self._approx(-75 - half)
        assert change.difference_ci[1] == self._approx(-75 + half)
        assert change.verdict == "fell"
        page = self.client.get(reverse("coaching-training-detail", args=[session.pk]))
        self.assertContains(page, "The group&#x27;s rate fell.")

    @staticmethod
    def _approx(value):
        import pytest

        return pytest.approx(value, abs=1e-6)
