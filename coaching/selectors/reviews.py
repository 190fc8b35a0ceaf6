"""Reads of development reviews, scoped to the requesting user (coaching/permissions/reviews.py):
managers, trainers and HR every review (HR without the text: that is the pages' and the
serializers' rule, `ReviewAccess.reads_text`); supervisors their teams'; the agent their own."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import DevelopmentReview, ReviewStatus
from ..permissions.reviews import access_for, can_open_reviews

PERIOD_RE = re.compile(r"^(\d{4})-H([12])$")
# The list's "status" filter besides the model's own: a scheduled review past its due date.
OVERDUE = "overdue"


def reviews_visible_to(user) -> QuerySet[DevelopmentReview]:
    qs = DevelopmentReview.objects.select_related("agent", "agent__team", "reviewer")
    if not can_open_reviews(user):
        return qs.none()
    access = access_for(user)
    if access.wide or access.hr:
        return qs
    scope = Q(agent__team_id__in=access.team_ids)
    if access.agent_id is not None:
        scope |= Q(agent_id=access.agent_id)
    return qs.filter(scope)


def review_for(user, pk) -> DevelopmentReview:
    """One review the user may see (404 otherwise), with its steps."""
    return get_object_or_404(reviews_visible_to(user).prefetch_related("steps"), pk=pk)


def with_step_counts(qs: QuerySet[DevelopmentReview]) -> QuerySet[DevelopmentReview]:
    return qs.annotate(
        steps_total=Count("steps", distinct=True),
        steps_open=Count("steps", filter=Q(steps__done_on__isnull=True), distinct=True),
    )


@dataclass(frozen=True)
class ReviewQuery:
    period: str = ""
    status: str = ""
    q: str = ""
    agent: int | None = None


def filter_reviews(qs: QuerySet[DevelopmentReview], query: ReviewQuery, *, today: dt.date) -> QuerySet:
    if query.period:
        qs = qs.filter(period=query.period)
    if query.status == OVERDUE:
        qs = qs.filter(status=ReviewStatus.SCHEDULED, due_on__lt=today)
    elif query.status:
        qs = qs.filter(status=query.status)
    if query.agent:
        qs = qs.filter(agent_id=query.agent)
    for word in re.split(r"\s+", query.q.strip())[:5]:
        if word:
            qs = qs.filter(Q(agent__name__icontains=word) | Q(agent__employee_id__icontains=word))
    return qs


def reviews_of_agent(user, agent) -> list[DevelopmentReview]:
    """The agent page's panel: the agent's reviews the user may see, newest first."""
    return list(with_step_counts(reviews_visible_to(user).filter(agent=agent)).order_by("-period", "pk")[:6])


def periods_in_use() -> list[str]:
    return list(DevelopmentReview.objects.order_by("-period").values_list("period", flat=True).distinct()[:12])
