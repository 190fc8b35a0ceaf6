"""The reliability page: the rolling agreement of double-scored calls and its trend by month
(DESIGN.md §4), and the pairs beyond the policy's tolerance, each proposed for calibration."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring.models import Call, LineOfBusiness
from qa_platform.charts import Item, Series, nice_step, trend_chart
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import permissions, services
from .. import selectors_reliability as rel
from ..models import CalibrationPolicy
from ..permissions import CALIBRATION_RUNNER_ROLES, RELIABILITY_ROLES

ALPHA_COLOUR, ICC_COLOUR = "#1f6feb", "#c2410c"


def _last_limits() -> tuple[int, int]:
    """The page's ?last= bounds: the policy's own limits for its number of pairs."""
    validators = CalibrationPolicy._meta.get_field("reliability_pairs").validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


def _last(raw: str | None, default: int) -> int | None:
    if raw in (None, ""):
        return default
    low, high = _last_limits()
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _trend_chart(trend: rel.LineTrend):
    """Alpha and ICC(2,1) by month on one axis from 1 down to a round value at or under the
    lowest interval end (0 at the highest), with Krippendorff's .800 line."""
    labels = [formats.date_format(m.month, "YEAR_MONTH_FORMAT") for m in trend.months]
    alpha = [
        Item(label, m.alpha.value, n=m.n, low=m.alpha.low, high=m.alpha.high)
        for label, m in zip(labels, trend.months, strict=True)
    ]
    icc = [
        Item(label, m.icc.value, n=m.n, low=m.icc.low, high=m.icc.high) if m.icc else Item(label, None, n=m.n)
        for label, m in zip(labels, trend.months, strict=True)
    ]
    lowest = min([v for i in alpha + icc for v in (i.value, i.low) if v is not None], default=0.0)
    step = nice_step(1.0 - min(0.0, lowest))
    low = max(-1.0, math.floor(min(0.0, lowest) / step + 1e-9) * step)  # ticks fall on round values
    series = [Series(_("Alpha (interval)"), alpha, ALPHA_COLOUR), Series("ICC(2,1)", icc, ICC_COLOUR)]
    return trend_chart(labels, series, low=low, high=1.0, references=(0.8,))


def _context(request) -> tuple[dict, int]:
    policy = CalibrationPolicy.current()
    line = request.GET.get("line") or None
    last = _last(request.GET.get("last"), policy.reliability_pairs)
    low, high = _last_limits()
    tolerance = float(policy.tolerance)
    context = {
        "lines": list(LineOfBusiness.objects.filter(active=True).values("code", "name")),
        "line_value": line or "",
        "last_value": request.GET.get("last", policy.reliability_pairs),
        "last_min": low,
        "last_max": high,
        "tolerance": policy.tolerance,
        "can_propose": permissions.can_run_calibration(request.user),
        "can_edit_policy": permissions.can_edit_calibration_policy(request.user),
    }
    if last is None:
        context["field_error"] = {
            "field": "last",
            "message": _("“last” must be a whole number from %(lo)s to %(hi)s.") % {"lo": low, "hi": high},
        }
        return context, 400
    pairs = rel.double_scored_pairs(line=line, last=last)
    lines = rel.line_reliability(pairs, tolerance=tolerance)
    beyond = [p for row in lines for p in row.beyond_tolerance]
    sessions = rel.sessions_of_calls(p.call_id for p in beyond)
    trend = rel.reliability_trend(line=line)
    context.update(
        last_value=last,
        pairs=pairs,
        line_rows=lines,
        criteria=rel.criterion_reliability(pairs),
        evaluator_pairs=rel.evaluator_pair_reliability(pairs),
        beyond=[(p, sessions.get(p.call_id)) for p in beyond],
        trend=[(t, _trend_chart(t)) for t in trend],
        back=urlencode({k: v for k, v in (("line", line), ("last", request.GET.get("last"))) if v}),
    )
    return context, 200


@login_required
@require_GET
@role_required(*RELIABILITY_ROLES)
def reliability(request):
    context, status = _context(request)
    return render(request, "scoring/reliability.html", context, status=status)


@login_required
@require_POST
@role_required(*CALIBRATION_RUNNER_ROLES)
def reliability_propose(request):
    """ "Propose for calibration" on a pair beyond tolerance: the call joins its line's next
    proposed session (`services.calibration_propose_call`); back to the page it came from."""
    raw = request.POST.get("call", "")
    call = get_object_or_404(Call, pk=int(raw)) if raw.isdigit() else None
    if call is None:
        messages.error(request, _("“call” must be the id of a call."))
        return _back(request, status=400)
    with page_errors(request) as outcome:
        item = services.calibration_propose_call(call=call, by=request.user)
    if outcome.failed:
        return _back(request, status=outcome.status)
    messages.success(
        request, _("Call %(call)s was added to “%(title)s”.") % {"call": call, "title": item.session.title}
    )
    return redirect(_back_url(request))


def _back_query(request) -> QueryDict:
    """The page's filters the form came from (its `back` field), re-parsed: only a query string."""
    return QueryDict(request.POST.get("back", ""))


def _back_url(request) -> str:
    query = _back_query(request).urlencode()
    return reverse("reliability") + (f"?{query}" if query else "")


def _back(request, *, status: int):
    """The refusal shown on the page itself, with its status (400, 403, 409)."""
    request.GET = _back_query(request)
    context, _status = _context(request)
    return render(request, "scoring/reliability.html", context, status=status)
