"""Deciding a dispute (upheld, or adjusted), handing its re-score to another reviewer, and the
list of disputes with the overturn rates.

The resolve page of a level-1 dispute routed to a reviewer opens only after their blind re-score
is submitted (before that the blind rule hides the disputed evaluation: 404). It shows the
original and the re-score side by side per criterion with the difference, the agent's reason and
proposed score; the controls start from the re-score's answers. An appeal's page (a manager)
shows the evaluator's original, the re-score if there was one and the first decision, with the
controls on the current answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import selectors, services
from ..forms import ReassignReviewerForm, ResolveForm, answer_error_keys, answers_from_post
from ..models import SCORED, Dispute, DisputeStatus, Status
from ..permissions import (
    EVALUATION_ROLES,
    ONLY_MANAGERS_REASSIGN,
    RESOLVER_ROLES,
    can_reassign_reviewer,
    can_resolve,
    decide_refusal,
    require,
)
from ..presenters import can_hear, points_label, scorecard_rows, scorecard_structure, value_label
from ..selectors_disputes import overturns_by_criterion, overturns_by_evaluator
from ..services.dispute_review import calibrated_when_routed
from ..services.disputes import adjustment_base


class _Posted:
    """An answer as posted on the resolve form, shaped like an Answer for the controls."""

    def __init__(self, a: services.AnswerInput):
        self.criterion_id = a.criterion_id
        self.value = None if a.na else a.value
        self.is_na = a.na
        self.comment = a.comment
        self.time_offset = a.time_offset
        self.root_cause_id = a.root_cause


@dataclass
class _Value:
    value: int | None
    is_na: bool
    comment: str = ""


def _signed(x) -> str:
    if x is None:
        return "–"
    if x == 0:
        return "0"
    text = points_label(abs(x))
    return f"+{text}" if x > 0 else f"−{text}"


def _comparison(evaluation, columns: list[tuple[str, dict]]) -> dict:
    """Criterion rows with each column's answer and points, and the difference of the last column
    from the first (points): what the resolve page sets side by side."""
    rows = []
    for section in evaluation.version.sections.all():
        for c in section.criteria.all():
            cells, earned = [], []
            for _label, answers in columns:
                a = answers.get(c.pk)
                pts = None
                if a is not None and not a.is_na and a.value is not None:
                    pts = c.spec().earned(a.value)
                earned.append(pts)
                cells.append(
                    {
                        "label": value_label(c, a),
                        "points": points_label(pts) if pts is not None else "–",
                        "comment": getattr(a, "comment", "") if a is not None else "",
                    }
                )
            first, last = earned[0], earned[-1]
            labels = [cell["label"] for cell in cells]
            diff = None if first is None or last is None else last - first
            rows.append(
                {
                    "section": section.title,
                    "criterion": c,
                    "cells": cells,
                    "difference": _signed(diff),
                    "changed": labels[0] != labels[-1],
                }
            )
    return {"headings": [label for label, _answers in columns], "rows": rows}


def _original_answers(evaluation, first: Dispute) -> dict:
    """The evaluator's answers before the first decision: today's, with what it changed put back."""
    answers = {a.criterion_id: _Value(a.value, a.is_na, a.comment) for a in evaluation.answers.all()}
    for change in first.criterion_changes.all():
        answers[change.criterion_id] = _Value(change.before_value, change.before_na)
    return answers


def _resolve_context(evaluation, dispute: Dispute) -> dict:
    """The comparison and the facts the resolve page shows for `dispute`."""
    current = {a.criterion_id: a for a in evaluation.answers.all()}
    first = dispute.appeal_of if dispute.level == 2 else dispute
    review = first.review if first.review_id and first.review.status in SCORED else None
    review_answers = {a.criterion_id: a for a in review.answers.all()} if review is not None else {}
    if dispute.level == 2:
        columns = [(_("Evaluator's original"), _original_answers(evaluation, first))]
        if review is not None:
            columns.append((_("Blind re-score"), review_answers))
        columns.append((_("After the first decision"), current))
        original_total, compared_total = first.original_total, evaluation.total
    else:
        columns = [(_("Original"), current)]
        if review is not None:
            columns.append((_("Your blind re-score"), review_answers))
        original_total = evaluation.total
        compared_total = review.total if review is not None else None
    difference = None
    if original_total is not None and compared_total is not None:
        difference = compared_total - original_total
    proposed_difference = None
    if dispute.proposed_total is not None and evaluation.total is not None:
        proposed_difference = dispute.proposed_total - evaluation.total
    return {
        "comparison": _comparison(evaluation, columns) if len(columns) > 1 else None,
        "first": first,
        "review": review,
        "original_total": original_total,
        "compared_total": compared_total,
        "difference": difference,
        "proposed_difference": proposed_difference,
        "reviewer_calibrated": calibrated_when_routed([first]).get(first.pk),
    }


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
    dispute = selectors.open_dispute(evaluation)
    if dispute.level == 1 and dispute.reviewer_id is not None:
        review = dispute.review
        if review is None or review.status not in SCORED:
            # Only reachable when the re-score was discarded or not started: score it first.
            messages.info(request, _("Re-score the call blind first: open it from your work queue."))
            return redirect("work-queue")
    form = ResolveForm(request.POST or None)
    base = adjustment_base(dispute, evaluation)
    answers_map, errors, status = base, {}, 200
    if request.method == "POST":
        posted, errors = answers_from_post(request.POST, evaluation.version)
        answers_map = {**base, **{a.criterion_id: _Posted(a) for a in posted}}
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
                    answers=posted if outcome == DisputeStatus.ADJUSTED else None,
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
            "dispute": dispute,
            "form": form,
            "rows": scorecard_rows(evaluation, answers=answers_map, errors=errors),
            "general_errors": [m for k, msgs in errors.items() if not k.startswith("criterion.") for m in msgs],
            "structure": scorecard_structure(evaluation, mode="resolve"),
            "can_hear": can_hear(request.user, evaluation),
            **_resolve_context(evaluation, dispute),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(*RESOLVER_ROLES)
def dispute_reassign(request, pk: int):
    """A manager hands an open dispute's re-score to another eligible reviewer."""
    dispute = get_object_or_404(
        Dispute.objects.select_related("evaluation", "evaluation__agent", "evaluation__call", "reviewer", "review"),
        pk=pk,
    )
    if not can_reassign_reviewer(dispute.evaluation, request.user):
        raise PermissionDenied(ONLY_MANAGERS_REASSIGN)
    candidates = services.eligible_reviewers(dispute.evaluation)
    form = ReassignReviewerForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as result:
                services.dispute_reassign_reviewer(dispute=dispute, to=form.chosen(), by=request.user)
            if not result.failed:
                messages.success(request, _("The re-score was handed to %(u)s.") % {"u": form.chosen().username})
                return redirect("dispute-list")
            status = result.status
    return render(
        request,
        "scoring/dispute_reassign.html",
        {
            "dispute": dispute,
            "form": form,
            "candidates": candidates,
            "started": dispute.review is not None,
            "submitted": dispute.review is not None and not dispute.review.is_draft,
        },
        status=status,
    )


