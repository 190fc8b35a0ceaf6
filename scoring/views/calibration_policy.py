"""The calibration policy page (/calibration/policy/): managers and admins change the tolerance,
calls per proposed session, the weekly proposal, the reliability figure's pairs, the dispute
re-score deadline and how long an evaluator stays calibrated; every save goes through
`services.calibration_policy_update` and lands in the history shown below the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required
from qa_platform.settings_rows import settings_row_history

from .. import services
from ..forms import CalibrationPolicyForm
from ..models import CalibrationPolicy
from ..permissions import CALIBRATION_POLICY_ROLES
from ..services.calibration_policy import POLICY_FIELDS

HISTORY_SHOWN = 20


def _label(name: str) -> str:
    return str(CalibrationPolicy._meta.get_field(name).verbose_name)


def policy_history(limit: int = HISTORY_SHOWN) -> list[dict]:
    """The policy's latest saves, newest first (qa_platform.settings_rows)."""
    return settings_row_history(CalibrationPolicy, POLICY_FIELDS, limit)


def _render(request, form, *, status: int = 200):
    context = {"form": form, "history": policy_history()}
    return render(request, "scoring/calibration_policy.html", context, status=status)


@login_required
@role_required(*CALIBRATION_POLICY_ROLES)
@require_http_methods(["GET", "POST"])
def calibration_policy(request):
    policy = CalibrationPolicy.current()
    if request.method == "GET":
        return _render(request, CalibrationPolicyForm(instance=policy))
    form = CalibrationPolicyForm(request.POST, instance=policy)
    if not form.is_valid():
        return _render(request, form, status=400)
    with page_errors(request, form=form) as outcome:
        services.calibration_policy_update(by=request.user, values=form.cleaned_data)
    if outcome.failed:
        return _render(request, form, status=outcome.status)
    messages.success(request, _("Calibration policy saved."))
    return redirect("calibration-policy")
