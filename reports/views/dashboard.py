"""The QA dashboard page (DESIGN.md §6). Thin: parse the month and scope, check the scope
(`permissions.require_scope`), call the selector, lay the charts out, render.

Drill-down: every figure links to the evaluations or calls behind it, with the filters those
lists have. The call list (`monitoring.filters.CallFilter`) filters by agent, team, line, shift,
direction, service type and dates, so a figure's calls are exactly the calls of its scope, month
and group. The evaluation list (`scoring.forms.EvaluationFilterForm`) filters only by agent (name
or employee id), status and kind, so its links narrow to the scope's agent, regular evaluations
and a status or a sort by score where that helps, and cannot narrow to a month, team or group.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .. import charts
from ..permissions import dashboard_scopes, format_scope, parse_scope, require_scope
from ..selectors import dashboard as selectors
from ..selectors.dashboard import Dashboard, GroupRow
from ..selectors.periods import month_or_latest
from ..selectors.qa import Scope

# The comparisons, in page order: (key in Dashboard.groups, the call list's filter for its key).
GROUP_FILTERS = {
    "team": "team",
    "agent": None,
    "line": "line_of_business",
    "shift": "shift",
    "direction": "direction",
    "service_type": "service_type",
    "method": None,
}


def month_dates(period) -> dict[str, str]:
    """The call list's date filters covering `period` (its dates are the center's)."""
    last = calendar.monthrange(period.year, period.month)[1]
    return {
        "date_from": dt.date(period.year, period.month, 1).isoformat(),
        "date_to": dt.date(period.year, period.month, last).isoformat(),
    }


class Drill:
    """Links from a figure to the rows behind it, for one dashboard (scope and month)."""

    def __init__(self, board: Dashboard):
        self.board = board

    def _scope_calls(self) -> dict:
        board = self.board
        if board.agent is not None:
            return {"agent": board.agent.employee_id}
        if board.scope.kind == Scope.TEAM:
            return {"team": board.scope.pk}
        if board.line is not None:
            return {"line_of_business": board.line.code}
        return {}

    def calls(self, period=None, **filters) -> str:
        """The call list for the scope and month (or `period`), narrowed by `filters`."""
        dates = month_dates(period or self.board.period)
        query = {**self._scope_calls(), **dates, **{k: v for k, v in filters.items() if v not in (None, "")}}
        return f"{reverse('call-list')}?{urlencode(query)}"

    def evaluations(self, **filters) -> str:
        query = {"kind": "regular"}
        if self.board.agent is not None:
            query["agent"] = self.board.agent.employee_id
        query.update({k: v for k, v in filters.items() if v})
        return f"{reverse('evaluation-list')}?{urlencode(query)}"

    def scope(self, scope: Scope) -> str:
        return f"{reverse('dashboard')}?{urlencode({'scope': format_scope(scope), 'month': self.board.period.label})}"


def _group_rows(board: Dashboard, drill: Drill) -> list[dict]:
    """Each comparison with its chart and rows, every row with its drill-down links."""
    out = []
    for key, call_filter in GROUP_FILTERS.items():
        rows: list[GroupRow] = board.groups.get(key)
        if rows is None:
            continue
        items, table = [], []
        for row in rows:
            links = {}
            if call_filter and row.key not in (None, ""):
                links["calls"] = drill.calls(**{call_filter: row.key})
            if key == "agent":
                links["dashboard"] = drill.scope(Scope(Scope.AGENT, row.key))
                links["calls"] = drill.calls(agent=row.code)
            if key == "team":
                links["dashboard"] = drill.scope(Scope(Scope.TEAM, row.key))
            links["evaluations"] = drill.evaluations(agent=row.code)
            items.append(charts.Item.of_mean(row.label, row.stats, links.get("calls") or links["evaluations"]))
            table.append({"row": row, "links": links})
        out.append({"key": key, "chart": charts.hbar_chart(items), "rows": table})
    return out


def _pareto(rows: list[dict], label_key: str, drill: Drill) -> dict:
    """A Pareto's chart, and its rows each with the bar it is drawn as."""
    items = [
        charts.Item(
            label=row[label_key],
            value=row["lost"],
            n=row["answers"],
            line=row["cumulative"],
            href=drill.evaluations(sort="score"),
        )
        for row in rows
    ]
    table = [{**row, "share_pct": 100 * row["share"], "cumulative_pct": 100 * row["cumulative"]} for row in rows]
    return {"chart": charts.pareto_chart(items), "rows": rows, "pairs": list(zip(table, items, strict=True))}


def _context(request, board: Dashboard) -> dict:
    drill = Drill(board)
    trend = [charts.Item.of_mean(p.period.label, p.stats, drill.calls(p.period)) for p in board.trend]
    # The evaluation list cannot filter by score: a band links to it sorted so that the band's
    # evaluations come first (lowest first below the average, highest first above it).
    mean = board.summary.mean or 0
    bands = [
        charts.Item(
            label=f"{low}–{high}",
            value=count,
            href=drill.evaluations(sort="score" if high <= mean else "-score"),
        )
        for low, high, count in board.distribution
    ]
    options = dashboard_scopes(request.user)
    groups = {}
    for option in options:
        groups.setdefault(option.group, []).append(option)
    return {
        "board": board,
        "period": board.period,
        "scope_value": format_scope(board.scope),
        "scope_groups": groups,
        "month_value": board.period.label,
        "trend_chart": charts.line_chart(trend),
        "trend_rows": list(zip(board.trend, trend, strict=True)),
        "distribution_chart": charts.bar_chart(bands),
        "distribution_rows": list(zip(board.distribution, bands, strict=True)),
        "pareto_criterion": _pareto(board.lost_by_criterion, "label", drill),
        "pareto_category": _pareto(board.lost_by_category, "label", drill),
        "comparisons": _group_rows(board, drill),
        "csat_chart": charts.hbar_chart([charts.Item.of_mean(row.label, row.stats) for row in board.by_csat]),
        "links": {
            "evaluations": drill.evaluations(),
            "lowest": drill.evaluations(sort="score"),
            "calls": drill.calls(),
            "calls_by_csat": drill.calls(sort="csat"),
            "feedback_waiting": drill.evaluations(status="submitted"),
            "disputed": drill.evaluations(status="disputed"),
            "resolved": drill.evaluations(status="resolved"),
            "quota": f"{reverse('quota-progress')}?{urlencode({'week': _iso_week(board.period)})}",
        },
    }


def _iso_week(period) -> str:
    year, week, _day = dt.date(period.year, period.month, 1).isocalendar()
    return f"{year}-W{week:02d}"


@login_required
@require_GET
def dashboard(request):
    scope = require_scope(request.user, parse_scope(request.GET.get("scope")))
    period = month_or_latest(request.GET.get("month"))
    board = selectors.dashboard(user=request.user, scope=scope, period=period)
    return render(request, "reports/dashboard.html", _context(request, board))
