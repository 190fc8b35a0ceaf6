"""Small charts drawn on the server as SVG (DESIGN.md §7: offline, no CDN, no script).

This module only lays charts out: it turns numbers into coordinates (plain dataclasses, no ORM,
no markup). The templates `templates/reports/_chart_*.html` draw them with SVG presentation
attributes only — no `style` attribute, no <style>, no script — so a Content-Security-Policy that
forbids inline style and script leaves them intact. Labels and numbers are formatted (and
translated) in the templates, in the reader's language.

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
from dataclasses import dataclass, field

WIDTH = 640
FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif"
LABEL_CHARS = 22


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nice_step(span: float, ticks: int = 5, *, whole: bool = False) -> float:
    """A 1-2-5 step giving about `ticks` intervals over `span` (at least 1 for `whole` counts)."""
    raw = span / ticks
    if raw <= 0 or (whole and raw <= 1):
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def nice_max(value: float, *, whole: bool = False) -> float:
    """The smallest 1-2-5 step multiple at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    step = nice_step(value, whole=whole)
    # max(): 5 × 2e-6 is 9.999…e-6 in floating point, below the 1e-5 it must cover.
    return max(value, step * max(1, math.ceil(value / step - 1e-9)))


@dataclass(frozen=True)
class Tick:
    pos: float  # the pixel coordinate along its axis
    value: float


def ticks(
    low: float, high: float, pixel_low: float, pixel_high: float, count: int = 5, *, whole: bool = False
) -> list[Tick]:
    """Ticks every 1-2-5 step from `low` to `high` (at most a dozen), at their pixel positions."""
    span = high - low
    step = nice_step(span, count, whole=whole)
    if not span > 0 or not step > 0:
        return [Tick(pixel_low, low)]
    steps = min(12, int(math.floor(span / step + 1e-9)))
    out = []
    for i in range(steps + 1):
        value = low + i * step
        if math.isclose(value, high, rel_tol=1e-9):
            value = high  # 5 × 2e-6 is 9.999…e-6 in floating point: the top tick is the top
        out.append(Tick(pixel_low + i * step / span * (pixel_high - pixel_low), value))
    return out


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float | None
    label: str
    short_label: str
    href: str = ""
    n: int | None = None
    # Horizontal bars: the interval whisker (pixel x of its ends) and where the label goes.
    low_x: float | None = None
    high_x: float | None = None
    label_x: float = 0.0
    label_y: float = 0.0
    value_x: float = 0.0
    value_y: float = 0.0

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Point:
    x: float
    y: float | None
    value: float | None
    label: str
    href: str = ""
    n: int | None = None
    low_y: float | None = None
    high_y: float | None = None


@dataclass
class Chart:
    """What a chart template draws. Pixel coordinates in a `width` × `height` viewBox; the plot
    area is [left, right] × [top, bottom]."""

    kind: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)  # polyline "x,y x,y …" runs
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y2_ticks: list[Tick] = field(default_factory=list)  # the Pareto's cumulative % axis
    reference_y: float | None = None  # the Pareto's 80 % line
    empty: bool = False

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def tick_label_x(self) -> float:
        return self.left - 6

    @property
    def right_label_x(self) -> float:
        return self.right + 6

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Item:
    """One input value: a bar, a bar with its interval, or a month of a trend."""

    label: str
    value: float | None
    href: str = ""
    n: int | None = None
    low: float | None = None
    high: float | None = None
    line: float | None = None  # the Pareto's cumulative share (0..1)

    @classmethod
    def of_mean(cls, label: str, stats, href: str = "") -> Item:
        """An item for a mean with what it rests on (anything with `mean`, `n` and `interval`)."""
        interval = stats.interval
        return cls(
            label=label,
            value=stats.mean,
            n=stats.n,
            low=interval[0] if interval else None,
            high=interval[1] if interval else None,
            href=href,
        )


def _segments(points: Sequence[Point]) -> list[str]:
    runs, run = [], []
    for p in points:
        if p.y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{p.x:.1f},{p.y:.1f}")
    if run:
        runs.append(run)
    return [" ".join(r) for r in runs]


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

    def py(v: float | None) -> float | None:
        if v is None:
            return None
        return chart.bottom - (max(low, min(v, high)) - low) / (high - low) * chart.plot_height

    slot = chart.plot_width / max(len(items), 1)
    for index, item in enumerate(items):
        x = chart.left + slot * (index + 0.5)
        chart.points.append(
            Point(
                x=x,
                y=py(item.value),
                value=item.value,
                label=item.label,
                href=item.href,
                n=item.n,
                low_y=py(item.low),
                high_y=py(item.high),
            )
        )
        chart.x_ticks.append(Tick(x, index))
    chart.segments = _segments(chart.points)
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
    chart.segments = _segments(chart.points)
    return chart
