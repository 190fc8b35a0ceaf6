"""Reliability statistics (scoring/stats.py, DESIGN.md §8) against their published worked examples."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.stats import AlphaBand, IccBand, icc, krippendorff_alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers × 12 units example.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_reproduces_krippendorff_2011(level, published):
    result = krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert round(result.value, 3) == published
    # Unit 12 has a single value, so it is not pairable: 11 units, 40 pairable values.
    assert (result.n_units, result.n_values, result.level) == (11, 40, level)
    assert result.reason is None


def test_alpha_bands_follow_krippendorffs_thresholds():
    assert krippendorff_alpha(KRIPPENDORFF_2011, "interval").band == AlphaBand.RELIABLE
    assert krippendorff_alpha(KRIPPENDORFF_2011, "nominal").band == AlphaBand.TENTATIVE
    assert krippendorff_alpha([[1, 2, 3, 4], [4, 3, 2, 1]], "interval").band == AlphaBand.UNRELIABLE
    assert str(AlphaBand.TENTATIVE.label) == "Tentative conclusions only"


def test_alpha_bootstrap_interval_is_reproducible_and_brackets_the_estimate():
    first = krippendorff_alpha(KRIPPENDORFF_2011, "interval", seed=7)
    again = krippendorff_alpha(KRIPPENDORFF_2011, "interval", seed=7)
    other = krippendorff_alpha(KRIPPENDORFF_2011, "interval", seed=8)
    assert (first.low, first.high) == (again.low, again.high)
    assert (first.low, first.high) != (other.low, other.high)
    assert first.low < first.value <= first.high <= 1
    assert krippendorff_alpha(KRIPPENDORFF_2011, "interval", draws=0).low is None


def test_alpha_interval_narrows_with_more_units():
    rng = np.random.default_rng(3)
    truth = rng.normal(50, 10, 400)

    def width(units):
        data = [(truth[:units] + rng.normal(0, 5, units)).tolist() for _ in range(3)]
        result = krippendorff_alpha(data, "interval", draws=500)
        return result.high - result.low

    assert width(400) < width(20)


def test_alpha_without_variation_is_undefined_not_an_error():
    result = krippendorff_alpha([[3, 3, 3, N], [3, 3, N, 3], [3, N, 3, 3]], "interval")
    assert result.value is None and result.band is None
    assert "same" in str(result.reason)
    assert (result.n_units, result.n_values) == (4, 9)


@pytest.mark.parametrize("data", [[[1, N, N], [N, 2, N]], [[1], [N]], [[4, 5, 1]]])
def test_alpha_without_pairable_units_is_undefined(data):
    result = krippendorff_alpha(data, "nominal")
    assert result.value is None and (result.n_units, result.n_values) == (0, 0)
    assert "two or more values" in str(result.reason)


def test_alpha_on_a_single_unit():
    # One unit with two different values: the observed disagreement is all the variation there is,
    # so it equals the expected disagreement and alpha is 0 (the package agrees); two equal values
    # leave nothing to compare.
    one = krippendorff_alpha([[1], [2]], "interval")
    assert one.value == pytest.approx(0.0) and (one.n_units, one.n_values) == (1, 2)
    assert krippendorff_alpha([[2], [2]], "interval").value is None


def test_alpha_rejects_an_unknown_level_and_ragged_rows():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")
    with pytest.raises(ValueError, match="equally long"):
        krippendorff_alpha([[1, 2], [1]], "nominal")


cell = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
tables = st.integers(min_value=2, max_value=5).flatmap(
    lambda raters: st.integers(min_value=1, max_value=12).flatmap(
        lambda units: st.lists(st.lists(cell, min_size=units, max_size=units), min_size=raters, max_size=raters)
    )
)


@settings(max_examples=40, deadline=None)
@given(data=tables, level=st.sampled_from(LEVELS))
def test_alpha_matches_the_krippendorff_package(data, level):
    ours = krippendorff_alpha(data, level, draws=0)
    if ours.value is None:
        return  # no pairable units or a single value: the package raises or returns NaN there
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    assert ours.value == pytest.approx(krippendorff.alpha(array, level_of_measurement=level), abs=1e-9)


@pytest.mark.parametrize(
    ("form", "published"),
    [("ICC1", 0.17), ("ICC2", 0.29), ("ICC3", 0.71), ("ICC1k", 0.44), ("ICC2k", 0.62), ("ICC3k", 0.91)],
)
def test_icc_reproduces_shrout_fleiss_table_4(form, published):
    result = icc(SHROUT_FLEISS, form)
    assert round(result.value, 2) == published
    assert (result.form, result.n_targets, result.n_raters) == (form, 6, 4)


@pytest.mark.parametrize(
    ("form", "low", "high"),
    # The same data's 95 % bounds as printed by R's psych::ICC (Revelle), which uses the
    # McGraw & Wong (1996) F intervals (Satterthwaite for ICC2/ICC2k), as pingouin does.
    [
        ("ICC1", -0.133, 0.72),
        ("ICC2", 0.019, 0.76),
        ("ICC3", 0.342, 0.95),
        ("ICC1k", -0.884, 0.91),
        ("ICC2k", 0.071, 0.93),
        ("ICC3k", 0.676, 0.99),
    ],
)
def test_icc_intervals_match_the_published_bounds(form, low, high):
    result = icc(SHROUT_FLEISS, form)
    assert round(result.low, 3) == low and round(result.high, 2) == high
    assert -1 <= result.low < result.value < result.high <= 1


@pytest.mark.parametrize("form", ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"])
def test_icc_interval_narrows_with_more_targets(form):
    small, large = icc(SHROUT_FLEISS, form), icc(SHROUT_FLEISS * 5, form)
    assert large.high - large.low < small.high - small.low
    assert large.low < large.value < large.high


def test_icc_bands_follow_koo_and_li():
    assert icc(SHROUT_FLEISS, "ICC2").band == IccBand.POOR
    assert icc(SHROUT_FLEISS, "ICC3").band == IccBand.MODERATE
    assert icc(SHROUT_FLEISS, "ICC3k").band == IccBand.EXCELLENT
    assert icc([[1, 3], [3, 3], [5, 6], [7, 6]], "ICC3").band == IccBand.GOOD  # 0.828


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_icc_refuses_missing_values(missing):
    with pytest.raises(ValueError, match="missing values"):
        icc([[1, 2], [3, missing], [5, 6]], "ICC2")


def test_icc_refuses_unknown_forms_and_degenerate_shapes():
    with pytest.raises(ValueError, match="form"):
        icc(SHROUT_FLEISS, "ICC4")
    with pytest.raises(ValueError, match="at least 2 targets"):
        icc([[1, 2, 3]], "ICC1")
    with pytest.raises(ValueError, match="undefined"):
        icc([[4, 4], [4, 4], [4, 4]], "ICC2")


@given(st.integers(min_value=1, max_value=100_000), st.data())
@settings(max_examples=300, deadline=None)
def test_the_wilson_interval_is_scipy_s(n, data):
    """The closed form equals scipy's binomtest Wilson interval (which also computes a p-value)."""
    from scipy import stats as scipy_stats

    from scoring.stats import proportion_interval

    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = proportion_interval(k, n)
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert low == pytest.approx(ci.low, abs=1e-12)
    assert high == pytest.approx(ci.high, abs=1e-12)
