"""Disputes (DESIGN.md §4, issue 9): the evaluated agent disputes delivered feedback, optionally
proposing the score they think is right; the dispute is routed to an independent reviewer
(`dispute_review`), who re-scores the call blind and then upholds the score or adjusts it; once,
the agent may appeal that decision to a manager.

Who decides is `permissions.decide_refusal` (one rule). Every answer a decision changes is
recorded as a `DisputeChange` (before / after), the overturn rates' source
(`selectors_disputes`). A decision re-scores with the formula; the original answers and total
stay in history and on the dispute.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_platform.errors import IllegalTransition

from .. import permissions
from ..models import SCORED, Dispute, DisputeChange, DisputeStatus, Evaluation, Status
from .answers import AnswerInput, apply_score, score_afresh, write_answers
from .dispute_review import dispute_route
from .evaluations import agent_answers, locked

MIN_REASON = 10


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": _("Say why you dispute this score (at least 10 characters).")})
    return reason


def _proposed(value) -> Decimal | None:
    """The score the agent proposes: blank, or 0–100, kept to one decimal (rounded half up, as
    totals are)."""
    if value in (None, ""):
        return None
    try:
        proposed = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        proposed = None
    if proposed is None or not proposed.is_finite() or not (0 <= proposed <= 100):
        raise ValidationError({"proposed_total": _("Propose a score from 0 to 100, or none.")})
    return proposed.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def evaluation_dispute(*, evaluation: Evaluation, by, reason: str, proposed_total=None) -> Dispute:
    """The evaluated agent disputes delivered feedback, saying why and, if they like, proposing
    the score they think is right. The dispute is routed at once to an independent reviewer
    (`dispute_review.dispute_route`), or left to a manager when nobody is eligible."""
    permissions.require(permissions.can_dispute, evaluation, by)
    reason = _reason(reason)
    proposed = _proposed(proposed_total)
    refusal = _("Only delivered feedback can be disputed, and only once (this evaluation is %(s)s).")
    with transaction.atomic():
        evaluation = agent_answers(evaluation, status=Status.DISPUTED, stamp="disputed_at", refusal=refusal)
        dispute = Dispute.objects.create(
            evaluation=evaluation,
            raised_by=by,
            reason=reason,
            proposed_total=proposed,
            original_total=evaluation.total,
        )
        dispute_route(dispute=dispute)
    return dispute


def evaluation_appeal(*, evaluation: Evaluation, by, reason: str, proposed_total=None) -> Dispute:
    """Once, after a first-level decision, the agent appeals it to a manager: a level-2 dispute;
    the evaluation is disputed again until the manager decides."""
    permissions.require(permissions.can_appeal, evaluation, by)
    reason = _reason(reason)
    proposed = _proposed(proposed_total)
    with transaction.atomic():
        evaluation = locked(evaluation)
        first = (
            Dispute.objects.select_for_update()
            .filter(evaluation=evaluation, level=1)
            .exclude(status=DisputeStatus.OPEN)
            .order_by("-resolved_at")
            .first()
        )
        if evaluation.status != Status.RESOLVED or first is None:
            raise IllegalTransition(_("Only a decided dispute can be appealed."))
        if Dispute.objects.filter(appeal_of=first).exists():
            raise IllegalTransition(_("This decision has been appealed already; an appeal is made once."))
        evaluation.status = Status.DISPUTED
        evaluation.save(update_fields=["status"])
        return Dispute.objects.create(
            evaluation=evaluation,
            raised_by=by,
            reason=reason,
            proposed_total=proposed,
            level=2,
            appeal_of=first,
            original_total=evaluation.total,
        )


def _as_input(answer) -> AnswerInput:
    return AnswerInput(
        criterion_id=answer.criterion_id,
        value=None if answer.is_na else answer.value,
        na=answer.is_na,
        comment=answer.comment,
        time_offset=answer.time_offset,
        root_cause=answer.root_cause_id,
    )


def _differs(a: AnswerInput, current) -> bool:
    if current is None:
        return a.value is not None or a.na or bool(a.comment) or a.time_offset is not None
    return (current.value, current.is_na, current.comment, current.time_offset, current.root_cause_id) != (
        None if a.na else a.value,
        a.na,
        a.comment,
        a.time_offset,
        a.root_cause,
    )


def adjustment_base(dispute: Dispute, evaluation: Evaluation) -> dict[int, object]:
    """The answers an adjustment starts from: a level-1 dispute's submitted blind re-score when it
    has one, else the evaluation's own answers."""
    if dispute.level == 1 and dispute.review_id is not None:
        return {a.criterion_id: a for a in dispute.review.answers.all()}
    return {a.criterion_id: a for a in evaluation.answers.all()}


