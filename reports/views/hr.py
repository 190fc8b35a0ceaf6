"""The HR export page (/hr/export/): HR and managers choose a month and download its bonus
figures as CSV or XLSX; managers close a month from here. HR sees numbers only — no
comments, no recordings, no performance pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring.selectors import Period, month_or_none
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import export
from ..forms import ExportForm
from ..models import MonthClose
from ..permissions import HR_EXPORT_ROLES, MONTH_CLOSE_ROLES, can_close_month
from ..selectors.performance import close_of
from ..services.close import month_close

RECENT_CLOSES = 12


def last_month() -> Period:
    today = timezone.localdate()
    return Period(today.year, today.month).previous


def _contents(period: Period) -> dict:
    """What the month's export holds, shown before it is downloaded (the same figures the file
    has): agents, evaluations counted, agents with a performance score, adjustment rows."""
    data = export.bonus_export(period)
    results = [row for row in data.rows if row["row_type"] == export.RESULT]
    return {
        "agents": len(results),
        "evaluations": sum(row["evaluations"] or 0 for row in results),
        "scored": sum(1 for row in results if row["total"] is not None),
        "adjustments": data.adjustment_count,
        "qa_average_label": next(c.label for c in data.columns if c.key == "qa_average"),
    }


def _render(request, form, period: Period, status: int = 200):
    closes = list(MonthClose.objects.select_related("closed_by").order_by("-month")[:RECENT_CLOSES])
    return render(
        request,
        "reports/hr_export.html",
        {
            "form": form,
            "period": period,
            "close": close_of(period),
            "contents": _contents(period),
            "closes": closes,
            "is_over": period.end <= timezone.now(),
            "can_close": can_close_month(request.user),
        },
        status=status,
    )


@role_required(*HR_EXPORT_ROLES)
@require_GET
def hr_export(request):
    if "format" in request.GET:
        form = ExportForm(request.GET)
        if form.is_valid():
            return export.download(form.cleaned_data["month"], form.cleaned_data["format"])
        period = month_or_none(request.GET.get("month")) or last_month()
        return _render(request, form, period, status=400)
    period = month_or_none(request.GET.get("month")) or last_month()
    form = ExportForm(initial={"month": period.label, "format": "xlsx"})
    return _render(request, form, period)


@role_required(*MONTH_CLOSE_ROLES)
@require_POST
def hr_month_close(request, month: str):
    period = month_or_none(month)
    if period is None:
        raise Http404(_("No such month."))
    with page_errors(request) as outcome:
        close = month_close(month=period, by=request.user)
    if outcome.failed:
        return _render(request, ExportForm(initial={"month": period.label, "format": "xlsx"}), period, outcome.status)
    messages.success(
        request,
        _("%(month)s is closed: %(n)s agents' figures frozen, %(a)s adjustments stored.")
        % {"month": period.label, "n": close.results_count, "a": close.adjustments_count},
    )
    return redirect(f"{reverse('hr-export')}?month={period.label}")
