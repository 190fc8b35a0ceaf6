"""The generated PDF reports (DESIGN.md §6): the list a user may download, the download, and a
manager's "Generate now" for a month.

Thin: who sees which report is `permissions.reports_visible_to` (a report outside it is a 404);
generating is the month-end task (`tasks.generate_month`): run in-process when there is no
broker (eager), kept in the outbox until it is back when the broker cannot be reached
(qa_platform/jobs.py), never run in the request then (a month takes minutes at scale).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring.selectors import Period, month_or_none
from planning.periods import week_label
from qa_platform.jobs import State, send_now
from qa_platform.permissions import role_required

from ..models import GeneratedReport, ReportKind
from ..permissions import REPORT_GENERATOR_ROLES, REPORT_ROLES, can_generate_reports, reports_visible_to
from ..tasks import generate_month, previous_month

PAGE_SIZE = 50
SORTS = {
    "period": ("period_start", "kind", "pk"),
    "-period": ("-period_start", "kind", "pk"),
    "kind": ("kind", "-period_start", "pk"),
    "-kind": ("-kind", "-period_start", "pk"),
    "generated": ("generated_at", "pk"),
    "-generated": ("-generated_at", "-pk"),
    "size": ("size", "pk"),
    "-size": ("-size", "-pk"),
}
DEFAULT_SORT = "-period"


def scope_label(report: GeneratedReport) -> str:
    """What the report covers, as a person reads it."""
    if report.agent_id:
        return f"{report.agent.name} ({report.agent.employee_id})"
    if report.team_id:
        return report.team.name
    if report.line_of_business_id:
        return report.line_of_business.name
    return _("Whole center")


def period_label(report: GeneratedReport) -> str:
    if report.kind == ReportKind.DAILY:
        return report.period_start.isoformat()
    if report.kind == ReportKind.WEEKLY:
        return week_label(report.period_start)
    return Period(report.period_start.year, report.period_start.month).label


def download_name(report: GeneratedReport) -> str:
    """The file name a browser saves: kind, scope, period and language, e.g.
    `agent-E10039-2026-11-zh-hans.pdf` (non-ASCII names are sent RFC 6266-encoded)."""
    if report.agent_id:
        scope = report.agent.employee_id
    elif report.team_id:
        scope = report.team.name
    elif report.line_of_business_id:
        scope = report.line_of_business.code
    else:
        scope = ""
    parts = [report.kind, scope, period_label(report), report.language]
    return get_valid_filename("-".join(p for p in parts if p)) + ".pdf"


def _list_context(request) -> dict:
    reports = reports_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    else:
        kind = ""
    month = month_or_none(request.GET.get("month"))
    if month is not None:
        first = dt.date(month.year, month.month, 1)
        after = dt.date(month.next.year, month.next.month, 1)
        reports = reports.filter(period_start__gte=first, period_start__lt=after)
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    page = Paginator(reports.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    for report in page:
        report.scope_label = scope_label(report)
        report.period_label = period_label(report)
    params = request.GET.copy()
    for key in ("page", "sort"):
        params.pop(key, None)
    return {
        "page": page,
        "kinds": ReportKind.choices,
        "kind": kind,
        "month": month.label if month else "",
        "sort": sort,
        "sort_querystring": params.urlencode(),
        "can_generate": can_generate_reports(request.user),
        "generate_month": previous_month().label,
        "languages": settings.LANGUAGES,
        "language": get_language(),
    }


@role_required(*REPORT_ROLES)
@require_GET
def report_list(request):
    return render(request, "reports/files.html", _list_context(request))


@role_required(*REPORT_ROLES)
@require_GET
def report_download(request, pk: int):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404(_("The report's file is missing; generate the report again.")) from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=download_name(report))
    return response


@role_required(*REPORT_GENERATOR_ROLES)
@require_POST
def report_generate(request):
    """Generate a month's reports now (the month-end task's work, on demand)."""
    raw = request.POST.get("month", "")
    month = month_or_none(raw)
    language = request.POST.get("language") or get_language()
    errors = {}
    if month is None:
        errors["month"] = _("“%(value)s” is not a month like 2026-11.") % {"value": raw}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the product's languages.")
    if errors:
        context = _list_context(request) | {"generate_errors": errors, "generate_month": raw}
        return render(request, "reports/files.html", context, status=400)

    dispatch = send_now(generate_month, month=month.label, language=language, by=request.user.pk)
    if dispatch.state == State.RAN:
        written = dispatch.result["reports"]
        messages.success(
            request,
            ngettext("%(n)s report generated for %(month)s.", "%(n)s reports generated for %(month)s.", written)
            % {"n": written, "month": month.label},
        )
    elif dispatch.state == State.QUEUED:
        messages.info(
            request,
            _("The reports for %(month)s are being generated; they appear here when they are done.")
            % {"month": month.label},
        )
    else:
        messages.warning(
            request,
            _(
                "The task queue is not answering. The reports for %(month)s are queued and will be "
                "generated when it is back; they appear here when they are done."
            )
            % {"month": month.label},
        )
    return redirect(f"{reverse('report-list')}?{urlencode({'month': month.label})}")