def evaluation_resolve_dispute(
    *,
    evaluation: Evaluation,
    by,
    outcome: str,
    reason: str,
    answers: list[AnswerInput] | None = None,
) -> Dispute:
    """Decide the evaluation's open dispute: upheld (the score stands) or adjusted.

    A level-1 dispute with a reviewer is decided by that reviewer once their blind re-score is
    submitted; an adjustment then applies the re-score's answers, with any `answers` sent on
    top. Otherwise (an appeal, or a dispute nobody was eligible to review) an adjustment changes
    the evaluation's answers by the `answers` sent. Changed criteria become DisputeChange rows.
    """
    permissions.require(permissions.can_resolve, evaluation, by)
    if outcome not in (DisputeStatus.UPHELD, DisputeStatus.ADJUSTED):
        raise ValidationError({"outcome": _("Outcome is 'upheld' or 'adjusted'.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    with transaction.atomic():
        evaluation = locked(evaluation)
        if evaluation.status != Status.DISPUTED:
            raise IllegalTransition(_("Only a disputed evaluation can be resolved."))
        dispute = (
            evaluation.disputes.select_for_update(of=("self",))
            .select_related("appeal_of", "review")
            .get(status=DisputeStatus.OPEN)
        )
        # Asked again under the lock: a manager may have handed the re-score to someone else.
        refusal = permissions.decide_refusal(evaluation, dispute, by)
        if refusal:
            raise PermissionDenied(refusal)
        if dispute.level == 1 and dispute.reviewer_id is not None:
            if dispute.review is None or dispute.review.status not in SCORED:
                raise IllegalTransition(
                    _("Re-score the call blind first (from your work queue); then you see the original and decide.")
                )
        now = timezone.now()
        if outcome == DisputeStatus.ADJUSTED:
            _adjust(dispute, evaluation, answers)
        evaluation.status = Status.RESOLVED
        evaluation.resolved_at = now
        evaluation.save(update_fields=["status", "resolved_at", "total", "critical_failed", "agent_score", "agent_critical_failed"])
        dispute.status = outcome
        dispute.resolved_by = by
        dispute.resolution = reason
        dispute.resolved_at = now
        dispute.adjusted_total = evaluation.total
        dispute.save()
    return dispute


def _adjust(dispute: Dispute, evaluation: Evaluation, answers: list[AnswerInput] | None) -> None:
    """Apply an adjustment to the (locked) evaluation and record what changed."""
    current = {a.criterion_id: a for a in evaluation.answers.all()}
    target = {cid: _as_input(a) for cid, a in adjustment_base(dispute, evaluation).items()}
    target.update({a.criterion_id: a for a in answers or ()})
    changed = [a for a in target.values() if _differs(a, current.get(a.criterion_id))]
    if not changed:
        raise ValidationError({"answers": _("An adjustment changes at least one answer.")})
    write_answers(evaluation, changed)
    fresh, result = score_afresh(evaluation)
    if result.unanswered or result.total is None:
        raise ValidationError({"answers": _("An adjustment leaves every criterion answered.")})
    apply_score(evaluation, result)
    after = {a.criterion_id: a for a in fresh.answers.all()}
    DisputeChange.objects.bulk_create(
        [
            DisputeChange(
                dispute=dispute,
                criterion_id=cid,
                before_value=None if old is None else old.value,
                before_na=False if old is None else old.is_na,
                after_value=after[cid].value,
                after_na=after[cid].is_na,
            )
            for cid, old in ((a.criterion_id, current.get(a.criterion_id)) for a in changed)
            if old is None or (old.value, old.is_na) != (after[cid].value, after[cid].is_na)
        ]
    )
