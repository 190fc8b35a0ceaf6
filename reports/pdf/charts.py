"""The reports' charts, drawn with reportlab.graphics: a score trend (line chart), bars (a
distribution, averages per agent, progress against a target) and a Pareto of lost points (bars
largest first with the cumulative share as a line on a 0–100 % axis).

Each function returns a `Drawing` (placed by `base.Chart`) or None when there is nothing to
draw; every label is set in the report font, so Chinese names print as characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from .base import ACCENT, CONTENT_WIDTH, FONT, INK, MUTED, RULE, register_fonts

PALETTE = [ACCENT, colors.HexColor("#e07a1f"), colors.HexColor("#3f8f5b"), colors.HexColor("#8e44ad")]
BAR = colors.HexColor("#4f7cac")
CUMULATIVE = colors.HexColor("#e07a1f")
LABEL_SIZE = 7


def _style_axis_labels(axis, size: float = LABEL_SIZE) -> None:
    axis.labels.fontName = FONT
    axis.labels.fontSize = size
    axis.labels.fillColor = INK
    axis.strokeColor = MUTED
    axis.strokeWidth = 0.5


def _bars(box: tuple[float, float, float, float], values, labels, value_max: float | None = None) -> VerticalBarChart:
    """One series of bars in `box` (x, y, width, height) from 0, with the reports' grid and colours."""
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = box
    chart.data = [tuple(float(v) for v in values)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.valueAxis.valueMin = 0
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    _style_axis_labels(chart.categoryAxis)
    _style_axis_labels(chart.valueAxis)
    return chart


def _legend(pairs, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.fontName = FONT
    legend.fontSize = LABEL_SIZE + 0.5
    legend.columnMaximum = 1
    legend.dx, legend.dy = 8, 8
    legend.deltax = 110
    legend.boxAnchor = "nw"
    legend.colorNamePairs = pairs
    legend.strokeColor = None
    return legend


def _score_floor(values) -> float:
    """The value axis starts a little under the lowest average, in steps of 10 (scores cluster
    high; a 0–100 axis would flatten every trend)."""
    low = min(values, default=0)
    return max(0.0, math.floor((low - 5) / 10) * 10)


def trend_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> Drawing | None:
    """Monthly averages, one line per series ((name, values by month), None for a month without
    evaluations); None when no series has a value."""
    register_fonts()
    present = [v for _name, values in series for v in values if v is not None]
    if not present:
        return None
    width, height = CONTENT_WIDTH, 170
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 36, 40, width - 50, height - 60
    chart.data = [tuple(values) for _name, values in series]
    # A line needs two points: a series with fewer (a new team, a short history) is drawn as markers.
    chart.joinedLines = all(sum(v is not None for v in values) >= 2 for _name, values in series)
    chart.categoryAxis.categoryNames = list(labels)
    chart.valueAxis.valueMin = _score_floor(present)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    _style_axis_labels(chart.categoryAxis)
    _style_axis_labels(chart.valueAxis)
    for i in range(len(series)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.6 if i == 0 else 1
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=PALETTE[i % len(PALETTE)])
    drawing.add(chart)
    drawing.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _v) in enumerate(series)], 36, 16))
    return drawing


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    value_max: float | None = None,
    value_label: str = "",
    height: float = 150,
) -> Drawing | None:
    """Vertical bars (a distribution, counts per group); None when every value is 0."""
    register_fonts()
    if not values or not any(values):
        return None
    width = CONTENT_WIDTH
    drawing = Drawing(width, height)
    chart = _bars((36, 26, width - 50, height - 40), values, labels, value_max)
    drawing.add(chart)
    if value_label:
        drawing.add(String(4, height - 10, value_label, fontName=FONT, fontSize=LABEL_SIZE, fillColor=MUTED))
    return drawing


