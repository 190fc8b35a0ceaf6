"""Routing a dispute to an independent reviewer (DESIGN.md §4, issue 9).

A level-1 dispute goes, as a `DISPUTE_REVIEW` assignment, to a QA user who had no hand in the
call: not its evaluator, not its agent, nobody holding another assignment or an evaluation of
it. Among them a CALIBRATED one comes first — someone who submitted scores in a calibration
session closed within `CalibrationPolicy.calibrated_within_days` — then whoever has the fewest
open assignments. When nobody calibrated is eligible, any eligible QA user; when nobody at all,
no reviewer: a manager decides the dispute directly (the flow before routing).

The reviewer scores the call blind (a `Kind.REVIEW` evaluation started from the assignment:
`start.evaluation_start_from_assignment`), then decides (`disputes.evaluation_resolve_dispute`).
Until the re-score is submitted a manager may hand it to another eligible reviewer
(`dispute_reassign_reviewer`). Normal sampling and its routing stay in planning; scoring writes
only these assignments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus
from qa_platform.errors import IllegalTransition
from qa_platform.roles import QA

from .. import permissions
from ..models import (
    SCORED,
    CalibrationPolicy,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    SessionStatus,
)


@dataclass(frozen=True)
class Candidate:
    user: object
    calibrated: bool
    open_assignments: int

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def calibrated_user_ids(*, at: dt.datetime | None = None, policy: CalibrationPolicy | None = None):
    """A subquery of the users who submitted scores in a calibration session closed within the
    policy's `calibrated_within_days` before `at` (default now)."""
    at = at or timezone.now()
    policy = policy or CalibrationPolicy.current()
    since = at - dt.timedelta(days=policy.calibrated_within_days)
    return Evaluation.objects.filter(
        kind=Kind.CALIBRATION,
        status__in=SCORED,
        calibration_item__session__status=SessionStatus.CLOSED,
        calibration_item__session__closed_at__gte=since,
        calibration_item__session__closed_at__lte=at,
    ).values("evaluator_id")


def is_calibrated(user_id: int | None, *, at: dt.datetime | None = None) -> bool:
    return user_id is not None and calibrated_user_ids(at=at).filter(evaluator_id=user_id).exists()


def eligible_reviewers(evaluation: Evaluation) -> list[Candidate]:
    """Who may re-score `evaluation`'s call, best first: calibrated, then fewest open
    assignments, then by username. One query."""
    User = get_user_model()
    call_id = evaluation.call_id
    agent_user_id = evaluation.agent.user_id if evaluation.agent_id else None
    qs = (
        User.objects.filter(is_active=True, groups__name=QA)
        .exclude(pk=evaluation.evaluator_id)
        .exclude(Exists(Assignment.objects.filter(call_id=call_id, evaluator=OuterRef("pk"))))
        .exclude(Exists(Evaluation.objects.filter(call_id=call_id, evaluator=OuterRef("pk"))))
        .exclude(Exists(Dispute.objects.filter(evaluation__call_id=call_id, reviewer=OuterRef("pk"))))
        .annotate(
            is_calibrated=Exists(calibrated_user_ids().filter(evaluator_id=OuterRef("pk"))),
            open_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.OPEN), distinct=True),
        )
        .distinct()
    )
    if agent_user_id is not None:
        qs = qs.exclude(pk=agent_user_id)
    rows = sorted(qs, key=lambda u: (not u.is_calibrated, u.open_count, u.username))
    return [Candidate(user=u, calibrated=u.is_calibrated, open_assignments=u.open_count) for u in rows]


def choose_reviewer(evaluation: Evaluation) -> Candidate | None:
    """The reviewer a new dispute of `evaluation` goes to, or None when nobody is eligible."""
    candidates = eligible_reviewers(evaluation)
    return candidates[0] if candidates else None


def _assign(dispute: Dispute, reviewer, *, now: dt.datetime, by=None) -> Assignment:
    hours = CalibrationPolicy.current().dispute_review_hours
    today = timezone.localdate(now)
    assignment = Assignment.objects.create(
        call_id=dispute.evaluation.call_id,
        evaluator=reviewer,
        evaluator_role=QA,
        reason=AssignmentReason.DISPUTE_REVIEW,
        period_start=today - dt.timedelta(days=today.weekday()),
        due_at=now + dt.timedelta(hours=hours),
        created_by=by,
    )
    dispute.reviewer = reviewer
    dispute.review = None
    dispute.review_due_at = assignment.due_at
    return assignment


def dispute_route(*, dispute: Dispute, now: dt.datetime | None = None) -> Assignment | None:
    """Route a new level-1 dispute to its reviewer (inside the caller's transaction); None when
    nobody is eligible and a manager decides it. Saves the dispute."""
    now = now or timezone.now()
    candidate = choose_reviewer(dispute.evaluation)
    if candidate is None:
        return None
    assignment = _assign(dispute, candidate.user, now=now)
    dispute.save(update_fields=["reviewer", "review", "review_due_at"])
    return assignment


