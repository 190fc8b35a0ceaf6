"""Writes of development reviews: scheduling (one agent, or every active agent for the half-year),
recording the conversation, the agreed next steps, and the daily reminders.

A half-year is written '2026-H2'; by default a review is due on the 15th of the half-year's last
month (15 June, 15 December) and its reviewer is the agent's team's supervisor. Who may write is
coaching/permissions/reviews.py (`require_writer`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Agent
from qa_platform.errors import IllegalTransition
from qa_platform.links import absolute_url

from ..models import DevelopmentReview, ReviewStatus, ReviewStep
from ..permissions.reviews import ONLY_WRITERS, access_for, require_writer
from ..selectors.reviews import PERIOD_RE

REMIND_DAYS = 7
UNSET = object()
TEXT_FIELDS = ("interests", "skills", "career_direction", "summary")


# --- half-years ------------------------------------------------------------------------------


def half_year_of(day: dt.date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def half_year_bounds(period: str) -> tuple[dt.date, dt.date]:
    """'2026-H2' → (2026-07-01, 2026-12-31); ValidationError on the period field otherwise."""
    match = PERIOD_RE.match(period or "")
    if not match or not 2000 <= int(match[1]) <= 2100:
        raise ValidationError({"period": _("Write the half-year as 2026-H1 or 2026-H2.")})
    year, half = int(match[1]), int(match[2])
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def default_due(period: str) -> dt.date:
    """The 15th of the half-year's last month."""
    _start, end = half_year_bounds(period)
    return end.replace(day=15)


def _due_in(period: str, due_on: dt.date | None) -> dt.date:
    start, end = half_year_bounds(period)
    if due_on is None:
        return default_due(period)
    if not start <= due_on <= end:
        raise ValidationError(
            {
                "due_on": _("The due date falls in the half-year %(period)s (%(start)s – %(end)s).")
                % {"period": period, "start": start.isoformat(), "end": end.isoformat()}
            }
        )
    return due_on


def default_reviewer(agent: Agent, fallback):
    """The agent's team's first supervisor who is not the agent; else `fallback`."""
    own_user = getattr(agent, "user_id", None)
    supervisors = [s for s in agent.team.supervisors.all() if s.pk != own_user]
    return min(supervisors, key=lambda s: s.pk) if supervisors else fallback


def _reviewer(reviewer, agent: Agent):
    """The reviewer must be someone who may write the agent's review."""
    if reviewer is None or not access_for(reviewer).writes_for(agent):
        raise ValidationError(
            {"reviewer": _("The reviewer is one of the agent's supervisors, a trainer or a manager (not the agent).")}
        )
    return reviewer


