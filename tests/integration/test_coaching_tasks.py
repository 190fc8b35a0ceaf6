"""The coaching app's scheduled tasks are registered with the worker (Celery autodiscovers only
<app>/tasks.py) and run there against PostgreSQL: every beat entry names a task a real worker
knows, an overdue plan is marked by the worker, a week's training needs are found by it."""

import datetime as dt

import pytest
from celery.result import AsyncResult, EagerResult
from django.conf import settings

from coaching.models import CoachingPlan, PlanStatus
from coaching.tasks import find_training_needs, mark_overdue_plans
from qa_platform.celery import app
from tests import factories as f
from tests.coaching.factories import make_plan

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_every_scheduled_task_is_known_to_the_worker(celery_worker):
    registered = app.control.inspect(destination=[celery_worker.hostname], timeout=10).registered()
    known = set(registered[celery_worker.hostname])
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - known == set()
    assert {"coaching.mark_overdue_plans", "coaching.find_training_needs", "coaching.send_review_reminders"} <= known


def test_the_worker_marks_a_plan_past_its_deadline_overdue(celery_worker):
    agent = f.AgentFactory(name="Li Na")
    plan = make_plan(agent=agent, deadline=dt.date.today() - dt.timedelta(days=2))

    result = mark_overdue_plans.delay()

    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    assert result.get(timeout=60) == 1
    assert CoachingPlan.objects.get(pk=plan.pk).status == PlanStatus.OVERDUE


def test_the_worker_looks_for_a_weeks_training_needs(celery_worker):
    # An empty week: nothing flagged, but the job ran on the worker and answered.
    assert find_training_needs.delay(week="2026-11-16").get(timeout=60) == 0