def review_assignment(dispute: Dispute) -> Assignment | None:
    """The reviewer's (not cancelled) re-score assignment of the dispute's call."""
    if dispute.reviewer_id is None:
        return None
    return (
        Assignment.objects.filter(
            call_id=dispute.evaluation.call_id,
            evaluator_id=dispute.reviewer_id,
            reason=AssignmentReason.DISPUTE_REVIEW,
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .first()
    )


def calibrated_when_routed(disputes) -> dict[int, bool]:
    """Dispute id → whether its reviewer counted as calibrated when the re-score was routed to
    them (disputes without a reviewer are left out). Read from the data rather than stored:
    sessions closed later do not change it. Two queries whatever the number of disputes."""
    routed = [d for d in disputes if d.reviewer_id is not None]
    if not routed:
        return {}
    pairs = {(d.evaluation.call_id, d.reviewer_id) for d in routed}
    assigned = {}
    for call_id, evaluator_id, created_at in Assignment.objects.filter(
        reason=AssignmentReason.DISPUTE_REVIEW,
        call_id__in={c for c, _u in pairs},
        evaluator_id__in={u for _c, u in pairs},
    ).values_list("call_id", "evaluator_id", "created_at"):
        assigned[(call_id, evaluator_id)] = created_at
    days = dt.timedelta(days=CalibrationPolicy.current().calibrated_within_days)
    closed: dict[int, list[dt.datetime]] = {}
    for evaluator_id, closed_at in Evaluation.objects.filter(
        kind=Kind.CALIBRATION,
        status__in=SCORED,
        evaluator_id__in={d.reviewer_id for d in routed},
        calibration_item__session__status=SessionStatus.CLOSED,
        calibration_item__session__closed_at__isnull=False,
    ).values_list("evaluator_id", "calibration_item__session__closed_at"):
        closed.setdefault(evaluator_id, []).append(closed_at)
    out = {}
    for d in routed:
        at = assigned.get((d.evaluation.call_id, d.reviewer_id), d.raised_at)
        out[d.pk] = any(at - days <= when <= at for when in closed.get(d.reviewer_id, ()))
    return out


def reviewer_was_calibrated(dispute: Dispute) -> bool | None:
    """Whether the reviewer counted as calibrated when the dispute was routed to them (None: no
    reviewer)."""
    return calibrated_when_routed([dispute]).get(dispute.pk)


def dispute_link_review(*, assignment: Assignment, evaluation: Evaluation) -> Dispute:
    """Tie a just-started re-score to its dispute (inside the caller's transaction). If planning
    handed the assignment to someone else, the dispute's reviewer follows it."""
    dispute = (
        Dispute.objects.select_for_update()
        .filter(evaluation__call_id=assignment.call_id, level=1, status=DisputeStatus.OPEN)
        .first()
    )
    if dispute is None:
        raise IllegalTransition(_("This dispute has been decided already; there is nothing to re-score."))
    dispute.reviewer_id = assignment.evaluator_id
    dispute.review = evaluation
    dispute.review_due_at = assignment.due_at
    dispute.save(update_fields=["reviewer", "review", "review_due_at"])
    return dispute


def dispute_reassign_reviewer(*, dispute: Dispute, to, by) -> Dispute:
    """A manager hands an open level-1 dispute's re-score to another eligible reviewer (before the
    re-score is submitted). The old assignment is cancelled and an unsubmitted re-score
    discarded (its answers stay in history); the new reviewer starts blind."""
    evaluation = dispute.evaluation
    if not permissions.can_reassign_reviewer(evaluation, by):
        raise PermissionDenied(permissions.ONLY_MANAGERS_REASSIGN)
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",)).select_related("evaluation", "review").get(pk=dispute.pk)
        )
        if dispute.status != DisputeStatus.OPEN or dispute.level != 1:
            raise IllegalTransition(_("Only an open first-level dispute is handed to another reviewer."))
        if dispute.review is not None and not dispute.review.is_draft:
            raise IllegalTransition(_("The re-score is already submitted: its reviewer decides the dispute."))
        eligible = {c.user.pk for c in eligible_reviewers(dispute.evaluation)}
        if to is None or to.pk not in eligible:
            raise ValidationError(
                {"reviewer": _("Choose a QA auditor who had no hand in this call (not its evaluator or agent).")}
            )
        old = review_assignment(dispute)
        if old is not None:
            old.status = AssignmentStatus.CANCELLED
            old._change_reason = f"dispute re-score handed to {to.username} by {by.username}"
            old.save(update_fields=["status"])
        if dispute.review is not None:
            dispute.review.delete()  # an unsubmitted draft: kept in history, never shown
        now = timezone.now()
        _assign(dispute, to, now=now, by=by)
        dispute.save(update_fields=["reviewer", "review", "review_due_at"])
    return dispute
