"""Starting an evaluation: ad hoc from a call, or from an assignment in the work queue.

A call has at most one regular evaluation (DESIGN.md §3: a call counts once toward the agent's
performance; the database constraint `evaluation_one_regular_per_call` holds it). Starting a
regular evaluation of a call therefore ends in one of four ways:

- the evaluator already has one (a draft re-opened, a double click, a page reloaded): it is
  returned, not created (`created` is False: the API answers 200, the page goes to it);
- the evaluator holds an open double-scoring assignment of the call: they score that blind
  second copy, a calibration evaluation that never counts and never reaches the agent; or an
  open dispute re-score assignment: they score the blind review of the dispute (`Kind.REVIEW`,
  tied to the dispute as `Dispute.review`), which never counts or reaches the agent either;
- someone else has the call's regular evaluation, or holds its open primary assignment:
  refused with `IllegalTransition` (409) naming that evaluation or assignment. Managers too —
  a manager who wants the call reassigns the assignment to themselves first (planning's
  reassignment, before scoring starts), so the work queue, the load figures and the history
  keep saying who scores it;
- otherwise a new evaluation (`created` True: 201), which fulfils the evaluator's own open
  assignment of the call if they hold one.

Two starts at once can both pass those checks; the constraint lets one insert win and the other,
inside a savepoint, reads the winner: the same evaluator's (200) or someone else's (409). Self-
evaluations and calibrations are their own kinds and are started beside a regular evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.models import SECONDARY_REASONS, Assignment, AssignmentReason, AssignmentStatus, Call
from monitoring.selectors import is_private_line
from qa_platform.errors import IllegalTransition, is_lost_race

from .. import permissions, selectors
from ..models import Evaluation, Kind, Method, ScorecardVersion, Status
from .auto_answers import prefill_auto_answers
from .dispute_review import dispute_link_review
from .scorecards import current_version_for_call


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class StartConflict:
    """What makes a call someone else's to score: their regular evaluation of it, or (before they
    start) their open assignment of it."""

    evaluation: Evaluation | None = None
    assignment: Assignment | None = None

    @property
    def message(self) -> str:
        if self.evaluation is not None:
            ev = self.evaluation
            return _(
                "This call already has a regular evaluation: #%(id)s by %(evaluator)s (%(status)s). A call counts "
                "once toward the agent's performance; a second opinion is double scoring or calibration."
            ) % {"id": ev.pk, "evaluator": _person(ev.evaluator), "status": ev.get_status_display()}
        a = self.assignment
        return _(
            "This call is assigned to %(evaluator)s (assignment #%(id)s, due %(due)s). Ask a manager or the "
            "agent's supervisor to reassign it to you before you score it."
        ) % {
            "id": a.pk,
            "evaluator": _person(a.evaluator),
            "due": formats.date_format(timezone.localtime(a.due_at), "SHORT_DATETIME_FORMAT"),
        }

    @property
    def details(self) -> dict:
        """What the API answers beside the message, for a client to open or show it."""
        if self.evaluation is not None:
            ev = self.evaluation
            return {"existing_evaluation": {"id": ev.pk, "evaluator": ev.evaluator.username, "status": ev.status}}
        a = self.assignment
        return {"assignment": {"id": a.pk, "evaluator": a.evaluator.username, "due_at": a.due_at.isoformat()}}

    def error(self) -> IllegalTransition:
        return IllegalTransition(self.message, details=self.details)


def regular_start_conflict(*, call: Call, by) -> StartConflict | None:
    """Why `by` may not start a regular evaluation of `call` because it is someone else's work
    (their regular evaluation, else their open primary assignment), or None. The start page
    asks it too, to show the refusal before the form."""
    evaluation = (
        Evaluation.objects.filter(call=call, kind=Kind.REGULAR)
        .exclude(evaluator=by)
        .select_related("evaluator")
        .first()
    )
    if evaluation is not None:
        return StartConflict(evaluation=evaluation)
    assignment = (
        Assignment.objects.filter(call=call, status=AssignmentStatus.OPEN)
        .exclude(reason__in=SECONDARY_REASONS)
        .exclude(evaluator=by)
        .select_related("evaluator")
        .first()
    )
    return StartConflict(assignment=assignment) if assignment is not None else None


def open_double_scoring_assignment(*, call: Call, by) -> Assignment | None:
    """`by`'s open double-scoring assignment of `call`: what a regular start of it opens instead."""
    return Assignment.objects.filter(
        call=call, evaluator=by, status=AssignmentStatus.OPEN, reason=AssignmentReason.DOUBLE_SCORING
    ).first()


# The kind of evaluation each second-look assignment is scored as: never counted, never delivered.
SECONDARY_KINDS = {AssignmentReason.DOUBLE_SCORING: Kind.CALIBRATION, AssignmentReason.DISPUTE_REVIEW: Kind.REVIEW}


def open_secondary_assignment(*, call: Call, by) -> Assignment | None:
    """`by`'s open double-scoring or dispute re-score assignment of `call`: what a regular start
    of it opens instead (blind: the call's other evaluations stay out of sight)."""
    return Assignment.objects.filter(
        call=call, evaluator=by, status=AssignmentStatus.OPEN, reason__in=list(SECONDARY_KINDS)
    ).first()


