"""Performance score pages: the month's scores of the agents one may see, and one agent-month's
"why this score". Managers, admins, QA and trainers see everyone; a supervisor their teams'
agents; an agent only their own page; HR none (HR has the export, numbers only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from monitoring.selectors import Period, teams_visible_to
from qa_platform.permissions import role_required
from qa_platform.roles import CENTER_WIDE_ROLES, user_roles
from qa_platform.templatetags.qa_tags import duration

from ..models import ComponentSource, QAFigure
from ..permissions import PERFORMANCE_LIST_ROLES, PERFORMANCE_ROLES, can_edit_performance_settings
from ..selectors.adjustments import adjustments_for, pending_adjustments
from ..selectors.performance import (
    TWO_DECIMALS,
    ComponentResult,
    config_as_of,
    current_config,
    performance_agents_visible_to,
    qa_average_label,
    results_for,
    round_half_up,
)
from ..selectors.periods import month_or_latest

PAGE_SIZE = 50
SORTS = {
    "name": lambda r: (r.name, r.employee_id),
    "employee_id": lambda r: r.employee_id,
    "team": lambda r: (r.team_name, r.name),
    "evaluations": lambda r: (r.evaluations, r.employee_id),
    "qa_average": lambda r: (r.qa_average is not None, r.qa_average or 0, r.employee_id),
    "total": lambda r: (r.total is not None, r.total or 0, r.employee_id),
}
DEFAULT_SORT = "-total"


def _sorted(results: list, sort: str | None) -> tuple[list, str]:
    sort = sort if sort and sort.lstrip("-") in SORTS else DEFAULT_SORT
    return sorted(results, key=SORTS[sort.lstrip("-")], reverse=sort.startswith("-")), sort


@role_required(*PERFORMANCE_LIST_ROLES)
@require_GET
def performance_list(request):
    period = month_or_latest(request.GET.get("month"))
    visible = performance_agents_visible_to(request.user)
    teams = list(teams_visible_to(request.user).order_by("name"))
    team_id = request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == team_id), None)
    if team is not None:
        visible = visible.filter(team=team)
    whole_center = bool(user_roles(request.user) & CENTER_WIDE_ROLES) and team is None
    ids = None if whole_center else list(visible.values_list("pk", flat=True))
    close, results = results_for(period, agent_ids=ids)
    results, sort = _sorted(results, request.GET.get("sort"))
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/performance_list.html",
        {
            "period": period,
            "close": close,
            "page": page,
            "count": len(results),
            "sort": sort,
            # The month's QA figure (its rows all share it): the column says what it averages.
            "qa_average_label": qa_average_label(results[0].qa_figure) if results else _("QA average"),
            "teams": teams,
            "team": team,
            "can_edit_settings": can_edit_performance_settings(request.user),
        },
    )


def _figure(c: ComponentResult, qa_figure: str = QAFigure.AGENT_SCORE) -> str:
    """The raw figure a component's score comes from, as a person reads it (a QA average says
    whether it averages agent scores or interaction totals)."""
    source, raw, n = c.spec.source, c.raw, c.basis or 0
    if raw is None:
        return "–"
    if source == ComponentSource.QA:
        of = ngettext("%(n)s evaluation", "%(n)s evaluations", n) % {"n": n}
        if qa_figure == QAFigure.TOTAL:
            text = _("%(avg)s average interaction total of %(n)s")
        else:
            text = _("%(avg)s average agent score of %(n)s")
        return text % {"avg": number_format(round_half_up(raw), 1), "n": of}
    if source == ComponentSource.CSAT:
        return _("%(avg)s of 5, from %(n)s") % {
            "avg": number_format(round_half_up(raw, TWO_DECIMALS), 2),
            "n": ngettext("%(n)s survey", "%(n)s surveys", n) % {"n": n},
        }
    if source in (ComponentSource.HANDLE_TIME, ComponentSource.ACW):
        return _("%(avg)s average over %(n)s (target %(target)s)") % {
            "avg": duration(raw),
            "n": ngettext("%(n)s call", "%(n)s calls", n) % {"n": n},
            "target": duration(c.spec.target_seconds) if c.spec.target_seconds else "–",
        }
    return _("%(value)s imported") % {"value": number_format(round_half_up(raw), 1)}


def _rule(c: ComponentResult) -> str:
    """How the component turns its figure into 0–100."""
    source = c.spec.source
    if source == ComponentSource.QA:
        return _("the QA average itself")
    if source == ComponentSource.CSAT:
        return _("(CSAT − 1) ÷ 4 × 100")
    if source in (ComponentSource.HANDLE_TIME, ComponentSource.ACW):
        return _("100 up to the target, falling linearly to 0 at twice the target")
    return _("the imported value itself")


def explanation(result) -> dict:
    components = [
        {"c": c, "figure": _figure(c, result.qa_figure), "rule": _rule(c), "dropped_because": c.dropped_because}
        for c in result.performance.components
    ]
    dropped = result.performance.dropped
    counted = result.performance.counted_weight
    return {"rows": components, "dropped": dropped, "counted_weight": counted}


def _current_month() -> Period:
    today = timezone.localdate()
    return Period(today.year, today.month)


@role_required(*PERFORMANCE_ROLES)
@require_GET
def performance_detail(request, agent_id: int):
    agent = get_object_or_404(performance_agents_visible_to(request.user), pk=agent_id)
    period = month_or_latest(request.GET.get("month"))
    close, results = results_for(period, agent_ids=[agent.pk])
    result = results[0] if results else None
    config = config_as_of(close.closed_at) if close else current_config()
    paid_here = adjustments_for(period, closed=close is not None, agent_ids=[agent.pk])
    # A closed month's figures stay as paid; a change since shows here as what a later month pays.
    later = []
    if close is not None:
        later = [
            line for line in pending_adjustments(_current_month(), agent_ids=[agent.pk]) if line.of_month == period
        ]
    return render(
        request,
        "reports/performance_detail.html",
        {
            "agent": agent,
            "period": period,
            "close": close,
            "result": result,
            "explanation": explanation(result) if result else None,
            "bands": config.bands,
            "paid_here": paid_here,
            "later": later,
        },
    )
