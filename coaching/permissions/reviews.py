"""Who may do what with development reviews: each rule once, asked by the pages, the API and the
services alike.

- Reading the record that a review exists (agent, half-year, reviewer, due, held on, status):
  managers and trainers all; supervisors their teams' agents; the agent their own; HR all.
- Reading what it says (interests, skills, career direction, summary, next steps): the same
  people except HR — HR sees that a review happened, never its text, on no page and in no API
  field. QA and admins as such see no reviews (a development conversation is not QA data).
- Writing (scheduling, recording, next steps): the agent's supervisors, trainers, managers —
  never about themselves. The agent reads their own and cannot edit it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from monitoring.selectors import led_team_ids
from qa_platform.roles import AGENT, HR, MANAGER, SUPERVISOR, TRAINER, has_role, user_roles

REVIEW_ROLES = (AGENT, SUPERVISOR, TRAINER, MANAGER, HR)
REVIEW_WRITER_ROLES = (SUPERVISOR, TRAINER, MANAGER)
# Who reads every review's text.
REVIEW_WIDE_ROLES = (TRAINER, MANAGER)

NO_REVIEWS = _("Your role does not give access to development reviews.")
ONLY_WRITERS = _("Development reviews are written by the agent's supervisors, trainers and managers.")
NOT_OWN = _("Nobody writes their own development review.")


@dataclass(frozen=True)
class ReviewAccess:
    """What one user may do with reviews, worked out once (one query for a supervisor's teams)
    and asked per review without further queries."""

    user_id: int | None
    wide: bool  # trainer or manager: every review, text included
    writes: bool  # holds a writer role
    team_ids: frozenset[int]  # teams led as a supervisor
    agent_id: int | None  # the user's own agent record
    hr: bool

    def sees(self, review_or_agent) -> bool:
        agent = _agent(review_or_agent)
        return self.wide or self.hr or agent.team_id in self.team_ids or agent.pk == self.agent_id

    def reads_text(self, review) -> bool:
        """Interests, skills, direction, summary and steps: never HR (as HR)."""
        agent = review.agent
        return self.wide or agent.team_id in self.team_ids or agent.pk == self.agent_id

    def writes_for(self, review_or_agent) -> bool:
        agent = _agent(review_or_agent)
        if not self.writes or agent.pk == self.agent_id:
            return False
        return self.wide or agent.team_id in self.team_ids


def _agent(review_or_agent):
    return getattr(review_or_agent, "agent", None) or review_or_agent


def access_for(user) -> ReviewAccess:
    cached = getattr(user, "_review_access", None)
    if cached is not None:
        return cached
    roles = user_roles(user)
    authenticated = getattr(user, "is_authenticated", False)
    own = getattr(user, "agent", None) if authenticated else None
    teams = (
        frozenset(led_team_ids(user).values_list("team_id", flat=True))
        if SUPERVISOR in roles and authenticated
        else frozenset()
    )
    access = ReviewAccess(
        user_id=user.pk if authenticated else None,
        wide=bool(roles & set(REVIEW_WIDE_ROLES)),
        writes=bool(roles & set(REVIEW_WRITER_ROLES)),
        team_ids=teams,
        agent_id=own.pk if own is not None else None,
        hr=HR in roles,
    )
    if authenticated:
        user._review_access = access
    return access


def can_open_reviews(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *REVIEW_ROLES))


def can_write_reviews(user) -> bool:
    return has_role(user, *REVIEW_WRITER_ROLES)


def reads_any_text(user) -> bool:
    """Whether the user may read any review's text at all (HR alone: no)."""
    access = access_for(user)
    return access.wide or bool(access.team_ids) or access.agent_id is not None


def require_writer(user, review_or_agent) -> None:
    access = access_for(user)
    if access.writes and _agent(review_or_agent).pk == access.agent_id:
        raise PermissionDenied(str(NOT_OWN))
    if not access.writes_for(review_or_agent):
        raise PermissionDenied(str(ONLY_WRITERS))


# --- the same rules for DRF ---------------------------------------------------------------------


class CanOpenReviews(BasePermission):
    message = NO_REVIEWS

    def has_permission(self, request, view) -> bool:
        return can_open_reviews(request.user)


class CanWriteReview(BasePermission):
    """Writes: the agent's supervisors, trainers, managers (reads: `reviews_visible_to`)."""

    message = ONLY_WRITERS

    def has_permission(self, request, view) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or can_write_reviews(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        access = access_for(request.user)
        if access.writes and _agent(obj).pk == access.agent_id:
            self.message = NOT_OWN
        return access.writes_for(obj)
