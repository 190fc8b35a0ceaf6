"""The evaluator's work queue, opening an assignment, and reassignment (DESIGN.md §3).

Thin: the queue's rows come from `selectors.assignments`, who may reassign from
`permissions.reassign_refusal` (the rule the API and the service use too), the change from
`services.assignments.assignment_reassign`. A refusal is shown on the page with its status
(403 wrong person, 400 bad choice, 409 a race), never a 500. Reassigning from the queue swaps
the row in place with htmx; without script the same form posts to the reassignment page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap

from monitoring.models import Assignment, AssignmentStatus
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from qa_platform.roles import has_role
from scoring import selectors as scoring_selectors
from scoring import services as scoring_services
from scoring.selectors_calibration_sessions import OPEN_STATUSES, sessions_visible_to

from ..periods import last_complete_week, week_label
from ..permissions import PROGRESS_ROLES, QUEUE_ROLES, can_open_queue_of_others
from ..selectors import progress
from ..selectors.assignments import ReassignContext, assignment_for_page, open_assignments_of, week_work_of
from ..services.assignments import assignment_reassign as reassign_service


@role_required(*QUEUE_ROLES)
@require_http_methods(["GET"])
def work_queue(request):
    return _render_queue(request)


def _render_queue(request, status: int = 200):
    return render(request, "planning/work_queue.html", queue_context(request), status=status)


@login_required
@require_POST
def assignment_open(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related("call"), pk=pk, evaluator=request.user)
    with page_errors(request) as outcome:
        evaluation = scoring_services.evaluation_start_from_assignment(assignment=assignment, by=request.user)
    if outcome.failed:
        return _render_queue(request, status=outcome.status)
    return redirect("evaluation-score", pk=evaluation.pk)


def queue_context(request) -> dict:
    """The work queue of the requesting user, or — for a manager — of `?evaluator=<username>`,
    with what each row may offer (open, reassign), the overdue count and the evaluator picker."""
    User = get_user_model()
    wanted = request.GET.get("evaluator", "").strip()
    evaluator = request.user
    if wanted and wanted != request.user.get_username():
        if not can_open_queue_of_others(request.user):
            raise PermissionDenied(_("Only managers open other evaluators' queues."))
        evaluator = User.objects.filter(username=wanted).first()
        if evaluator is None:
            raise Http404(_("No such evaluator."))
    assignments = list(open_assignments_of(evaluator))
    ReassignContext(request.user, assignments).annotate(assignments)
    now = timezone.now()
    overdue = sum(1 for a in assignments if a.due_at < now)
    context = {
        "assignments": assignments,
        "drafts": list(scoring_selectors.unfinished_drafts(evaluator)),
        "evaluator": evaluator,
        "own_queue": evaluator.pk == request.user.pk,
        "overdue_count": overdue,
        "any_reassign": any(a.may_reassign for a in assignments),
        "queue_url": reverse("work-queue"),
        **_week_context(request, evaluator, now=now),
    }
    if can_open_queue_of_others(request.user):
        context["evaluator_choices"] = list(
            User.objects.filter(is_active=True, groups__name__in=QUEUE_ROLES)
            .annotate(open=Count("assignments", filter=Q(assignments__status=AssignmentStatus.OPEN), distinct=True))
            .order_by("username")
            .distinct()
        )
    return context


def _week_context(request, evaluator, *, now) -> dict:
    """The week being worked (the last complete week, whose calls are sampled and due now): the
    evaluator's own progress on it and, on one's own queue, the plan's for everyone one follows
    (quota progress's totals) and the calibration sessions under way one takes part in."""
    week = last_complete_week()
    context = {
        "week": week_work_of(evaluator, week_start=week, now=now),
        "week_label": week_label(week),
        "week_end": week + dt.timedelta(days=6),
    }
    if evaluator.pk == request.user.pk:
        if has_role(request.user, *PROGRESS_ROLES):
            rows = progress.agent_week_rows(user=request.user, week_start=week, now=now)
            context["plan"] = progress.agent_totals(rows)
        context["calibration_sessions"] = list(
            sessions_visible_to(request.user)
            .filter(is_participant=True, status__in=OPEN_STATUSES)
            .order_by("week_start", "pk")
        )
    return context


# --- reassignment -----------------------------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def assignment_reassign(request, pk: int):
    """GET: the assignment and whom it may go to. POST `to` (a username): hand it over through
    `services.assignments.assignment_reassign`. Refusals are shown here with 403 (not yours to
    reassign), 400 (that person cannot take it, or it has started) or 409 (a race).

    From a work-queue row (an htmx POST) the answer is a row instead: the confirmation in the
    row's place, or the row again with the refusal beside its form, with the same status."""
    in_row = bool(request.htmx) and request.method == "POST"
    assignment = assignment_for_page(pk)
    ctx = ReassignContext(request.user, [assignment])
    refusal = ctx.refusal(assignment)
    if refusal:
        if in_row:
            return _queue_row(request, assignment, status=403, error=refusal)
        return _render_reassign(request, assignment, status=403, error=refusal)
    fallback = reverse("work-queue")
    if can_open_queue_of_others(request.user) and assignment.evaluator_id != request.user.pk:
        fallback += f"?evaluator={assignment.evaluator.get_username()}"
    next_url = _safe_next(request, fallback)
    if request.method == "GET":
        return _render_reassign(request, assignment, ctx=ctx, next_url=next_url)

    username = request.POST.get("to", "").strip()
    to = get_user_model().objects.filter(username=username).first() if username else None
    if to is None:
        field_error = (
            _("Choose who takes this call.") if not username else _("There is no user %(u)s.") % {"u": username}
        )
        if in_row:
            return _queue_row(request, assignment, status=400, error=field_error, next_url=next_url)
        return _render_reassign(request, assignment, ctx=ctx, next_url=next_url, status=400, field_error=field_error)
    previous = assignment.evaluator
    with page_errors(request, fields=("to",), flash=not in_row) as outcome:
        reassign_service(assignment=assignment, to=to, by=request.user)
    if outcome.failed:
        if in_row:
            return _queue_row(
                request,
                assignment,
                status=outcome.status,
                error=" ".join([*outcome.field_errors.get("to", []), *outcome.reasons]),
                next_url=next_url,
                chosen=username,
            )
        return _render_reassign(
            request,
            assignment,
            ctx=ctx,
            next_url=next_url,
            status=outcome.status,
            field_error=" ".join(outcome.field_errors.get("to", [])),
            chosen=username,
        )
    done = _("Call %(call)s of %(agent)s now goes to %(to)s (was %(was)s).") % {
        "call": assignment.call.external_id,
        "agent": assignment.call.agent.name,
        "to": to.get_full_name() or to.get_username(),
        "was": previous.get_full_name() or previous.get_username(),
    }
    if in_row:
        return render(
            request,
            "planning/work_queue_notice_row.html",
            {"a": assignment, "message": done, "own_queue": previous.pk == request.user.pk},
        )
    messages.success(request, done)
    return redirect(next_url)


def _queue_row(request, assignment, *, status: int, error: str = "", next_url: str = "", chosen: str = ""):
    """The work-queue row of a refused reassignment (htmx), with the reasons beside its form.

    The refusal keeps its status (400, 403, 409) and says with HX-Reswap that it is meant to be
    swapped in: htmx leaves 4xx responses unswapped by default, and static/js/common.js swaps
    only those a view marks so (an unmarked error page is never poured into a row). Someone
    who could not see the row's call on their queue gets the reasons alone, not the call."""
    # The reasons come with the call (`page_errors(flash=False)`): only this row's, and none
    # left in the session for the next page.
    reasons = [error] if error else []
    assignment.refresh_from_db(fields=["evaluator", "evaluator_role", "status", "started_at", "due_at"])
    own_queue = assignment.evaluator_id == request.user.pk
    context = {"a": assignment, "own_queue": own_queue, "chosen": chosen, "next_url": next_url}
    if own_queue or can_open_queue_of_others(request.user):
        ReassignContext(request.user, [assignment]).annotate([assignment])
        context |= {"any_reassign": True, "reassign_error": " ".join(reasons)}
        response = render(request, "planning/work_queue_row.html", context, status=status)
    else:
        context |= {"message": " ".join(reasons), "error": True}
        response = render(request, "planning/work_queue_notice_row.html", context, status=status)
    return reswap(response, "outerHTML")


def _render_reassign(request, assignment, *, ctx=None, next_url="", status=200, error="", field_error="", chosen=""):
    assignment.refresh_from_db(fields=["evaluator", "evaluator_role", "status", "started_at"])
    candidates = []
    may = False
    if ctx is not None:
        may = ctx.can_reassign(assignment)
        candidates = ctx.candidates(assignment) if may else []
    if error:
        messages.error(request, error)
    return render(
        request,
        "planning/progress_reassign.html",
        {
            "a": assignment,
            "candidates": candidates,
            "may_reassign": may,
            "started": assignment.started_at is not None,
            "field_error": field_error,
            "chosen": chosen,
            "next_url": next_url,
            "show_call": status != 403,
            "week": week_label(assignment.period_start),
        },
        status=status,
    )
