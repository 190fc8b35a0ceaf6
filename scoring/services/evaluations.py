"""The evaluation lifecycle up to the agent's answer: start (from a call or an assignment),
autosave, submit, deliver feedback, acknowledge. Disputes are in `disputes`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, Call
from monitoring.selectors import is_private_line
from qa_platform.errors import IllegalTransition

from .. import formula, permissions, selectors
from ..models import Evaluation, Kind, Method, ScorecardVersion, Status
from .answers import AnswerInput, score_afresh, write_answers
from .scorecards import current_version_for_call


def locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation's row, locked for the rest of the transaction."""
    return Evaluation.objects.select_for_update().select_related("version").get(pk=evaluation.pk)


def agent_answers(evaluation: Evaluation, *, status: str, stamp: str, refusal: str) -> Evaluation:
    """Record the agent's answer to delivered feedback, inside the caller's transaction: the
    evaluation moves to `status` with its `stamp` time set. Only feedback that has reached the
    agent is answered, once; otherwise IllegalTransition with `refusal` (which names the status
    as %(s)s)."""
    evaluation = locked(evaluation)
    if not evaluation.awaits_agent:
        raise IllegalTransition(refusal % {"s": evaluation.get_status_display()})
    evaluation.status = status
    setattr(evaluation, stamp, timezone.now())
    evaluation.save(update_fields=["status", stamp])
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
    """Open an evaluation of `call` by `by` (or return theirs if it exists).

    The caller has already checked that `by` may see the call. Nobody evaluates their own call
    except as a self-evaluation; calls on private lines are never monitored.
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
    existing = selectors.own_evaluation_of(call, by, kind=kind)
    if existing:
        return existing
    if assignment is None and kind == Kind.REGULAR:
        # Started from the call rather than the work queue: it still fulfils the evaluator's
        # open assignment of this call, so the assignment is closed on submit.
        assignment = (
            Assignment.objects.filter(call=call, evaluator=by, status=AssignmentStatus.OPEN, evaluation__isnull=True)
            .exclude(reason=AssignmentReason.DOUBLE_SCORING)
            .first()
        )
    version = version or current_version_for_call(call)
    now = timezone.now()
    try:
        with transaction.atomic():
            if assignment is not None:
                # The row lock a reassignment also takes: whoever comes second sees the other's
                # change (this refuses a call handed to someone else meanwhile).
                assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
                if assignment.evaluator_id != by.pk:
                    raise PermissionDenied(_("This assignment was handed to someone else."))
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
    except IntegrityError:  # a double click raced us: the other request created it
        return Evaluation.objects.get(call=call, evaluator=by, kind=kind)
    return evaluation


def evaluation_start_from_assignment(*, assignment: Assignment, by) -> Evaluation:
    if assignment.evaluator_id != by.pk:
        raise PermissionDenied(_("This assignment belongs to someone else."))
    if assignment.status == AssignmentStatus.CANCELLED:
        raise IllegalTransition(_("This assignment was cancelled."))
    existing = Evaluation.objects.filter(assignment=assignment).first()
    if existing:
        return existing
    # A double-scoring pick is a reliability check: it never counts toward the agent's
    # performance and is never delivered to the agent (DESIGN.md §4), so it is scored as a
    # calibration evaluation.
    kind = Kind.CALIBRATION if assignment.reason == AssignmentReason.DOUBLE_SCORING else Kind.REGULAR
    return evaluation_start(call=assignment.call, by=by, kind=kind, assignment=assignment)


def evaluation_save_draft(
    *, evaluation: Evaluation, by, answers: list[AnswerInput], summary: str | None = None
) -> formula.ScoreResult:
    """Autosave: store the answers given (others untouched); return the running score."""
    permissions.require(permissions.can_score, evaluation, by)
    with transaction.atomic():
        evaluation = locked(evaluation)
        if not evaluation.is_draft:
            raise IllegalTransition(
                _("This evaluation is %(s)s; a draft can no longer be saved.") % {"s": evaluation.get_status_display()}
            )
        write_answers(evaluation, answers)
        now = timezone.now()
        # An autosave that only moves the "saved at" time is not worth a history row (the
        # answers' own history records what changed); a status or summary change is.
        routine = evaluation.status == Status.IN_PROGRESS and (summary is None or summary[:10000] == evaluation.summary)
        evaluation.status = Status.IN_PROGRESS
        evaluation.started_at = evaluation.started_at or now
        evaluation.draft_saved_at = now
        fields = ["status", "started_at", "draft_saved_at"]
        if summary is not None:
            evaluation.summary = summary[:10000]
            fields.append("summary")
        evaluation.skip_history_when_saving = routine
        evaluation.save(update_fields=fields)
        del evaluation.skip_history_when_saving
        return score_afresh(evaluation)[1]


def evaluation_submit(
    *,
    evaluation: Evaluation,
    by,
    answers: list[AnswerInput] | None = None,
    summary: str | None = None,
    deliver_feedback: bool = True,
) -> Evaluation:
    """Submit: every criterion answered (a value, or N/A where allowed), the total computed.

    A regular evaluation's feedback is due FEEDBACK_SLA_HOURS later; with `deliver_feedback`
    (the default: the written evaluation is the feedback) it reaches the agent at once.
    """
    permissions.require(permissions.can_score, evaluation, by)
    with transaction.atomic():
        evaluation = locked(evaluation)
        if not evaluation.is_draft:
            raise IllegalTransition(_("This evaluation is already %(s)s.") % {"s": evaluation.get_status_display()})
        if answers:
            write_answers(evaluation, answers)
        if summary is not None:
            evaluation.summary = summary[:10000]
        fresh, result = score_afresh(evaluation)
        if result.unanswered:
            texts = {c.id: c.text for s in fresh.version.specs() for c in s.criteria}
            raise ValidationError(
                {f"criterion.{cid}": [_("'%(t)s' is not answered.") % {"t": texts[cid]}] for cid in result.unanswered}
            )
        if result.total is None:
            raise ValidationError({"answers": [_("At least one criterion must be answered (not all N/A).")]})
        now = timezone.now()
        evaluation.total = result.total
        evaluation.critical_failed = result.critical_failed
        evaluation.submitted_at = now
        evaluation.status = Status.SUBMITTED
        if evaluation.kind == Kind.REGULAR:
            evaluation.feedback_due_at = now + dt.timedelta(hours=settings.FEEDBACK_SLA_HOURS)
            if deliver_feedback:
                _mark_delivered(evaluation, by=by, at=now)
        evaluation.save()
        if evaluation.assignment_id:
            assignment = Assignment.objects.select_for_update().get(pk=evaluation.assignment_id)
            assignment.status = AssignmentStatus.DONE
            assignment.completed_at = now
            assignment.save(update_fields=["status", "completed_at"])  # kept in the assignment's history
    return evaluation


def _mark_delivered(evaluation: Evaluation, *, by, at) -> None:
    """Feedback reached the agent (on submit, or recorded later): it is theirs to read and answer."""
    evaluation.status = Status.FEEDBACK_DELIVERED
    evaluation.feedback_delivered_at = at
    evaluation.feedback_delivered_by = by


def evaluation_deliver_feedback(*, evaluation: Evaluation, by) -> Evaluation:
    """The evaluator, the agent's supervisor or a manager records that feedback reached the agent."""
    permissions.require(permissions.can_deliver_feedback, evaluation, by)
    with transaction.atomic():
        evaluation = locked(evaluation)
        if not evaluation.awaits_feedback:
            raise IllegalTransition(_("Feedback is delivered once, on a submitted regular evaluation."))
        _mark_delivered(evaluation, by=by, at=timezone.now())
        evaluation.save(update_fields=["status", "feedback_delivered_at", "feedback_delivered_by"])
    return evaluation


def evaluation_acknowledge(*, evaluation: Evaluation, by) -> Evaluation:
    """The evaluated agent confirms having received delivered feedback."""
    permissions.require(permissions.can_acknowledge, evaluation, by)
    refusal = _("Only delivered feedback can be acknowledged (this evaluation is %(s)s).")
    with transaction.atomic():
        return agent_answers(evaluation, status=Status.ACKNOWLEDGED, stamp="acknowledged_at", refusal=refusal)
