"""Disputes: the evaluated agent disputes delivered feedback; QA or a manager who did not score
it upholds the score or adjusts the answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_platform.errors import IllegalTransition

from .. import permissions
from ..models import Dispute, DisputeStatus, Evaluation, Status
from .answers import AnswerInput, score_afresh, write_answers
from .evaluations import agent_answers, locked


def evaluation_dispute(*, evaluation: Evaluation, by, reason: str) -> Dispute:
    """The evaluated agent disputes delivered feedback, saying why."""
    permissions.require(permissions.can_dispute, evaluation, by)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Say why you dispute this score (at least 10 characters).")})
    refusal = _("Only delivered feedback can be disputed, and only once (this evaluation is %(s)s).")
    with transaction.atomic():
        evaluation = agent_answers(evaluation, status=Status.DISPUTED, stamp="disputed_at", refusal=refusal)
        return Dispute.objects.create(
            evaluation=evaluation, raised_by=by, reason=reason, original_total=evaluation.total
        )


def evaluation_resolve_dispute(
    *,
    evaluation: Evaluation,
    by,
    outcome: str,
    reason: str,
    answers: list[AnswerInput] | None = None,
) -> Dispute:
    """QA (not the original evaluator) or a manager upholds the score or adjusts the answers.

    An adjustment re-scores with the formula; the original answers and total stay in history
    (and on the dispute).
    """
    permissions.require(permissions.can_resolve, evaluation, by)
    if outcome not in (DisputeStatus.UPHELD, DisputeStatus.ADJUSTED):
        raise ValidationError({"outcome": _("Outcome is 'upheld' or 'adjusted'.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if outcome == DisputeStatus.ADJUSTED and not answers:
        raise ValidationError({"answers": _("An adjustment changes at least one answer.")})
    with transaction.atomic():
        evaluation = locked(evaluation)
        if evaluation.status != Status.DISPUTED:
            raise IllegalTransition(_("Only a disputed evaluation can be resolved."))
        dispute = evaluation.disputes.select_for_update().get(status=DisputeStatus.OPEN)
        now = timezone.now()
        if outcome == DisputeStatus.ADJUSTED:
            write_answers(evaluation, answers)
            result = score_afresh(evaluation)[1]
            if result.unanswered or result.total is None:
                raise ValidationError({"answers": _("An adjustment leaves every criterion answered.")})
            evaluation.total = result.total
            evaluation.critical_failed = result.critical_failed
        evaluation.status = Status.RESOLVED
        evaluation.resolved_at = now
        evaluation.save(update_fields=["status", "resolved_at", "total", "critical_failed"])
        dispute.status = outcome
        dispute.resolved_by = by
        dispute.resolution = reason
        dispute.resolved_at = now
        dispute.adjusted_total = evaluation.total
        dispute.save()
    return dispute
