"""Automatic answers' agreement with people (/auto-qa/agreement/): per line of business and
source (a phrase rule or a measure), how often the people who reviewed a pre-filled answer
confirmed or overrode it, Cohen's kappa with its 95 % interval, precision and recall with theirs,
n, and whether the source is trusted yet (the calibration policy's thresholds). Read by those
who read scoring reliability (`RELIABILITY_ROLES`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monitoring.models import LineOfBusiness
from qa_platform.permissions import role_required

from .. import selectors_auto
from ..models import CalibrationPolicy
from ..permissions import RELIABILITY_ROLES, can_edit_calibration_policy


@login_required
@require_GET
@role_required(*RELIABILITY_ROLES)
def auto_agreement(request):
    lines = list(LineOfBusiness.objects.order_by("name"))
    raw = request.GET.get("line", "")
    line = next((lob for lob in lines if lob.code == raw), None)
    status = 400 if raw and line is None else 200
    rows = selectors_auto.agreements(line=line.pk if line else None)
    return render(
        request,
        "scoring/auto_agreement.html",
        {
            "rows": rows,
            "lines": lines,
            "line": line,
            "line_error": status == 400,
            "policy": CalibrationPolicy.current(),
            "can_edit_policy": can_edit_calibration_policy(request.user),
        },
        status=status,
    )
