"""Calibration session pages (DESIGN.md §4): the list, creating a session by hand, a session's page
(its calls, who has scored, the facilitator's steps, after the reveal everyone's answers side by
side with the consensus form, then the report) and changing its calls and participants.

Participants score on the normal scoring page (`evaluation-score`), which sends them back here
after submitting. What a page shows before the reveal is `selectors_calibration_sessions`'s rule:
progress only, never an answer or a total. A session the user may not see is a 404; a step they
may not take is the service's refusal, shown as a message with its status (403, 409, 400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import selectors_calibration_sessions as sessions
from .. import services
from ..forms import answer_error_keys, answers_from_post
from ..forms_calibration import SessionCreateForm, SessionEditForm
from ..models import ScorecardVersion, SessionStatus
from ..permissions import CALIBRATION_ROLES, NO_CALIBRATION, ONLY_FACILITATOR, can_facilitate, can_run_calibration
from ..selectors_calibration import session_report

PAGE_SIZE = 50
# The facilitator's steps: the service, and what the page says once it is taken.
STEPS = {
    "open": (
        services.calibration_session_open,
        gettext_lazy("Scoring is open: each participant scores the calls, blind."),
    ),
    "reveal": (services.calibration_reveal, gettext_lazy("Revealed: everyone's answers are side by side below.")),
    "close": (services.calibration_close, gettext_lazy("The session is closed; its figures are final.")),
    "cancel": (services.calibration_cancel, gettext_lazy("The session is cancelled.")),
}


@require_GET
@role_required(*CALIBRATION_ROLES)
def calibration_list(request):
    status = request.GET.get("status", "")
    status_error = ""
    if status and status not in SessionStatus.values:
        status_error = _("“%(value)s” is not a session status.") % {"value": status}
    qs = sessions.sessions_for_list(request.user, status="" if status_error else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/calibration/list.html",
        {
            "page": page,
            "status_value": status,
            "status_choices": sessions.status_filter_choices(),
            "status_error": status_error,
            "can_create": can_run_calibration(request.user),
        },
        status=400 if status_error else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CALIBRATION_ROLES)
def calibration_new(request):
    if not can_run_calibration(request.user):
        raise PermissionDenied(NO_CALIBRATION)
    form = SessionCreateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with page_errors(request, form=form) as outcome:
                session = services.calibration_session_create(by=request.user, **data)
            if not outcome.failed:
                messages.success(request, _("Session created. Open scoring when the calls and participants are right."))
                return redirect("calibration-detail", pk=session.pk)
            status = outcome.status
    return render(request, "scoring/calibration/new.html", {"form": form}, status=status)


def _render_detail(request, session, *, status: int = 200, failed_item=None):
    """The session page; `failed_item` = (item id, posted answers, criterion notes, overall notes,
    errors) shows a refused consensus form again as it was posted."""
    overview = sessions.session_overview(session, request.user)
    if failed_item is not None:
        item_id, answers, notes, overall, errors = failed_item
        view = overview.item(item_id)
        if view is not None and view.scores is not None:
            view.scores.with_posted(answers, notes, overall, errors)
    facilitates = can_facilitate(session, request.user)
    return render(
        request,
        "scoring/calibration/detail.html",
        {
            "session": session,
            "overview": overview,
            "facilitates": facilitates,
            "can_edit": facilitates and session.status in services.calibration.EDITABLE,
            "can_take_consensus": facilitates and session.status == SessionStatus.REVEALED,
            "scoring_open": session.status == SessionStatus.SCORING,
            # The session report (templates/scoring/calibration/_report.html), once revealed.
            "report": session_report(session) if overview.revealed else None,
        },
        status=status,
    )


@require_GET
@role_required(*CALIBRATION_ROLES)
def calibration_detail(request, pk: int):
    return _render_detail(request, sessions.session_for(request.user, pk))


@require_POST
@role_required(*CALIBRATION_ROLES)
def calibration_step(request, pk: int, step: str):
    session = sessions.session_for(request.user, pk)
    service, done = STEPS[step]
    with page_errors(request) as outcome:
        service(session=session, by=request.user)
    if not outcome.failed:
        messages.success(request, done)
        return redirect("calibration-detail", pk=pk)
    return _render_detail(request, sessions.session_for(request.user, pk), status=outcome.status)


@require_http_methods(["GET", "POST"])
@role_required(*CALIBRATION_ROLES)
def calibration_edit(request, pk: int):
    session = sessions.session_for(request.user, pk)
    if not can_facilitate(session, request.user):
        raise PermissionDenied(ONLY_FACILITATOR)
    if session.status not in services.calibration.EDITABLE:
        messages.info(
            request, _("This session is %(s)s: it can no longer be changed.") % {"s": session.get_status_display()}
        )
        return redirect("calibration-detail", pk=pk)
    form = SessionEditForm(request.POST or None, session=session, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                services.calibration_session_edit(session=session, by=request.user, **form.changes())
            if not outcome.failed:
                messages.success(request, _("The session's calls and participants are saved."))
                return redirect("calibration-detail", pk=pk)
            status = outcome.status
    overview = sessions.session_overview(session, request.user)
    return render(
        request,
        "scoring/calibration/edit.html",
        {"session": session, "overview": overview, "form": form},
        status=status,
    )


@require_POST
@role_required(*CALIBRATION_ROLES)
def calibration_item_score(request, pk: int):
    """A participant's "Score this call": their evaluation of it, on the normal scoring page."""
    item = sessions.item_for(request.user, pk)
    with page_errors(request) as outcome:
        evaluation = services.calibration_start_scoring(item=item, by=request.user)
    if not outcome.failed:
        return redirect("evaluation-score", pk=evaluation.pk)
    return _render_detail(request, sessions.session_for(request.user, item.session_id), status=outcome.status)


@require_POST
@role_required(*CALIBRATION_ROLES)
def calibration_item_consensus(request, pk: int):
    """The facilitator records what the session agreed for one call (the scorecard's controls, a
    note per criterion and the overall notes)."""
    item = sessions.item_for(request.user, pk)
    version = ScorecardVersion.objects.prefetch_related("sections__criteria").get(pk=item.version_id)
    answers, errors = answers_from_post(request.POST, version)
    notes = {a.criterion_id: a.comment for a in answers}
    status = 400
    if not errors:
        with page_errors(request, fields=answer_error_keys(version)) as outcome:
            services.calibration_record_consensus(
                item=item, by=request.user, answers=answers, notes=request.POST.get("notes", "")
            )
        if not outcome.failed:
            messages.success(request, _("Consensus recorded for call %(call)s.") % {"call": item.call.external_id})
            return redirect(f"{reverse('calibration-detail', args=[item.session_id])}#item-{item.pk}")
        status, errors = outcome.status, outcome.field_errors
    else:
        messages.error(request, _("Correct the marked criteria, then record the consensus again."))
    session = sessions.session_for(request.user, item.session_id)
    return _render_detail(
        request, session, status=status, failed_item=(item.pk, answers, notes, request.POST.get("notes", ""), errors)
    )
