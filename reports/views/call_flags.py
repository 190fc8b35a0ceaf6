"""Automatic QA flags over every call (/reports/call-flags/): per line of business, team and
agent, each flag's rate over the month's analysed calls beside the human QA average on the
evaluated ones (`selectors.call_flags`). The dashboard's readers, scoped as it is: a supervisor
sees their teams; agents and HR are refused (403). A line outside the reader's reach, or no such
one, is a 404.

Agents are listed highest any-flag rate first: the first `TOP_AGENTS`, or with `?agents=all`
every one, `AGENT_PAGE_SIZE` a page (each rate's Wilson interval costs a fraction of a
millisecond, so a page of a 2,000-agent center is not rendered at once). Each agent links to the
call search for their calls of the month (and line)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from monitoring.filters import month_query
from qa_platform.permissions import role_required

from ..permissions import DASHBOARD_ROLES, center_label, lines_visible_to
from ..selectors.call_flags import call_flag_report
from ..selectors.periods import month_or_latest
from ..selectors.qa_figure import qa_average_label
from .root_causes import _chosen  # the reports' one reading of ?line= (404 outside the reader's lines)

TOP_AGENTS = 20
AGENT_PAGE_SIZE = 100


def _call_search(query: dict) -> str:
    return f"{reverse('call-list')}?{urlencode(query)}"


@role_required(*DASHBOARD_ROLES)
@require_GET
def call_flags(request):
    period = month_or_latest(request.GET.get("month"))
    lines = list(lines_visible_to(request.user).order_by("name", "pk"))
    line = _chosen(lines, request.GET.get("line"))
    report = call_flag_report(user=request.user, period=period, line_id=line.pk if line else None)
    show_all = request.GET.get("agents") == "all"
    base = {**month_query(period), **({"line_of_business": line.code} if line else {})}
    page = Paginator(report.agents, AGENT_PAGE_SIZE).get_page(request.GET.get("page")) if show_all else None
    agents = [
        {"group": g, "calls_url": _call_search({"agent": g.employee_id, **base})}
        for g in (page.object_list if show_all else report.agents[:TOP_AGENTS])
    ]
    teams = [{"group": g, "calls_url": _call_search({"team": g.pk, **base})} for g in report.teams]
    return render(
        request,
        "reports/call_flags.html",
        {
            "period": period,
            "report": report,
            "lines": lines,
            "line": line,
            "center_label": center_label(request.user),
            "qa_average_label": qa_average_label(report.qa_figure),
            "teams": teams,
            "agents": agents,
            "agents_total": len(report.agents),
            "show_all": show_all,
            "page": page,
            "top_agents": TOP_AGENTS,
        },
    )
