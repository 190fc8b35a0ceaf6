"""Resolving a dispute (uphold the score, or adjust the answers) and the list of disputes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import selectors, services
from ..forms import ResolveForm, answer_error_keys, answers_from_post
from ..models import DisputeStatus, Status
from ..permissions import EVALUATION_ROLES, RESOLVER_ROLES, can_resolve, require
from ..presenters import can_hear, scorecard_rows, scorecard_structure


def _changed(answers, current: dict) -> list[services.AnswerInput]:
    """The posted answers that differ from the evaluation's (an adjustment sends only those)."""
    changed = []
    for a in answers:
        old = current.get(a.criterion_id)
        if old is None:
            if a.value is not None or a.na or a.comment or a.time_offset is not None:
                changed.append(a)
            continue
        if (old.value, old.is_na, old.comment, old.time_offset) != (
            None if a.na else a.value,
            a.na,
            a.comment,
            a.time_offset,
        ):
            changed.append(a)
    return changed


class _Posted:
    """An answer as posted on the resolve form, shaped like an Answer for the controls."""

    def __init__(self, a: services.AnswerInput):
        self.criterion_id = a.criterion_id
        self.value = None if a.na else a.value
        self.is_na = a.na
        self.comment = a.comment
        self.time_offset = a.time_offset


@login_required
@require_http_methods(["GET", "POST"])
@role_required(*EVALUATION_ROLES)
def evaluation_resolve(request, pk: int):
    evaluation = selectors.evaluation_for_page(request.user, pk)
    require(can_resolve, evaluation, request.user)
    if evaluation.status != Status.DISPUTED:
        messages.info(
            request, _("This evaluation has no open dispute (it is %(s)s).") % {"s": evaluation.get_status_display()}
        )
        return redirect("evaluation-detail", pk=pk)
    form = ResolveForm(request.POST or None)
    answers_map, errors, status = None, {}, 200
    if request.method == "POST":
        current = {a.criterion_id: a for a in evaluation.answers.all()}
        posted, errors = answers_from_post(request.POST, evaluation.version)
        answers_map = {**current, **{a.criterion_id: _Posted(a) for a in posted}}
        status = 400
        if form.is_valid() and not errors:
            outcome = form.cleaned_data["outcome"]
            # The decision's reasons go under its fields; the answers' beside each criterion.
            with page_errors(request, form=form, fields=answer_error_keys(evaluation.version)) as result:
                services.evaluation_resolve_dispute(
                    evaluation=evaluation,
                    by=request.user,
                    outcome=outcome,
                    reason=form.cleaned_data["reason"],
                    answers=_changed(posted, current) if outcome == DisputeStatus.ADJUSTED else None,
                )
            if not result.failed:
                messages.success(
                    request, _("The dispute is resolved; the agent and the evaluator can read your decision.")
                )
                return redirect("evaluation-detail", pk=pk)
            status, errors = result.status, result.field_errors
    return render(
        request,
        "scoring/resolve.html",
        {
            "evaluation": evaluation,
            "call": evaluation.call,
            "dispute": selectors.open_dispute(evaluation),
            "form": form,
            "rows": scorecard_rows(evaluation, answers=answers_map, errors=errors),
            "general_errors": [m for k, msgs in errors.items() if not k.startswith("criterion.") for m in msgs],
            "structure": scorecard_structure(evaluation, mode="resolve"),
            "can_hear": can_hear(request.user, evaluation),
        },
        status=status,
    )


@role_required(*RESOLVER_ROLES)
@require_GET
def dispute_list(request):
    open_disputes = list(selectors.open_disputes())
    for d in open_disputes:
        d.own = d.evaluation.evaluator_id == request.user.pk
    return render(
        request,
        "scoring/dispute_list.html",
        {"open_disputes": open_disputes, "resolved": list(selectors.resolved_disputes())},
    )