def evaluation_get_or_start(
    *,
    call: Call,
    by,
    method: str = Method.RECORDING,
    kind: str = Kind.REGULAR,
    assignment: Assignment | None = None,
    version: ScorecardVersion | None = None,
) -> tuple[Evaluation, bool]:
    """`by`'s evaluation of `call`: their existing one, or a new one; and whether it was created.

    The caller has already checked that `by` may see the call. Nobody evaluates their own call
    except as a self-evaluation; calls on private lines are never monitored; a call that is
    someone else's work is refused with the reason (see the module's docstring).
    """
    if method not in Method.values:
        raise ValidationError({"method": _("Unknown method '%(m)s'.") % {"m": method}})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind '%(k)s'.") % {"k": kind}})
    refusal = permissions.start_refusal(by, call=call, kind=kind)
    if refusal:
        raise PermissionDenied(refusal)
    if kind == Kind.SELF:
        role, method = "agent", Method.SELF
    else:
        role = permissions.evaluator_role_for(by)
    if is_private_line(call.line):
        raise ValidationError({"call": _("This call is on a private line, which is never monitored.")})
    if kind == Kind.REGULAR and assignment is None:
        secondary = open_secondary_assignment(call=call, by=by)
        if secondary is not None:
            kind, assignment = SECONDARY_KINDS[secondary.reason], secondary
    existing = selectors.own_evaluation_of(call, by, kind=kind)
    if existing:
        return existing, False
    if kind == Kind.REGULAR:
        conflict = regular_start_conflict(call=call, by=by)
        if conflict is not None:
            raise conflict.error()
        if assignment is None:
            # Started from the call rather than the work queue: it still fulfils the evaluator's
            # open assignment of this call, so the assignment is closed on submit.
            assignment = (
                Assignment.objects.filter(
                    call=call, evaluator=by, status=AssignmentStatus.OPEN, evaluation__isnull=True
                )
                .exclude(reason__in=SECONDARY_REASONS)
                .first()
            )
    if kind == Kind.REVIEW and version is None:
        # A dispute's re-score is scored on the disputed evaluation's scorecard version, so the
        # two compare criterion by criterion.
        disputed = Evaluation.objects.filter(call=call, kind=Kind.REGULAR).select_related("version").first()
        version = disputed.version if disputed is not None else None
    version = version or current_version_for_call(call)
    try:
        evaluation = _create(
            call=call, by=by, role=role, method=method, kind=kind, assignment=assignment, version=version
        )
    except IntegrityError as exc:
        # Another start won the race (a double click, or two people at once): read the winner.
        if not is_lost_race(exc):
            raise
        existing = selectors.own_evaluation_of(call, by, kind=kind)
        if existing:
            return existing, False
        conflict = regular_start_conflict(call=call, by=by) if kind == Kind.REGULAR else None
        if conflict is None:
            raise
        raise conflict.error() from None
    return evaluation, True


def _create(*, call, by, role, method, kind, assignment, version) -> Evaluation:
    """The insert, in its own savepoint, so a lost race leaves the caller's transaction usable."""
    now = timezone.now()
    with transaction.atomic():
        if assignment is not None:
            # The row lock a reassignment also takes: whoever comes second sees the other's
            # change (this refuses a call handed to someone else meanwhile).
            assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
            if assignment.evaluator_id != by.pk:
                raise PermissionDenied(_("This assignment was handed to someone else."))
            if assignment.status != AssignmentStatus.OPEN and kind == Kind.REVIEW:
                raise IllegalTransition(_("This re-score assignment is no longer open."))
            if assignment.started_at is None:
                # Written down in monitoring (with history), so a reassignment knows scoring began.
                assignment.started_at = now
                assignment.save(update_fields=["started_at"])
        evaluation = Evaluation.objects.create(
            call=call,
            agent_id=call.agent_id,
            evaluator=by,
            evaluator_role=role,
            method=method,
            kind=kind,
            version=version,
            assignment=assignment,
            status=Status.IN_PROGRESS,
            started_at=now,
        )
        if kind == Kind.REVIEW and assignment is not None:
            dispute_link_review(assignment=assignment, evaluation=evaluation)
        if kind == Kind.REGULAR:
            prefill_auto_answers(evaluation)
        return evaluation


def evaluation_start(
    *,
    call: Call,
    by,
    method: str = Method.RECORDING,
    kind: str = Kind.REGULAR,
    assignment: Assignment | None = None,
    version: ScorecardVersion | None = None,
) -> Evaluation:
    """Open an evaluation of `call` by `by` (or return theirs if it exists): `evaluation_get_or_start`
    without the "created"."""
    evaluation, _created = evaluation_get_or_start(
        call=call, by=by, method=method, kind=kind, assignment=assignment, version=version
    )
    return evaluation


def evaluation_start_from_assignment(*, assignment: Assignment, by) -> Evaluation:
    if assignment.evaluator_id != by.pk:
        raise PermissionDenied(_("This assignment belongs to someone else."))
    if assignment.status == AssignmentStatus.CANCELLED:
        raise IllegalTransition(_("This assignment was cancelled."))
    existing = Evaluation.objects.filter(assignment=assignment).first()
    if existing:
        return existing
    # A double-scoring pick is a reliability check, a dispute's re-score an independent second
    # opinion: neither counts toward the agent's performance nor reaches the agent (DESIGN.md
    # §4), so they are scored as a calibration and a review evaluation.
    kind = SECONDARY_KINDS.get(assignment.reason, Kind.REGULAR)
    return evaluation_start(call=assignment.call, by=by, kind=kind, assignment=assignment)
