"""The evaluation page, its lifecycle steps (deliver feedback, acknowledge, dispute) as plain form
POSTs, and the list of evaluations.

Delivering feedback and acknowledging also answer an htmx POST from the page's actions panel
with that panel alone (templates/scoring/_evaluation_actions.html): the outcome inside it and the
status tag swapped out of band. Without script the same forms post and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from qa_platform.errors import page_errors
from qa_platform.menu import page_panels_for
from qa_platform.permissions import role_required
from qa_platform.roles import AGENT, ROLE_LABELS, user_roles

from .. import presenters, selectors, services
from ..forms import AppealForm, DisputeForm
from ..models import DisputeStatus, Evaluation, Kind, Status
from ..permissions import (
    EVALUATION_ROLES,
    can_acknowledge,
    can_appeal,
    can_deliver_feedback,
    can_resolve,
    can_score,
    is_own,
    is_resolver,
)
from ..serializers import explain

PAGE_SIZE = 50


def _detail_context(request, evaluation: Evaluation, **extra) -> dict:
    user = request.user
    counterpart = selectors.counterpart_of(evaluation, user)
    score = explain(services.evaluation_score(evaluation))
    rows = presenters.scorecard_rows(evaluation, counterpart=counterpart)
    criteria = {cr.criterion.pk: cr.criterion for s in rows for cr in s.criteria}
    call_visible = presenters.call_is_visible(user, evaluation)
    disputes = presenters.disputes_with_changes(evaluation, criteria)
    context = {
        "evaluation": evaluation,
        "call": evaluation.call,
        "evaluator_role_label": ROLE_LABELS.get(evaluation.evaluator_role, evaluation.evaluator_role),
        "rows": rows,
        "score": score,
        "why_sections": presenters.why_sections(score, criteria),
        "why": presenters.why_extensions(evaluation, score, rows),
        "failed_critical": [criteria[cid].text for cid in score["failed_critical"] if cid in criteria],
        "dropped_weights": score["weights_all"] - score["weights_counted"],
        "counterpart": counterpart,
        "call_visible": call_visible,
        "can_hear": call_visible and bool(evaluation.call.recording),
        "disputes": disputes,
        "adjusted_from": next((d.original_total for d in disputes if d.status == DisputeStatus.ADJUSTED), None),
        "history": presenters.evaluation_history(evaluation),
        "is_agent": is_own(user, evaluation),
        # What the apps above add to the page (coaching: "Create a coaching plan", "Add to the
        # call library"), by their own rules (qa_platform/menu.py).
        "panels": page_panels_for(user, evaluation),
        **_actions_context(request, evaluation),
    }
    context.update(extra)
    return context


def _appealable(evaluation: Evaluation, user) -> bool:
    """The agent may appeal a first-level decision once (disputes prefetched)."""
    if evaluation.status != Status.RESOLVED or not can_appeal(evaluation, user):
        return False
    disputes = list(evaluation.disputes.all())
    return any(d.level == 1 and d.status != DisputeStatus.OPEN for d in disputes) and not any(
        d.level == 2 for d in disputes
    )


def _review_to_decide(evaluation: Evaluation, user):
    """For a reviewer's submitted blind re-score: the dispute it was for, while still open."""
    if evaluation.kind != Kind.REVIEW or evaluation.is_draft or evaluation.evaluator_id != user.pk:
        return None
    dispute = getattr(evaluation, "reviewed_dispute", None)
    return dispute if dispute is not None and dispute.status == DisputeStatus.OPEN else None


def _actions_context(request, evaluation: Evaluation) -> dict:
    """What the actions panel (_evaluation_actions.html) offers the requesting user."""
    user = request.user
    return {
        "evaluation": evaluation,
        "can_continue": evaluation.is_draft and can_score(evaluation, user),
        "can_deliver": evaluation.awaits_feedback and can_deliver_feedback(evaluation, user),
        "can_respond": evaluation.awaits_agent and can_acknowledge(evaluation, user),
        "can_resolve": evaluation.status == Status.DISPUTED and can_resolve(evaluation, user),
        "is_resolver_role": is_resolver(user),
        "dispute_form": DisputeForm(),
        "can_appeal": _appealable(evaluation, user),
        "appeal_form": AppealForm(),
        "review_to_decide": _review_to_decide(evaluation, user),
    }


@login_required
@require_GET
@role_required(*EVALUATION_ROLES)
def evaluation_detail(request, pk: int):
    evaluation = selectors.evaluation_for_page(request.user, pk)
    return render(request, "scoring/evaluation_detail.html", _detail_context(request, evaluation))


