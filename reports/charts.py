"""Small charts drawn on the server as SVG (DESIGN.md §7: offline, no CDN, no script).

This module only lays charts out: it turns numbers into coordinates (plain dataclasses, no ORM,
no markup), on the layout primitives of qa_platform/charts.py. The templates
`templates/reports/_chart_*.html` draw them with SVG presentation attributes only — no `style`
attribute, no <style>, no script — so a Content-Security-Policy that forbids inline style and
script leaves them intact. Labels and numbers are formatted (and translated) in the templates, in
the reader's language.

Four shapes:
- `bar_chart`: vertical bars (the score distribution);
- `hbar_chart`: horizontal bars on a 0–100 scale with the 95 % interval as a whisker
  (comparisons by shift, team, method…);
- `line_chart`: a monthly trend with each month's interval;
- `pareto_chart`: bars largest first with the cumulative share as a line on a 0–100 % axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The layout primitives are shared with the other apps' charts; `Item` is what callers pass in.
from qa_platform.charts import (
    WIDTH,
    Bar,
    Chart,
    Item,
    Point,
    Tick,
    nice_max,
    plot_point,
    polyline_runs,
    short,
    ticks,
    y_scale,
)


def bar_chart(items: Sequence[Item], *, height: int = 220, whole: bool = True) -> Chart:
    """Vertical bars from 0 to a 1-2-5 maximum above the largest value (counts: `whole` steps)."""
    chart = Chart("bars", WIDTH, height, left=44, right=WIDTH - 12, top=14, bottom=height - 34)
    top = nice_max(max((i.value or 0 for i in items), default=0), whole=whole)
    chart.empty = not any(i.value for i in items)
    chart.y_ticks = ticks(0, top, chart.bottom, chart.top, whole=whole)
    slot = chart.plot_width / max(len(items), 1)
    for index, item in enumerate(items):
        h = (item.value or 0) / top * chart.plot_height
        x = chart.left + index * slot + slot * 0.12
        chart.bars.append(
            Bar(
                x=x,
                y=chart.bottom - h,
                width=slot * 0.76,
                height=h,
                value=item.value,
                label=item.label,
                short_label=short(item.label, 10),
                href=item.href,
                n=item.n,
                label_x=x + slot * 0.38,
                label_y=chart.bottom + 16,
                value_x=x + slot * 0.38,
                value_y=chart.bottom - h - 4,
            )
        )
    return chart


HBAR_WIDTH = 460


def hbar_chart(items: Sequence[Item], *, x_max: float = 100.0) -> Chart:
    """Horizontal bars on 0..x_max, each with its interval whisker and n."""
    row = 26
    height = 30 + row * max(len(items), 1)
    chart = Chart("hbars", HBAR_WIDTH, height, left=166, right=HBAR_WIDTH - 64, top=6, bottom=height - 22)
    chart.empty = not any(i.value is not None for i in items)
    chart.x_ticks = ticks(0, x_max, chart.left, chart.right)

    def px(v: float) -> float:
        return chart.left + max(0.0, min(v, x_max)) / x_max * chart.plot_width

    for index, item in enumerate(items):
        y = chart.top + index * row + 4
        value = item.value
        chart.bars.append(
            Bar(
                x=chart.left,
                y=y,
                width=(px(value) - chart.left) if value is not None else 0.0,
                height=row - 10,
                value=value,
                label=item.label,
                short_label=short(item.label, 24),
                href=item.href,
                n=item.n,
                low_x=px(item.low) if item.low is not None else None,
                high_x=px(item.high) if item.high is not None else None,
                label_x=chart.left - 8,
                label_y=y + (row - 10) / 2 + 4,
                value_x=chart.right + 6,
                value_y=y + (row - 10) / 2 + 4,
            )
        )
    return chart


def _score_range(items: Sequence[Item]) -> tuple[float, float]:
    """A y range for scores: from a round number below the lowest interval end to 100 (the
    trend of a 70–95 % score is unreadable on 0–100)."""
    values = [v for i in items for v in (i.low, i.value, i.high) if v is not None]
    if not values:
        return 0.0, 100.0
    low = max(0.0, math.floor((min(values) - 5) / 10) * 10)
    high = min(100.0, math.ceil((max(values) + 5) / 10) * 10)
    return (low, high) if high > low else (max(0.0, high - 10), high)


def line_chart(items: Sequence[Item], *, height: int = 220) -> Chart:
    """A trend: one point per item (a gap where the value is None), its interval as a whisker."""
    chart = Chart("line", WIDTH, height, left=44, right=WIDTH - 16, top=14, bottom=height - 30)
    low, high = _score_range(items)
    chart.empty = not any(i.value is not None for i in items)
    chart.y_ticks = ticks(low, high, chart.bottom, chart.top)
    py = y_scale(chart, low, high)
    slot = chart.plot_width / max(len(items), 1)
    for index, item in enumerate(items):
        x = chart.left + slot * (index + 0.5)
        chart.points.append(plot_point(item, x, py))
        chart.x_ticks.append(Tick(x, index))
    chart.segments = polyline_runs(chart.points)
    return chart


def pareto_chart(items: Sequence[Item], *, limit: int = 12, height: int = 280) -> Chart:
    """Bars largest first (the first `limit`; the table lists all) on a left axis, and the
    cumulative share as a line on a right 0–100 % axis, with the 80 % line."""
    items = list(items)[:limit]
    chart = Chart("pareto", WIDTH, height, left=72, right=WIDTH - 48, top=14, bottom=height - 96)
    top = nice_max(max((i.value or 0 for i in items), default=0))
    chart.empty = not any(i.value for i in items)
    chart.y_ticks = ticks(0, top, chart.bottom, chart.top)
    chart.y2_ticks = ticks(0, 100, chart.bottom, chart.top)
    chart.reference_y = chart.bottom - 0.8 * chart.plot_height
    slot = chart.plot_width / max(len(items), 1)
    for index, item in enumerate(items):
        h = (item.value or 0) / top * chart.plot_height
        x = chart.left + index * slot + slot * 0.15
        centre = chart.left + slot * (index + 0.5)
        chart.bars.append(
            Bar(
                x=x,
                y=chart.bottom - h,
                width=slot * 0.7,
                height=h,
                value=item.value,
                label=item.label,
                short_label=short(item.label, 15),
                href=item.href,
                n=item.n,
                label_x=centre,
                label_y=chart.bottom + 12,
            )
        )
        share = item.line if item.line is not None else None
        chart.points.append(
            Point(
                x=centre,
                y=None if share is None else chart.bottom - share * chart.plot_height,
                value=None if share is None else 100 * share,
                label=item.label,
            )
        )
    chart.segments = polyline_runs(chart.points)
    return chart
