"""The reliability page: the rolling agreement of double-scored calls (DESIGN.md §4)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from monitoring.models import LineOfBusiness
from qa_platform.permissions import role_required

from .. import selectors_reliability as rel
from ..permissions import RELIABILITY_ROLES

LAST_MIN, LAST_MAX, LAST_DEFAULT = 10, 1000, 200


def _last(raw: str | None) -> int | None:
    if raw in (None, ""):
        return LAST_DEFAULT
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if LAST_MIN <= value <= LAST_MAX else None


@login_required
@require_GET
@role_required(*RELIABILITY_ROLES)
def reliability(request):
    line = request.GET.get("line") or None
    last = _last(request.GET.get("last"))
    context = {
        "lines": list(LineOfBusiness.objects.filter(active=True).values("code", "name")),
        "line_value": line or "",
        "last_value": request.GET.get("last", LAST_DEFAULT),
        "last_min": LAST_MIN,
        "last_max": LAST_MAX,
        "tolerance": rel.DEFAULT_TOLERANCE,
    }
    if last is None:
        context["field_error"] = {
            "field": "last",
            "message": _("“last” must be a whole number from %(lo)s to %(hi)s.") % {"lo": LAST_MIN, "hi": LAST_MAX},
        }
        return render(request, "scoring/reliability.html", context, status=400)
    pairs = rel.double_scored_pairs(line=line, last=last)
    lines = rel.line_reliability(pairs, tolerance=rel.DEFAULT_TOLERANCE)
    context.update(
        last_value=last,
        pairs=pairs,
        line_rows=lines,
        criteria=rel.criterion_reliability(pairs),
        evaluator_pairs=rel.evaluator_pair_reliability(pairs),
        beyond=[p for row in lines for p in row.beyond_tolerance],
    )
    return render(request, "scoring/reliability.html", context)
