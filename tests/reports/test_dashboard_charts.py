"""reports/charts.py lays the dashboard's SVG charts out: plain numbers in, coordinates out."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from reports import charts
from reports.charts import Item


def test_a_trend_breaks_its_line_where_a_month_has_no_data():
    chart = charts.line_chart([Item("a", 80), Item("b", None), Item("c", 90), Item("d", 85)])
    assert len(chart.segments) == 2
    assert chart.points[1].y is None
    assert chart.segments[1].count(",") == 2


def test_a_trend_draws_each_interval_inside_the_plot():
    chart = charts.line_chart([Item("a", 80, low=70, high=90), Item("b", 60, low=0, high=100)])
    for p in chart.points:
        assert chart.top <= p.high_y <= p.low_y <= chart.bottom


def test_horizontal_bars_scale_to_0_100_with_their_whiskers():
    chart = charts.hbar_chart([Item("Day", 50, low=40, high=60, n=8), Item("Night", None, n=0)])
    day, night = chart.bars
    assert day.x + day.width == chart.left + chart.plot_width / 2
    assert day.low_x < day.x + day.width < day.high_x
    assert night.width == 0 and night.low_x is None


def test_a_pareto_puts_its_line_on_the_percent_axis_and_ends_at_100():
    rows = [Item("Closing", 30, line=0.6), Item("Empathy", 15, line=0.9), Item("Greeting", 5, line=1.0)]
    chart = charts.pareto_chart(rows)
    assert [b.height for b in chart.bars] == sorted((b.height for b in chart.bars), reverse=True)
    assert chart.points[-1].y == chart.top
    assert chart.points[-1].value == 100
    assert chart.reference_y == chart.bottom - 0.8 * chart.plot_height


def test_long_labels_are_shortened_for_the_axis_but_kept_whole_for_the_tooltip():
    chart = charts.pareto_chart([Item("Offers further help before closing the call", 3, line=1.0)])
    bar = chart.bars[0]
    assert bar.short_label.endswith("…") and len(bar.short_label) == 15
    assert bar.label == "Offers further help before closing the call"


def test_counts_get_whole_ticks():
    chart = charts.bar_chart([Item("0–10", 1), Item("10–20", 0)])
    assert [t.value for t in chart.y_ticks] == [0, 1]


@example([4.841075711267519e-29])  # the axis once stopped a tick short of this bar
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=15))
def test_bars_always_fit_the_plot(values):
    chart = charts.bar_chart([Item(str(i), v) for i, v in enumerate(values)], whole=False)
    for bar in chart.bars:
        assert chart.top - 1e-6 <= bar.y <= chart.bottom + 1e-6
        assert bar.height >= 0
    assert chart.y_ticks[-1].value >= max(values)