OVERTURN_WINDOWS = (30, 90, 180, 365)


@role_required(*RESOLVER_ROLES)
@require_GET
def dispute_list(request):
    user = request.user
    open_disputes = list(selectors.open_disputes())
    calibrated = calibrated_when_routed(open_disputes)
    for d in open_disputes:
        d.own = d.evaluation.evaluator_id == user.pk
        # The reviewer sees nothing of the original before their blind re-score is submitted.
        d.blind = d.level == 1 and d.reviewer_id == user.pk and (d.review is None or d.review.is_draft)
        d.may_decide = not d.blind and decide_refusal(d.evaluation, d, user) is None
        d.may_reassign = d.level == 1 and can_reassign_reviewer(d.evaluation, user) and not d.own
        d.reviewer_calibrated = calibrated.get(d.pk)
        d.review_submitted = d.review is not None and not d.review.is_draft
    try:
        days = int(request.GET.get("days", 180))
    except ValueError:
        days = 180
    days = days if days in OVERTURN_WINDOWS else 180
    until = timezone.now()
    since = until - dt.timedelta(days=days)
    by_evaluator = overturns_by_evaluator(since=since, until=until)
    names = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(by_evaluator))}
    evaluator_rows = sorted(
        ({"user": names.get(uid), "counts": c} for uid, c in by_evaluator.items()),
        key=lambda r: (-(r["counts"].rate or 0), -r["counts"].resolved),
    )
    return render(
        request,
        "scoring/dispute_list.html",
        {
            "open_disputes": open_disputes,
            "resolved": list(selectors.resolved_disputes()),
            "overturn_days": days,
            "overturn_windows": OVERTURN_WINDOWS,
            "overturn_evaluators": evaluator_rows,
            "overturn_criteria": overturns_by_criterion(since=since, until=until),
        },
    )
