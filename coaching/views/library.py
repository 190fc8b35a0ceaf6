"""The call library's pages: the list (filterable by kind, category, criterion and curation), an
entry's page (the player starting at the moment, the note, the transcript), the recording behind
it, marking a call from its evaluation, editing, curating and removing entries.

Thin: the scope is `selectors.library.library_visible_to` (outside it: 404), the rules are
`permissions.library`, the writes `services.library`; refusals come back through `page_errors`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring.recordings import recording_response
from monitoring.redaction import transcript_for
from monitoring.selectors import is_private_line
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from scoring.selectors import evaluations_visible_to

from ..forms.library import EntryForm, LibraryFilterForm
from ..navigation.recognition import library_kudos
from ..permissions.library import (
    LIBRARY_ROLES,
    MARKER_ROLES,
    ONLY_CURATORS_OR_MARKER,
    can_curate,
    can_edit_entry,
    mark_refusal,
    sees_pending,
    shows_agent_name,
)
from ..selectors import library as selectors
from ..services import library as services
from ..services.library import format_offset

PAGE_SIZE = 25


@require_GET
@role_required(*LIBRARY_ROLES)
def library_list(request):
    user = request.user
    form = LibraryFilterForm(request.GET or None, sees_pending=sees_pending(user))
    visible = selectors.library_visible_to(user)
    status = 200
    if form.is_bound and not form.is_valid():
        rows, status = visible.none(), 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        rows = selectors.filter_entries(
            visible,
            selectors.LibraryQuery(
                **{key: data.get(key) or "" for key in ("kind", "category", "criterion", "status", "q")}
            ),
        )
    page = Paginator(rows.order_by("curated", "-marked_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(page)
    for entry in entries:
        entry.show_name = shows_agent_name(entry, user)
        entry.moment = format_offset(entry.time_offset)
    return render(
        request,
        "coaching/library/list.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "can_curate": can_curate(user),
            "sees_pending": sees_pending(user),
        },
        status=status,
    )


def _detail_context(request, entry) -> dict:
    user = request.user
    call = entry.call
    private = is_private_line(call.line)
    evaluation_visible = (
        entry.evaluation_id is not None and evaluations_visible_to(user).filter(pk=entry.evaluation_id).exists()
    )
    return {
        "entry": entry,
        "call": call,
        "can_hear": bool(call.recording) and not private,
        "show_name": shows_agent_name(entry, user),
        "moment": format_offset(entry.time_offset),
        "can_edit": can_edit_entry(entry, user),
        "can_curate": can_curate(user),
        "evaluation_visible": evaluation_visible,
        "transcript": transcript_for(request.user, call.transcript or []),
    }


@require_GET
@role_required(*LIBRARY_ROLES)
def library_detail(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    context = {**_detail_context(request, entry), "kudos_panel": library_kudos(request.user, entry)}
    return render(request, "coaching/library/detail.html", context)


@require_GET
@role_required(*LIBRARY_ROLES)
def library_recording(request, pk: int):
    """The entry's recording, with Range support, the listen logged (monitoring's ListenLog):
    the library's rule (curated entries for agents) stands in for the call's own scope, so an
    agent hears another agent's library call here and nowhere else."""
    entry = selectors.entry_for(request.user, pk)
    if is_private_line(entry.call.line):
        raise PermissionDenied(_("Calls on private lines are never monitored, recorded or shared."))
    return recording_response(request, entry.call)


@require_http_methods(["GET", "POST"])
@role_required(*MARKER_ROLES)
def library_mark(request, evaluation_id: int):
    evaluation = get_object_or_404(
        evaluations_visible_to(request.user).select_related("calibration_item__session"), pk=evaluation_id
    )
    refusal = mark_refusal(request.user, evaluation, on_private_line=is_private_line(evaluation.call.line))
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = EntryForm(request.POST or None, criteria=selectors.criterion_choices(evaluation))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with page_errors(request, form=form) as outcome:
                entry = services.library_mark(
                    by=request.user,
                    evaluation=evaluation,
                    kind=data["kind"],
                    title=data["title"],
                    note=data["note"],
                    time_offset=data["time_offset"],
                    category=data["category"],
                    criterion=form.criterion_object(),
                )
            if not outcome.failed:
                messages.success(request, _("Added to the call library; a trainer curates it before agents see it."))
                return redirect("coaching-library-detail", pk=entry.pk)
            status = outcome.status
    context = {
        "form": form,
        "evaluation": evaluation,
        "existing": selectors.entries_of_call(request.user, evaluation.call_id),
    }
    return render(request, "coaching/library/mark.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*MARKER_ROLES)
def library_edit(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    if not can_edit_entry(entry, request.user):
        raise PermissionDenied(ONLY_CURATORS_OR_MARKER)
    criteria = selectors.criterion_choices(entry.evaluation) if entry.evaluation_id else []
    current = next((pk_ for pk_, text in criteria if text == entry.criterion_text), None)
    initial = {
        "kind": entry.kind,
        "title": entry.title,
        "note": entry.note,
        "time_offset": entry.time_offset,
        "category": entry.category,
        "criterion": current,
    }
    form = EntryForm(request.POST or None, initial=initial, criteria=criteria)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            changes = {key: data[key] for key in ("kind", "title", "note", "time_offset", "category")}
            if criteria:
                changes["criterion"] = form.criterion_object()
            with page_errors(request, form=form) as outcome:
                services.library_edit(by=request.user, entry=entry, **changes)
            if not outcome.failed:
                messages.success(request, _("The library entry is saved."))
                return redirect("coaching-library-detail", pk=entry.pk)
            status = outcome.status
    return render(request, "coaching/library/edit.html", {"form": form, "entry": entry}, status=status)


@require_POST
@role_required(*LIBRARY_ROLES)
def library_curate(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    curated = request.POST.get("curated", "1") != "0"
    with page_errors(request) as outcome:
        services.library_set_curated(by=request.user, entry=entry, curated=curated)
    if outcome.failed:
        return render(request, "coaching/library/detail.html", _detail_context(request, entry), status=outcome.status)
    messages.success(
        request, _("In the library: agents can listen to it now.") if curated else _("Taken out of the library.")
    )
    return redirect("coaching-library-detail", pk=entry.pk)


@require_POST
@role_required(*LIBRARY_ROLES)
def library_remove(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    with page_errors(request) as outcome:
        services.library_remove(by=request.user, entry=entry)
    if outcome.failed:
        return render(request, "coaching/library/detail.html", _detail_context(request, entry), status=outcome.status)
    messages.success(request, _("The entry is removed from the library."))
    return redirect("coaching-library")
