"""The coaching overview pages: the trainer's landing page and the coaching report. Thin: the
role check (`permissions.overview`), one selector, render."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from qa_platform.permissions import role_required

from ..permissions.overview import HOME_ROLES, REPORT_ROLES
from ..permissions.plans import can_create_plans
from ..selectors.effect import BEFORE_DAYS
from ..selectors.home import PLANS_DUE_DAYS, REVIEWS_DUE_DAYS, home_for
from ..selectors.report import coaching_report_for


@require_GET
@role_required(*HOME_ROLES)
def coaching_home(request):
    return render(
        request,
        "coaching/home.html",
        {
            "home": home_for(request.user),
            "plans_due_days": PLANS_DUE_DAYS,
            "reviews_due_days": REVIEWS_DUE_DAYS,
            "can_create_plans": can_create_plans(request.user),
        },
    )


@require_GET
@role_required(*REPORT_ROLES)
def coaching_report(request):
    return render(
        request,
        "coaching/report.html",
        {"report": coaching_report_for(request.user), "before_days": BEFORE_DAYS},
    )
