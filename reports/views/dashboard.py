"""The QA dashboard page (DESIGN.md §6). Thin: parse the month and scope, check the scope
(`permissions.require_scope`), call the selector, lay the charts out, render.

Drill-down: every figure links to the evaluations or calls behind it. The call list
(`monitoring.filters.CallFilter`) and the evaluation list (`scoring.filters.EvaluationFilter`)
filter by everything the dashboard counts and groups by, so a figure's link lists exactly the
rows it was computed from: the scope, the month (of the call; of submission for the feedback
SLA; of raising or resolving for disputes), regular evaluations in a final state, and the
group, criterion, category, score band, pick or CSAT the figure is about. A group without a
value (calls with no shift, say) links to the whole scope's month.
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

# The comparisons, in page order: key in Dashboard.groups → (the call list's filter for its key,
# the evaluation list's).
GROUP_FILTERS = {
    "team": ("team", "team"),
    "agent": ("agent", "agent"),
    "line": ("line_of_business", "line_of_business"),
    "shift": ("shift", "shift"),
    "direction": ("direction", "direction"),
    "service_type": ("service_type", "service_type"),
    "method": (None, "method"),
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

    def _scope(self) -> dict:
        """The scope as the call and evaluation lists' filters (they share these names)."""
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
        query = {**self._scope(), **dates, **{k: v for k, v in filters.items() if v not in (None, "")}}
        return f"{reverse('call-list')}?{urlencode(query)}"

    def evaluations(self, period=None, *, month: bool = True, **filters) -> str:
        """The evaluations the dashboard counts for the scope and month (or `period`; none with
        `month=False`, when `filters` carry their own dates), narrowed by `filters`."""
        query = {"kind": "regular", "status": "scored", **self._scope()}
        if month:
            query["month"] = (period or self.board.period).label
        query.update({k: v for k, v in filters.items() if v not in (None, "")})
        return f"{reverse('evaluation-list')}?{urlencode(query)}"

    def scope(self, scope: Scope) -> str:
        return f"{reverse('dashboard')}?{urlencode({'scope': format_scope(scope), 'month': self.board.period.label})}"


def _group_rows(board: Dashboard, drill: Drill) -> list[dict]:
    """Each comparison with its chart and rows, every row with its drill-down links."""
    out = []
    for key, (call_filter, evaluation_filter) in GROUP_FILTERS.items():
        rows: list[GroupRow] = board.groups.get(key)
        if rows is None:
            continue
        items, table = [], []
        for row in rows:
            value = row.code if key == "agent" else row.key
            links = {}
            if value in (None, ""):
                links["evaluations"] = drill.evaluations()
            else:
                links["evaluations"] = drill.evaluations(**{evaluation_filter: value})
                if call_filter:
                    links["calls"] = drill.calls(**{call_filter: value})
            if key == "agent":
                links["dashboard"] = drill.scope(Scope(Scope.AGENT, row.key))
            if key == "team":
                links["dashboard"] = drill.scope(Scope(Scope.TEAM, row.key))
            items.append(charts.Item.of_mean(row.label, row.stats, links["evaluations"]))
            table.append({"row": row, "links": links})
        out.append({"key": key, "chart": charts.hbar_chart(items), "rows": table})
    return out


# A Pareto row's drill-down: the evaluation list's filters, and the row's keys for them (a
# criterion row is a scorecard's criterion by its wording, `selectors.dashboard.CRITERION_KEYS`).
PARETO_FILTERS = {
    "criterion": {"scorecard": "criterion__section__version__scorecard_id", "criterion": "criterion__text"},
    "category": {"category": "criterion__category"},
}


def _pareto(rows: list[dict], label_key: str, drill: Drill, by: str) -> dict:
    """A Pareto's chart, and its rows each with the bar it is drawn as (linking to the
    evaluations that lost points there, lowest score first)."""
    filters = PARETO_FILTERS[by]
    items = [
        charts.Item(
            label=row[label_key],
            value=row["lost"],
            n=row["answers"],
            line=row["cumulative"],
            href=drill.evaluations(sort="score", **{name: row[key] for name, key in filters.items()}),
        )
        for row in rows
    ]
    table = [{**row, "share_pct": 100 * row["share"], "cumulative_pct": 100 * row["cumulative"]} for row in rows]
    return {"chart": charts.pareto_chart(items), "rows": rows, "pairs": list(zip(table, items, strict=True))}


def _context(request, board: Dashboard) -> dict:
    drill = Drill(board)
    trend = [charts.Item.of_mean(p.period.label, p.stats, drill.evaluations(p.period)) for p in board.trend]
    bands = [
        charts.Item(
            label=f"{low}–{high}",
            value=count,
            # The last band includes 100 (`selectors.qa.band_counts`).
            href=drill.evaluations(sort="score", score_from=low, score_below=high if high < 100 else None),
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
        "pareto_criterion": _pareto(board.lost_by_criterion, "label", drill, "criterion"),
        "pareto_category": _pareto(board.lost_by_category, "label", drill, "category"),
        "comparisons": _group_rows(board, drill),
        "csat_chart": charts.hbar_chart([charts.Item.of_mean(row.label, row.stats) for row in board.by_csat]),
        "links": {
            "evaluations": drill.evaluations(),
            "critical": drill.evaluations(critical_failed="true"),
            "random": drill.evaluations(pick="random"),
            "targeted": drill.evaluations(pick="targeted"),
            "calls": drill.calls(),
            "calls_by_csat": drill.calls(sort="csat"),
            "feedback_waiting": drill.evaluations(
                month=False,
                status="submitted",
                submitted_after=board.period.start.isoformat(),
                submitted_before=board.period.end.isoformat(),
            ),
            "disputed": drill.evaluations(month=False, disputed_in=board.period.label),
            "resolved": drill.evaluations(month=False, dispute_resolved_in=board.period.label),
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
