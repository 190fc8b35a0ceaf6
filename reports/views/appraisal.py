"""Evaluator appraisal pages (issue 9): the month's table of every evaluator for managers and
admins (/appraisal/), an evaluator's own months (/appraisal/me/, or /appraisal/<id>/ for a
manager), and the appraisal policy (/appraisal/settings/). Who may see what:
`permissions.can_view_appraisal_of`; the figures: `selectors.appraisal`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import charts
from ..forms import AppraisalPolicyForm
from ..models import AppraisalPolicy
from ..permissions import (
    APPRAISAL_ALL_ROLES,
    APPRAISAL_OWN_ROLES,
    APPRAISAL_POLICY_ROLES,
    can_edit_appraisal_policy,
    can_view_all_appraisals,
    require_appraisal_of,
)
from ..selectors.appraisal import appraised_user, center_appraisal, evaluator_appraisal, policy_history
from ..selectors.periods import month_or_latest
from ..services import appraisal as services


def _size(value):
    return None if value is None else abs(value)


SORTS = {
    "name": lambda r: (r.person.name.lower(), r.person.user_id),
    "score": lambda r: r.month.score.value,
    "on_time": lambda r: r.month.on_time.rate,
    "feedback": lambda r: r.month.feedback.share.rate,
    "time": lambda r: r.month.time.median,
    "deviation": lambda r: r.month.calibration.deviation,
    "alignment": lambda r: r.month.calibration.alignment,
    "consensus": lambda r: _size(r.month.calibration.offset.mean),
    "second": lambda r: _size(r.month.vs_second.mean),
    "disputes": lambda r: r.month.disputes.rate,
    "drift": lambda r: len(r.month.drift),
}
DEFAULT_SORT = "name"


def _sorted(rows: list, sort: str | None) -> tuple[list, str]:
    """Rows by `sort` ("-key" descending); rows without the figure come last either way."""
    sort = sort if sort and sort.lstrip("-") in SORTS else DEFAULT_SORT
    key = SORTS[sort.lstrip("-")]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing, sort


@role_required(*APPRAISAL_ALL_ROLES)
@require_GET
def appraisal_list(request):
    period = month_or_latest(request.GET.get("month"))
    appraisal = center_appraisal(period=period)
    rows, sort = _sorted(appraisal.rows, request.GET.get("sort"))
    return render(
        request,
        "reports/appraisal_list.html",
        {
            "period": period,
            "appraisal": appraisal,
            "policy": appraisal.policy,
            "rows": rows,
            "sort": sort,
            "can_edit_policy": can_edit_appraisal_policy(request.user),
        },
    )


def _evaluator_page(request, user_id: int):
    require_appraisal_of(request.user, user_id)
    person = appraised_user(user_id)
    if person is None:
        raise Http404(_("No such evaluator."))
    period = month_or_latest(request.GET.get("month"))
    appraisal = evaluator_appraisal(person=person, period=period)
    items = [charts.Item(m.period.label, m.score.value, n=m.score.used) for m in appraisal.months]
    return render(
        request,
        "reports/appraisal_detail.html",
        {
            "period": period,
            "appraisal": appraisal,
            "policy": appraisal.policy,
            "person": person,
            "own": person.user_id == request.user.pk,
            "chart": charts.line_chart(items, height=200),
            "can_see_all": can_view_all_appraisals(request.user),
        },
    )


@role_required(*APPRAISAL_OWN_ROLES, *APPRAISAL_ALL_ROLES)
@require_GET
def appraisal_me(request):
    return _evaluator_page(request, request.user.pk)


@role_required(*APPRAISAL_OWN_ROLES, *APPRAISAL_ALL_ROLES)
@require_GET
def appraisal_detail(request, user_id: int):
    return _evaluator_page(request, user_id)


@role_required(*APPRAISAL_POLICY_ROLES)
@require_http_methods(["GET", "POST"])
def appraisal_settings(request):
    policy = AppraisalPolicy.current()
    form = AppraisalPolicyForm(request.POST or None, instance=policy)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                services.appraisal_policy_update(by=request.user, **form.cleaned_data)
            if not outcome.failed:
                messages.success(request, _("Appraisal policy saved."))
                return redirect("appraisal-settings")
            status = outcome.status
    return render(
        request,
        "reports/appraisal_settings.html",
        {"form": form, "history": policy_history()},
        status=status,
    )