def _text(value: str, field: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


# --- scheduling --------------------------------------------------------------------------------


@transaction.atomic
def review_schedule(
    *, by, agent: Agent, period: str, due_on: dt.date | None = None, reviewer=None
) -> DevelopmentReview:
    """Schedule the agent's review for the half-year (one per agent and half-year: a second is
    a 409 naming the first). Reviewer: given, else the team's supervisor, else `by`."""
    require_writer(by, agent)
    due = _due_in(period, due_on)
    reviewer = _reviewer(reviewer or default_reviewer(agent, by), agent)
    existing = DevelopmentReview.objects.filter(agent=agent, period=period).first()
    if existing is not None:
        raise IllegalTransition(
            _("%(agent)s already has a development review for %(period)s.") % {"agent": agent.name, "period": period},
            details={"existing_review": {"id": existing.pk, "period": existing.period}},
        )
    return DevelopmentReview.objects.create(agent=agent, period=period, reviewer=reviewer, due_on=due)


@transaction.atomic
def reviews_schedule_half_year(*, by, period: str | None = None, due_on: dt.date | None = None) -> int:
    """A review for every active agent `by` may write for who has none for the half-year (this
    one by default), due on `due_on` (default: the 15th of its last month). Returns how many."""
    period = period or half_year_of(timezone.localdate())
    due = _due_in(period, due_on)
    access = access_for(by)
    if not access.writes:
        raise PermissionDenied(str(ONLY_WRITERS))
    agents = Agent.objects.filter(active=True).exclude(development_reviews__period=period)
    if not access.wide:
        agents = agents.filter(team_id__in=access.team_ids)
    if access.agent_id is not None:
        agents = agents.exclude(pk=access.agent_id)
    rows = [
        DevelopmentReview(agent=agent, period=period, reviewer=default_reviewer(agent, by), due_on=due)
        for agent in agents.select_related("team").prefetch_related("team__supervisors")
    ]
    DevelopmentReview.objects.bulk_create(rows)
    return len(rows)


# --- recording ---------------------------------------------------------------------------------


@transaction.atomic
def review_update(
    *,
    by,
    review: DevelopmentReview,
    reviewer=UNSET,
    due_on=UNSET,
    held_on=UNSET,
    interests=UNSET,
    skills=UNSET,
    career_direction=UNSET,
    summary=UNSET,
) -> DevelopmentReview:
    """Change what is given. A held-on date records the conversation (status held), and then
    something must be written down; clearing it makes the review scheduled again."""
    require_writer(by, review)
    if reviewer is not UNSET:
        review.reviewer = _reviewer(reviewer, review.agent)
    if due_on is not UNSET:
        review.due_on = _due_in(review.period, due_on)
    for name, value in zip(TEXT_FIELDS, (interests, skills, career_direction, summary), strict=True):
        if value is not UNSET:
            setattr(review, name, _text(value, name, max_length=10000))
    if held_on is not UNSET:
        if held_on is not None and held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A review is recorded once it has been held (not a future date).")})
        review.held_on = held_on
    review.status = ReviewStatus.HELD if review.held_on else ReviewStatus.SCHEDULED
    if review.status == ReviewStatus.HELD and not any(getattr(review, name) for name in TEXT_FIELDS):
        raise ValidationError(
            {"summary": _("Write down what was said: interests, skills, career direction or a summary.")}
        )
    review.save()
    return review


@transaction.atomic
def review_delete(*, by, review: DevelopmentReview) -> None:
    """Cancel a scheduled review; a held one is kept (it is the agent's record)."""
    require_writer(by, review)
    if review.status == ReviewStatus.HELD:
        raise IllegalTransition(_("A review that was held is the agent's record and is kept."))
    review.delete()


# --- next steps --------------------------------------------------------------------------------


def _step_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the next step.")})
    if len(text) > 255:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": 255}})
    return text


@transaction.atomic
def step_add(*, by, review: DevelopmentReview, text: str, due_on: dt.date) -> ReviewStep:
    require_writer(by, review)
    if due_on is None:
        raise ValidationError({"due_on": _("Give the step a due date.")})
    return ReviewStep.objects.create(review=review, text=_step_text(text), due_on=due_on)


@transaction.atomic
def step_update(*, by, step: ReviewStep, text=UNSET, due_on=UNSET, done=UNSET) -> ReviewStep:
    """Change the step; `done=True` marks it done today (False: not done)."""
    require_writer(by, step.review)
    if text is not UNSET:
        step.text = _step_text(text)
    if due_on is not UNSET:
        if due_on is None:
            raise ValidationError({"due_on": _("Give the step a due date.")})
        if due_on != step.due_on:
            step.reminded_at = None  # a new date earns a new reminder
        step.due_on = due_on
    if done is not UNSET:
        step.done_on = (step.done_on or timezone.localdate()) if done else None
    step.save()
    return step


@transaction.atomic
def step_delete(*, by, step: ReviewStep) -> None:
    require_writer(by, step.review)
    step.delete()


# --- reminders ---------------------------------------------------------------------------------


def review_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each reviewer, once per review and once per next step, about reviews due within
    REMIND_DAYS days or overdue and next steps due within REMIND_DAYS days or overdue (one mail
    per reviewer). Returns the number of reviews and steps reminded."""
    now = now or timezone.now()
    horizon = timezone.localtime(now).date() + dt.timedelta(days=REMIND_DAYS)
    reviews = list(
        DevelopmentReview.objects.filter(
            status=ReviewStatus.SCHEDULED, reminded_at__isnull=True, due_on__lte=horizon
        ).select_related("agent", "reviewer")[:500]
    )
    steps = list(
        ReviewStep.objects.filter(
            review__status=ReviewStatus.HELD, done_on__isnull=True, reminded_at__isnull=True, due_on__lte=horizon
        ).select_related("review__agent", "review__reviewer")[:500]
    )
    lines: dict[int, list[str]] = defaultdict(list)
    reviewers = {}
    for review in reviews:
        reviewers[review.reviewer_id] = review.reviewer
        link = absolute_url(reverse("coaching-review-detail", args=[review.pk]))
        lines[review.reviewer_id].append(
            _("- Development review of %(agent)s (%(period)s), due %(due)s: %(link)s")
            % {"agent": review.agent.name, "period": review.period, "due": review.due_on.isoformat(), "link": link}
        )
    for step in steps:
        review = step.review
        reviewers[review.reviewer_id] = review.reviewer
        link = absolute_url(reverse("coaching-review-detail", args=[review.pk]))
        lines[review.reviewer_id].append(
            _("- Next step for %(agent)s, due %(due)s: %(step)s — %(link)s")
            % {"agent": review.agent.name, "due": step.due_on.isoformat(), "step": step.text, "link": link}
        )
    messages = []
    for reviewer_id, items in lines.items():
        email = reviewers[reviewer_id].email
        if email:
            body = _("Development reviews and next steps due within %(n)s days or overdue:\n\n%(items)s") % {
                "n": REMIND_DAYS,
                "items": "\n".join(items),
            }
            messages.append((_("Development reviews due"), body, settings.DEFAULT_FROM_EMAIL, [email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    DevelopmentReview.objects.filter(pk__in=[r.pk for r in reviews]).update(reminded_at=now)
    ReviewStep.objects.filter(pk__in=[s.pk for s in steps]).update(reminded_at=now)
    return len(reviews) + len(steps)


def writer_choices() -> list:
    """Everyone who may be a reviewer somewhere (supervisors, trainers, managers), by name."""
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name__in=("supervisor", "trainer", "manager"))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
