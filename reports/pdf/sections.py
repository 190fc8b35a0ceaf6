"""The blocks several reports share: key figures, the six months' trend, the score distribution,
the Pareto of lost points, the comparisons by shift, direction, service type and method, and
lists of evaluations."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.platypus import Flowable

from monitoring.models import Direction
from monitoring.selectors import Period
from scoring.models import Category, Method

from ..selectors.monthly import Figures
from ..selectors.qa import Mean
from . import charts
from .base import (
    CONTENT_WIDTH,
    NO_VALUE,
    chart_block,
    count,
    date_text,
    evaluator_name,
    facts,
    heading,
    mean_cells,
    mean_headers,
    mean_text,
    month_short,
    month_text,
    note,
    num,
    pct,
    seconds,
    subheading,
    table,
)

PARETO_ROWS = 10
W = CONTENT_WIDTH


def choice_label(dimension: str, value) -> str:
    """The label a person reads for a grouped value (a direction's, a method's, a category's)."""
    if value in (None, ""):
        return _("(none)")
    labels = {"direction": Direction.choices, "method": Method.choices, "category": Category.choices}.get(dimension)
    return str(dict(labels).get(value, value)) if labels else str(value)


def critical_text(m: Mean) -> str:
    if not m.n:
        return NO_VALUE
    return _("%(k)s of %(n)s evaluations (%(rate)s)") % {
        "k": count(m.critical),
        "n": count(m.n),
        "rate": pct(m.critical_rate, 1),
    }


def key_figures(figures: Figures, *, comparisons: Sequence[tuple[str, Mean]] = ()) -> list[Flowable]:
    """The scope's QA average (with n and interval), what it compares with, critical failures,
    the calls' KPIs and how QA relates to CSAT on the same calls."""
    k = figures.kpis or {}
    r = figures.correlation
    pairs = [(_("QA average"), mean_text(figures.summary))]
    pairs += [(label, mean_text(m)) for label, m in comparisons]
    pairs += [
        (_("Critical failures"), critical_text(figures.summary)),
        (_("Calls handled"), count(k.get("calls") or 0)),
        (_("Average handle time (talk + hold + after-call work)"), seconds(k.get("avg_handle"))),
        (
            _("Average talk / hold / after-call work"),
            " / ".join(seconds(k.get(f)) for f in ("avg_talk", "avg_hold", "avg_acw")),
        ),
        (
            _("Customer satisfaction (CSAT 1–5)"),
            _("%(avg)s (%(n)s surveyed)") % {"avg": num(k.get("avg_csat"), 2), "n": count(k.get("surveyed") or 0)}
            if k.get("surveyed")
            else _("no surveys"),
        ),
        (
            _("QA and CSAT on the same calls"),
            _("r = %(r)s over %(n)s evaluated calls with a survey") % {"r": num(r.r, 2), "n": count(r.n)}
            if r.r is not None
            else _("too few evaluated calls with a survey (%(n)s)") % {"n": count(r.n)},
        ),
    ]
    return [heading(_("Key figures")), facts(pairs)]


def trend(months: Sequence[Period], series: Sequence[tuple[str, Sequence[Mean]]]) -> list[Flowable]:
    """The averages of the last six months (line chart), and the first series' months with n and
    interval, the others' averages beside them."""
    labels = [month_short(p) for p in months]
    drawing = charts.trend_chart(labels, [(name, [m.mean for m in values]) for name, values in series])
    first_name, first = series[0]
    headers = [_("Month"), *mean_headers()] + [name for name, _v in series[1:]]
    rows = []
    for i, period in enumerate(months):
        rows.append([month_text(period), *mean_cells(first[i])] + [num(values[i].mean) for _n, values in series[1:]])
    widths = [W * 0.22, W * 0.1, W * 0.12, W * 0.18, W * 0.1] + [W * 0.28 / max(1, len(series) - 1)] * (len(series) - 1)
    return [
        heading(_("Score trend over six months")),
        chart_block(_("QA average by month"), drawing, empty=_("No evaluations in these six months.")),
        table(headers, rows, widths=widths, numeric=range(1, len(headers))),
    ]


def distribution(figures: Figures) -> list[Flowable]:
    labels = [f"{low}–{high}" for low, high, _c in figures.distribution]
    drawing = charts.bar_chart(labels, [c for _l, _h, c in figures.distribution], value_label=_("evaluations"))
    return [chart_block(_("Score distribution"), drawing, empty=_("No evaluations this month."))]


def pareto(rows: list[dict], *, by: str = "criterion", limit: int = PARETO_ROWS) -> list[Flowable]:
    """A Pareto of lost points (chart: the first `limit` rows; table: those rows with their share
    and cumulative share)."""
    rows = [r for r in rows if r["lost"] > 0][:limit]
    if by == "criterion":
        title = _("Points lost by criterion")
        labels = [str(i + 1) for i in range(len(rows))]
        headers = ["#", _("Criterion"), _("Category"), _("Points lost"), _("Share"), _("Cumulative")]
        body = [
            [
                str(i + 1),
                r["criterion__text"],
                choice_label("category", r["criterion__category"]),
                num(r["lost"]),
                pct(r["share"]),
                pct(r["cumulative"]),
            ]
            for i, r in enumerate(rows)
        ]
        widths = [W * 0.05, W * 0.45, W * 0.17, W * 0.11, W * 0.1, W * 0.12]
        numeric = (0, 3, 4, 5)
    else:
        title = _("Points lost by category")
        labels = [choice_label("category", r["criterion__category"])[:12] for r in rows]
        headers = [_("Category"), _("Points lost"), _("Share"), _("Cumulative")]
        body = [
            [choice_label("category", r["criterion__category"]), num(r["lost"]), pct(r["share"]), pct(r["cumulative"])]
            for r in rows
        ]
        widths = [W * 0.4, W * 0.2, W * 0.2, W * 0.2]
        numeric = (1, 2, 3)
    drawing = charts.pareto_chart([r["lost"] for r in rows], [r["cumulative"] for r in rows], labels=labels)
    return [
        chart_block(title, drawing, empty=_("No points lost this month.")),
        table(headers, body, widths=widths, numeric=numeric),
    ]


DIMENSION_TITLES = {
    "shift": lambda: _("By shift"),
    "direction": lambda: _("By direction"),
    "service_type": lambda: _("By service type"),
    "method": lambda: _("By monitoring method"),
}


def grouped_table(first_header: str, rows: Sequence[tuple[str, Mean]], *, empty: str | None = None) -> Flowable:
    headers = [first_header, *mean_headers()]
    body = [[label, *mean_cells(m)] for label, m in rows]
    return table(
        headers, body, widths=[W * 0.44, W * 0.1, W * 0.14, W * 0.2, W * 0.12], numeric=(1, 2, 3, 4), empty=empty
    )


def comparisons(figures: Figures, dimensions: Sequence[str] = ("shift", "direction", "service_type")) -> list[Flowable]:
    out: list[Flowable] = [heading(_("Comparisons"))]
    for name in dimensions:
        rows = [(choice_label(name, key), m) for key, m in figures.by.get(name, [])]
        out += [subheading(DIMENSION_TITLES[name]()), grouped_table(_("Group"), rows)]
    return out


def evaluations_table(rows: Sequence[dict], *, with_agent: bool = False) -> Flowable:
    """Evaluations as rows: when, the call, method, evaluator, score (critical failures in red)."""
    headers = [_("Call started"), _("Call")]
    if with_agent:
        headers.append(_("Agent"))
    headers += [_("Method"), _("Evaluator"), _("Score"), _("Critical")]
    body, flagged = [], []
    for i, r in enumerate(rows):
        line = [date_text(r["call__start_time"]), r["call__external_id"]]
        if with_agent:
            line.append(f"{r['call__agent__name']} ({r['call__agent__employee_id']})")
        line += [
            choice_label("method", r["method"]),
            evaluator_name(r),
            num(r["total"]),
            _("yes") if r["critical_failed"] else "",
        ]
        body.append(line)
        if r["critical_failed"]:
            flagged.append(i)
    if with_agent:
        widths = [W * 0.16, W * 0.17, W * 0.22, W * 0.15, W * 0.14, W * 0.08, W * 0.08]
    else:
        widths = [W * 0.2, W * 0.22, W * 0.2, W * 0.18, W * 0.1, W * 0.1]
    return table(
        headers, body, widths=widths, numeric=(len(headers) - 2,), highlight=flagged, empty=_("No evaluations.")
    )


def no_data_note(figures: Figures) -> list[Flowable]:
    if figures.summary.n:
        return []
    return [
        note(
            _("No evaluation of this scope's calls counts toward this month (regular evaluations with a final score).")
        )
    ]