def grouped_bar_chart(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, height: float = 170
) -> Drawing | None:
    """Bars side by side per label, one colour per series (e.g. target and done per team)."""
    register_fonts()
    if not labels or not any(v for _name, values in series for v in values):
        return None
    width = CONTENT_WIDTH
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 50, width - 50, height - 60
    chart.data = [tuple(float(v) for v in values) for _name, values in series]
    chart.categoryAxis.categoryNames = [label[:18] for label in labels]
    chart.categoryAxis.labels.angle = 20 if len(labels) > 5 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 5 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    _style_axis_labels(chart.categoryAxis)
    _style_axis_labels(chart.valueAxis)
    drawing.add(chart)
    drawing.add(_legend([(PALETTE[i % len(PALETTE)], name) for i, (name, _v) in enumerate(series)], 36, 12))
    return drawing


def ranking_chart(
    labels: Sequence[str], values: Sequence[float | None], *, reference: float | None = None
) -> Drawing | None:
    """Horizontal bars, one per label (e.g. each agent's average), with an optional reference
    line (the center's average)."""
    register_fonts()
    pairs = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    if not pairs:
        return None
    row = 13
    width, height = CONTENT_WIDTH, 40 + row * len(pairs)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 120, 20, width - 140, row * len(pairs)
    chart.data = [tuple(float(v) for _label, v in reversed(pairs))]
    chart.categoryAxis.categoryNames = [label[:24] for label, _v in reversed(pairs)]
    chart.valueAxis.valueMin = _score_floor([v for _label, v in pairs])
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    _style_axis_labels(chart.categoryAxis)
    _style_axis_labels(chart.valueAxis)
    drawing.add(chart)
    if reference is not None and chart.valueAxis.valueMin <= reference <= 100:
        span = 100 - chart.valueAxis.valueMin
        x = chart.x + chart.width * (reference - chart.valueAxis.valueMin) / span
        drawing.add(Line(x, chart.y, x, chart.y + chart.height, strokeColor=CUMULATIVE, strokeDashArray=[3, 2]))
        drawing.add(
            String(
                x + 2,
                chart.y + chart.height + 4,
                _("center average"),
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=CUMULATIVE,
            )
        )
    return drawing


def pareto_chart(
    lost: Sequence[float], cumulative: Sequence[float], *, labels: Sequence[str] | None = None
) -> Drawing | None:
    """Lost points per item, largest first (bars, left axis), and the cumulative share of all lost
    points (line, right axis 0–100 %), with the 80 % line where the vital few end."""
    register_fonts()
    if not lost or not any(lost):
        return None
    width, height = CONTENT_WIDTH, 180
    drawing = Drawing(width, height)
    chart = _bars((40, 26, width - 80, height - 44), lost, labels or [str(i + 1) for i in range(len(lost))])
    drawing.add(chart)

    # The cumulative line on its own 0–100 % axis at the right, over the bars' centres.
    top, right = chart.y + chart.height, chart.x + chart.width
    step = chart.width / len(lost)
    points = []
    for i, share in enumerate(cumulative):
        points += [chart.x + step * (i + 0.5), chart.y + chart.height * share]
    drawing.add(Line(right, chart.y, right, top, strokeColor=MUTED, strokeWidth=0.5))
    for share in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        y = chart.y + chart.height * share
        drawing.add(Line(right, y, right + 3, y, strokeColor=MUTED, strokeWidth=0.5))
        drawing.add(
            String(right + 5, y - 2.5, f"{round(100 * share)} %", fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK)
        )
    y80 = chart.y + chart.height * 0.8
    drawing.add(Line(chart.x, y80, right, y80, strokeColor=CUMULATIVE, strokeWidth=0.4, strokeDashArray=[3, 2]))
    drawing.add(PolyLine(points, strokeColor=CUMULATIVE, strokeWidth=1.4))
    for x, y in zip(points[::2], points[1::2], strict=True):
        drawing.add(Circle(x, y, 1.8, fillColor=CUMULATIVE, strokeColor=None))
    drawing.add(String(4, height - 10, _("points lost"), fontName=FONT, fontSize=LABEL_SIZE, fillColor=MUTED))
    drawing.add(
        String(
            right,
            height - 10,
            _("cumulative share"),
            fontName=FONT,
            fontSize=LABEL_SIZE,
            fillColor=CUMULATIVE,
            textAnchor="end",
        )
    )
    return drawing
