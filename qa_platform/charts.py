"""Small charts drawn on the server as SVG (DESIGN.md §7: offline, no CDN, no script), shared by
every app: plain numbers in, coordinates out (dataclasses, no ORM, no markup).

The templates draw them with SVG presentation attributes only — no `style` attribute, no
<style>, no script — so a Content-Security-Policy that forbids inline style and script leaves
them intact; labels and numbers are formatted (and translated) there, in the reader's language.
The reports' shapes (bars, horizontal bars, a score trend, a Pareto: reports/charts.py) are laid
out on the primitives here; `trend_chart` (templates/charts/_trend.html) draws several series on
a fixed axis, e.g. agreement coefficients by month.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
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
        # A hair of tolerance: 5e-29 / 5 is 1.0000000000000001e-29, which is the step 1e-29 (a
        # step of 2e-29 would leave the top of the axis without a tick).
        if raw <= m * magnitude * (1 + 1e-9):
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


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass
class SeriesLayout:
    """One line of a `trend_chart`: its points (with their interval whiskers), its polyline runs
    and where its legend entry goes."""

    name: str
    colour: str
    points: list[Point]
    segments: list[str]
    legend_x: float
    legend_y: float

    @property
    def legend_line_end(self) -> float:
        return self.legend_x + 18

    @property
    def legend_text_x(self) -> float:
        return self.legend_x + 24


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
    # `trend_chart`: several series over the same x labels, and dashed reference lines.
    series: list[SeriesLayout] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    references: list[Tick] = field(default_factory=list)

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


def y_scale(chart: Chart, low: float, high: float) -> Callable[[float | None], float | None]:
    """The pixel y of a value on the axis [low, high] in the chart's plot area (a value outside
    is drawn at the edge; None stays None)."""

    def py(v: float | None) -> float | None:
        if v is None:
            return None
        return chart.bottom - (max(low, min(v, high)) - low) / (high - low) * chart.plot_height

    return py


def plot_point(item: Item, x: float, py: Callable[[float | None], float | None]) -> Point:
    """A trend's point for `item` at `x`, with its interval's ends, on the y scale `py`."""
    return Point(
        x=x,
        y=py(item.value),
        value=item.value,
        label=item.label,
        href=item.href,
        n=item.n,
        low_y=py(item.low),
        high_y=py(item.high),
    )


def polyline_runs(points: Sequence[Point]) -> list[str]:
    """SVG polyline point lists, one per run of points with a value (a missing value breaks the line)."""
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


@dataclass(frozen=True)
class Series:
    """One line of a `trend_chart`: its legend name, colour and one item per x label."""

    name: str
    items: Sequence[Item]
    colour: str


def trend_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    low: float,
    high: float,
    references: Sequence[float] = (),
    height: int = 240,
) -> Chart:
    """Several trends over the same x labels on the fixed axis [low, high] (values outside are
    drawn at its edge), each point with its interval as a whisker, side by side within a label's
    slot so the whiskers do not hide each other; `references` are y values drawn dashed (a band's
    threshold). A point whose value is None leaves a gap."""
    chart = Chart("trend", WIDTH, height, left=44, right=WIDTH - 16, top=30, bottom=height - 28)
    chart.empty = not any(i.value is not None for s in series for i in s.items)
    chart.y_ticks = ticks(low, high, chart.bottom, chart.top)
    py = y_scale(chart, low, high)
    slot = chart.plot_width / max(len(labels), 1)
    chart.x_labels = [Label(chart.left + slot * (i + 0.5), text) for i, text in enumerate(labels)]
    chart.references = [Tick(py(r), r) for r in references if low <= r <= high]
    spread = min(10.0, slot / (len(series) + 1))
    for index, s in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * spread
        points = [plot_point(item, label.x + offset, py) for label, item in zip(chart.x_labels, s.items, strict=True)]
        chart.series.append(
            SeriesLayout(
                name=s.name,
                colour=s.colour,
                points=points,
                segments=polyline_runs(points),
                legend_x=chart.left + index * 180,
                legend_y=14,
            )
        )
    return chart
