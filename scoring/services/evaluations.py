"""The evaluation lifecycle up to the agent's answer, once started (`start`): autosave, submit,
deliver feedback, acknowledge. Disputes are in `disputes`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Assignment, AssignmentStatus
from qa_platform.errors import IllegalTransition

from .. import formula, permissions
from ..models import Evaluation, Kind, Status
from .answers import AnswerInput, apply_score, missing_loss_comments, score_afresh, write_answers
from .calibration import require_session_scoring


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
        require_session_scoring(evaluation)
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
        require_session_scoring(evaluation)
        if answers:
            write_answers(evaluation, answers)
        if summary is not None:
            evaluation.summary = summary[:10000]
        fresh, result = score_afresh(evaluation)
        # An evaluation that is not complete yet cannot be submitted (409: its state, not the
        # request, is what is missing); each criterion still open is named.
        if result.unanswered:
            texts = {c.id: c.text for s in fresh.version.specs() for c in s.criteria}
            raise IllegalTransition(
                _("Answer every criterion before submitting."),
                details={
                    f"criterion.{cid}": [_("'%(t)s' is not answered.") % {"t": texts[cid]}] for cid in result.unanswered
                },
            )
        if result.total is None:
            all_na = _("At least one criterion must be answered (not all N/A).")
            raise IllegalTransition(all_na, details={"answers": [all_na]})
        uncommented = missing_loss_comments(fresh, result)
        if uncommented:
            raise IllegalTransition(_("Explain each lost point that needs a comment."), details=uncommented)
        now = timezone.now()
        apply_score(evaluation, result)
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