def _act(
    request, pk: int, step, success: str, *, form=None, form_name: str = "dispute_form", in_place: bool = False, **data
):
    """Take a lifecycle step from a page form, `step(evaluation=, by=, **data)`: success → a
    redirect with a message; a refusal → the evaluation page again, with the reason (under the
    form's field where it has one) and the matching status.

    `in_place` steps posted by htmx are answered with the actions panel instead (`_actions_panel`)."""
    evaluation = selectors.evaluation_for_page(request.user, pk)
    in_panel = in_place and bool(request.htmx)
    with page_errors(request, form=form, flash=not in_panel) as outcome:
        step(evaluation=evaluation, by=request.user, **data)
    if in_panel:
        return _actions_panel(request, pk, status=outcome.status, success=success, reasons=outcome.reasons)
    if not outcome.failed:
        messages.success(request, success)
        return redirect("evaluation-detail", pk=pk)
    evaluation = selectors.evaluation_for_page(request.user, pk)  # fresh state after the refusal
    extra = {form_name: form} if form is not None else {}
    return render(
        request, "scoring/evaluation_detail.html", _detail_context(request, evaluation, **extra), status=outcome.status
    )


def _actions_panel(request, pk: int, *, status: int | None, success: str, reasons: list[str]):
    """The actions panel after an htmx step, with the evaluation's state as it is now: the
    success message inside it, or the refusal with its status (403, 409, 400).

    A refusal says with HX-Reswap that it is meant to be swapped in: htmx leaves 4xx responses
    unswapped by default, and static/js/common.js swaps only those a view marks so. Neither
    outcome is left in the session's messages, to show again on the next page."""
    evaluation = selectors.evaluation_for_page(request.user, pk)
    if status is None:
        notice, refused = success, False
    else:
        notice, refused = " ".join(reasons), True
    context = _actions_context(request, evaluation) | {"htmx_fragment": True, "notice": notice, "refused": refused}
    response = render(request, "scoring/_evaluation_actions.html", context, status=status or 200)
    return reswap(response, "outerHTML") if refused else response


@login_required
@require_POST
@role_required(*EVALUATION_ROLES)
def evaluation_feedback(request, pk: int):
    done = _("Feedback recorded as delivered to the agent.")
    return _act(request, pk, services.evaluation_deliver_feedback, done, in_place=True)


@login_required
@require_POST
@role_required(*EVALUATION_ROLES)
def evaluation_acknowledge(request, pk: int):
    done = _("Thank you: you acknowledged this evaluation.")
    return _act(request, pk, services.evaluation_acknowledge, done, in_place=True)


@login_required
@require_POST
@role_required(*EVALUATION_ROLES)
def evaluation_dispute(request, pk: int):
    # The service owns the rule on the reason; its message lands under the field.
    form = DisputeForm(request.POST)
    form.is_valid()
    sent = _("Your dispute was sent. An auditor who did not score this call will score it again and decide.")
    return _act(
        request,
        pk,
        services.evaluation_dispute,
        sent,
        form=form,
        reason=request.POST.get("reason", ""),
        proposed_total=request.POST.get("proposed_total", ""),
    )


@login_required
@require_POST
@role_required(*EVALUATION_ROLES)
def evaluation_appeal(request, pk: int):
    form = AppealForm(request.POST)
    form.is_valid()
    sent = _("Your appeal was sent. A manager who took no part in this dispute decides it.")
    return _act(
        request,
        pk,
        services.evaluation_appeal,
        sent,
        form=form,
        form_name="appeal_form",
        reason=request.POST.get("reason", ""),
        proposed_total=request.POST.get("proposed_total", ""),
    )


@login_required
@require_GET
@role_required(*EVALUATION_ROLES)
def evaluation_list(request):
    user = request.user
    sort = request.GET.get("sort", "-date")
    if sort not in selectors.EVALUATION_SORTS:
        sort = "-date"
    filterset, evaluations = selectors.evaluations_for_list(user, request.GET, sort=sort)
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    for key in ("page", "sort"):
        params.pop(key, None)
    for ev in page:
        ev.needs_ack = ev.awaits_agent and can_acknowledge(ev, user)
        ev.role_label = ROLE_LABELS.get(ev.evaluator_role, ev.evaluator_role)
    return render(
        request,
        "scoring/evaluation_list.html",
        {
            "page": page,
            "filter": filterset,
            "agent_only": user_roles(user) <= {AGENT},
            "waiting": selectors.feedback_awaiting_count(user),
            "sort": sort,
            "sort_querystring": params.urlencode(),
        },
        status=400 if filterset.errors else 200,
    )
