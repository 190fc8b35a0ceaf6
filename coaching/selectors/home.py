"""The trainer's landing page (`coaching-home`): the coaching work of the user's scope.

- Needs flagged: the open training needs of the latest week that has any, problems common to a
  group first (then by loss rate), at most `NEEDS_SHOWN`.
- Plans due: open, in-progress or overdue plans whose deadline is within `PLANS_DUE_DAYS` days or
  past, the user's own plans first, then by deadline.
- Sessions this week (Monday to Sunday): coaching sessions held, and group training sessions
  scheduled (not cancelled).
- Reviews due: development reviews still scheduled whose due date is within `REVIEWS_DUE_DAYS`
  days or past.

Scope is each area's selector (`plans_visible_to`, `needs_visible_to`, `sessions_visible_to`,
`reviews_visible_to`): trainers and managers see the center, a supervisor their teams. A fixed number of queries whatever the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, Value, When
from django.utils import timezone

from ..models import (
    ACTIVE_PLAN_STATUSES,
    CoachingPlan,
    CoachingSession,
    DevelopmentReview,
    GroupKind,
    NeedStatus,
    ReviewStatus,
    TrainingNeed,
    TrainingSession,
    TrainingSessionStatus,
)
from .needs import needs_visible_to, sessions_visible_to
from .plans import plans_visible_to
from .reviews import reviews_visible_to

NEEDS_SHOWN = 10
PLANS_DUE_DAYS = 14
REVIEWS_DUE_DAYS = 30
ROWS_SHOWN = 50


@dataclass(frozen=True)
class Home:
    today: dt.date
    week_start: dt.date
    week_end: dt.date  # the Sunday
    needs_week: dt.date | None
    needs: list[TrainingNeed]
    needs_total: int  # open needs of that week in scope
    plans_due: list[CoachingPlan]
    coaching_sessions: list[CoachingSession]
    training_sessions: list[TrainingSession]
    reviews_due: list[DevelopmentReview]

    @property
    def sessions_count(self) -> int:
        return len(self.coaching_sessions) + len(self.training_sessions)


def home_for(user, *, now: dt.datetime | None = None) -> Home:
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = today - dt.timedelta(days=today.weekday())
    week_end = week_start + dt.timedelta(days=6)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=7)

    open_needs = needs_visible_to(user).filter(status=NeedStatus.OPEN)
    needs_week = open_needs.aggregate(latest=Max("week_start"))["latest"]
    needs, needs_total = [], 0
    if needs_week is not None:
        week_needs = open_needs.filter(week_start=needs_week)
        needs = list(
            week_needs.annotate(
                individual=Case(
                    When(group_kind=GroupKind.AGENT, then=Value(1)), default=Value(0), output_field=IntegerField()
                )
            ).order_by("individual", "-agents_affected", "-rate", "pk")[:NEEDS_SHOWN]
        )
        needs_total = week_needs.count() if len(needs) == NEEDS_SHOWN else len(needs)

    plans_due = list(
        plans_visible_to(user)
        .filter(status__in=ACTIVE_PLAN_STATUSES, deadline__lte=today + dt.timedelta(days=PLANS_DUE_DAYS))
        .annotate(mine=Case(When(owner_id=user.pk, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("mine", "deadline", "pk")[:ROWS_SHOWN]
    )
    for plan in plans_due:
        plan.days_left = (plan.deadline - today).days
        plan.days_late = max(0, -plan.days_left)

    coaching_sessions = list(
        CoachingSession.objects.filter(
            plan__in=plans_visible_to(user).values("pk"), held_at__gte=start, held_at__lt=end
        )
        .select_related("plan", "plan__agent", "held_by")
        .order_by("held_at", "pk")[:ROWS_SHOWN]
    )
    training_sessions = list(
        sessions_visible_to(user)
        .filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .exclude(status=TrainingSessionStatus.CANCELLED)
        .order_by("scheduled_for", "pk")[:ROWS_SHOWN]
    )
    reviews_due = list(
        reviews_visible_to(user)
        .filter(status=ReviewStatus.SCHEDULED, due_on__lte=today + dt.timedelta(days=REVIEWS_DUE_DAYS))
        .order_by("due_on", "pk")[:ROWS_SHOWN]
    )
    for review in reviews_due:
        review.days_left = (review.due_on - today).days
    return Home(
        today=today,
        week_start=week_start,
        week_end=week_end,
        needs_week=needs_week,
        needs=needs,
        needs_total=needs_total,
        plans_due=plans_due,
        coaching_sessions=coaching_sessions,
        training_sessions=training_sessions,
        reviews_due=reviews_due,
    )
