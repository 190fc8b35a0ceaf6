"""Starting an evaluation of a call (or a self-evaluation of one's own) and the scoring screen.

The scoring screen saves and submits through the evaluations API (scoring/api/evaluations.py)
from static/js/scoring.js.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from monitoring.models import AssignmentReason
from monitoring.selectors import calls_visible_to, is_private_line
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import selectors, selectors_auto, services
from ..forms import StartEvaluationForm
from ..models import CalibrationSession, Dispute, Kind
from ..permissions import SCORING_ROLES, can_score, start_refusal
from ..presenters import can_hear, scorecard_rows, scorecard_structure
from ..serializers import explain
from ..services.start import SECONDARY_KINDS


@role_required(*SCORING_ROLES)
@require_http_methods(["GET", "POST"])
def evaluation_start(request, call_id: int):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    form = StartEvaluationForm(request.POST or None)
    status, refusals = 200, []
    if request.method == "POST" and form.is_valid():
        # The refusal is shown on the page itself, beside a link to what is in the way.
        with page_errors(request, flash=False) as outcome:
            evaluation = services.evaluation_start(call=call, by=request.user, method=form.cleaned_data["method"])
        if not outcome.failed:
            return redirect("evaluation-score", pk=evaluation.pk)
        status, refusals = outcome.status, outcome.reasons
    elif request.method == "POST":
        status = 400
    return _render_start(request, call, form, status=status, kind=Kind.REGULAR, refusals=refusals)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_self_start(request, call_id: int):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    refusal = start_refusal(request.user, call=call, kind=Kind.SELF)
    if refusal:
        raise PermissionDenied(refusal)
    status = 200
    if request.method == "POST":
        with page_errors(request) as outcome:
            evaluation = services.evaluation_start(call=call, by=request.user, kind=Kind.SELF)
        if not outcome.failed:
            return redirect("evaluation-score", pk=evaluation.pk)
        status = outcome.status
    return _render_start(request, call, None, status=status, kind=Kind.SELF)


def _render_start(request, call, form, *, status: int, kind: str, refusals=()):
    """The start page: the form, or instead the user's own evaluation of the call, or why the
    call is someone else's work (`services.regular_start_conflict`, the rule the service applies),
    with a link to their evaluation when the user may see it."""
    user = request.user
    version = selectors.scorecard_version_for_call(call)
    # A blind second look (double scoring, a dispute's re-score) opens instead of a regular start,
    # and names nobody else's evaluation of the call.
    secondary = services.open_secondary_assignment(call=call, by=user) if kind == Kind.REGULAR else None
    existing = selectors.own_evaluation_of(call, user, kind=SECONDARY_KINDS[secondary.reason] if secondary else kind)
    conflict = None
    if kind == Kind.REGULAR and existing is None and secondary is None:
        conflict = services.regular_start_conflict(call=call, by=user)
    conflict_visible = bool(
        conflict
        and conflict.evaluation
        and selectors.evaluations_visible_to(user).filter(pk=conflict.evaluation.pk).exists()
    )
    return render(
        request,
        "scoring/evaluation_start.html",
        {
            "call": call,
            "form": form,
            "self_evaluation": kind == Kind.SELF,
            "existing": existing,
            "double_scoring": secondary is not None and secondary.reason == AssignmentReason.DOUBLE_SCORING,
            "dispute_review": secondary is not None and secondary.reason == AssignmentReason.DISPUTE_REVIEW,
            "conflict": conflict,
            "conflict_visible": conflict_visible,
            # A refusal the conflict notice does not already say (a race lost to someone else
            # recomputes the conflict, which says it with the link).
            "refusals": [] if conflict else list(refusals),
            "version": version,
            "scorecard_problem": "" if version else services.NO_SCORECARD,
            "on_private_line": is_private_line(call.line),
        },
        status=status,
    )


@login_required
@require_GET
def evaluation_score(request, pk: int):
    evaluation = selectors.evaluation_for_page(request.user, pk)
    if not can_score(evaluation, request.user):
        raise PermissionDenied(_("Only the evaluator scores this evaluation."))
    if not evaluation.is_draft:
        messages.info(request, _("This evaluation is %(s)s.") % {"s": evaluation.get_status_display()})
        return redirect("evaluation-detail", pk=evaluation.pk)
    structure = scorecard_structure(evaluation, mode="score")
    # A calibration session's score: a banner, and back to the session once submitted.
    session = None
    if evaluation.calibration_item_id is not None:
        session = CalibrationSession.objects.only("pk", "title").get(items=evaluation.calibration_item_id)
        structure["urls"]["detail"] = reverse("calibration-detail", args=[session.pk])
    # A dispute's blind re-score: once submitted, on to comparing and deciding.
    if evaluation.kind == Kind.REVIEW:
        disputed_id = Dispute.objects.filter(review=evaluation).values_list("evaluation_id", flat=True).first()
        if disputed_id is not None:
            structure["urls"]["detail"] = reverse("evaluation-resolve", args=[disputed_id])
    return render(
        request,
        "scoring/score.html",
        {
            "evaluation": evaluation,
            "call": evaluation.call,
            "rows": scorecard_rows(evaluation, agreement=selectors_auto.agreement_by_criterion(evaluation)),
            "structure": structure,
            "calibration_session": session,
            "can_hear": can_hear(request.user, evaluation),
            "score": explain(services.evaluation_score(evaluation)),
            "deliver_choice": evaluation.kind == Kind.REGULAR,
        },
    )
