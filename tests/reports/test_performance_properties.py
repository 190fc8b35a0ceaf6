"""Properties of the performance formula (pure, no database): whatever the figures, the total is a
0–100 score rounded to one decimal, the shares of the components that count add up to 100 %,
and a component without data changes nothing but the rescaling."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.selectors.performance import AgentFigures, performance, round_half_up
from tests.reports.test_performance import DEFAULT


@st.composite
def figures(draw) -> AgentFigures:
    evaluations = draw(st.integers(0, 30))
    totals = draw(st.lists(st.integers(0, 1000), min_size=evaluations, max_size=evaluations))
    calls = draw(st.integers(0, 200))
    surveyed = draw(st.integers(0, calls))
    imported = draw(st.one_of(st.none(), st.integers(0, 1000)))
    return AgentFigures(
        evaluations=evaluations,
        qa_sum=Decimal(sum(totals)) / 10,
        critical_failures=draw(st.integers(0, evaluations)),
        calls=calls,
        handle_seconds=draw(st.integers(0, 2000)) * calls,
        acw_seconds=draw(st.integers(0, 300)) * calls,
        surveyed=surveyed,
        csat_sum=sum(draw(st.lists(st.integers(1, 5), min_size=surveyed, max_size=surveyed))),
        imported={} if imported is None else {"attendance": Decimal(imported) / 10},
    )


@settings(max_examples=300, deadline=None)
@given(figures())
def test_the_total_is_a_rounded_score_from_0_to_100(f):
    result = performance(DEFAULT, f)
    if result.total is None:
        assert all(c.dropped for c in result.components)
        return
    assert Decimal(0) <= result.total <= Decimal(100)
    assert result.total == round_half_up(result.total)
    assert abs(sum(c.share for c in result.components if not c.dropped) - 100) < Decimal("1e-20")
    assert result.band and result.multiplier is not None


@settings(max_examples=200, deadline=None)
@given(figures())
def test_the_total_is_the_weighted_mean_of_the_scores_that_count(f):
    result = performance(DEFAULT, f)
    counted = [c for c in result.components if not c.dropped]
    if not counted:
        return
    mean = sum(c.score * c.spec.weight for c in counted) / sum(c.spec.weight for c in counted)
    assert abs(result.total - mean) <= Decimal("0.05") + Decimal("1e-20")
