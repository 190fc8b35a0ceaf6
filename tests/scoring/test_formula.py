"""The scoring formula of DESIGN.md §2, pinned by its worked examples and by properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.formula import NA, SCALE, YES_NO, AnswerError, CriterionSpec, SectionSpec, compute

GREETING, CLOSING, EMPATHY, CLARITY, CORRECT_INFO, RESOLVED = range(1, 7)

WORKED = (
    SectionSpec(
        1,
        30,
        (CriterionSpec(GREETING, YES_NO, 5), CriterionSpec(CLOSING, YES_NO, 5)),
        "Etiquette",
    ),
    SectionSpec(
        2,
        30,
        (
            CriterionSpec(EMPATHY, SCALE, 10, scale_max=4, allow_na=True),
            CriterionSpec(CLARITY, SCALE, 10, scale_max=4, allow_na=True),
        ),
        "Communication",
    ),
    SectionSpec(
        3,
        40,
        (CriterionSpec(CORRECT_INFO, YES_NO, 10, critical=True), CriterionSpec(RESOLVED, YES_NO, 10)),
        "Resolution",
    ),
)
BASE = {GREETING: 1, CLOSING: 0, EMPATHY: 3, CLARITY: NA, CORRECT_INFO: 1, RESOLVED: 1}


def test_the_worked_example_scores_77_5():
    result = compute(WORKED, BASE)
    assert [s.ratio for s in result.sections] == [0.5, 0.75, 1.0]
    assert result.total == Decimal("77.5")
    assert not result.critical_failed


def test_a_section_left_with_no_answer_drops_its_weight():
    result = compute(WORKED, {**BASE, EMPATHY: NA})
    assert result.total == Decimal("78.6")
    assert not result.sections[1].counted
    assert result.weights_counted == 70
    assert result.sections[1].na_points == 20


def test_a_critical_no_zeroes_the_total():
    result = compute(WORKED, {**BASE, CORRECT_INFO: 0})
    assert result.total == Decimal("0.0")
    assert result.critical_failed and result.critical_zeroed
    assert result.failed_critical == [CORRECT_INFO]
    assert result.raw_total == Decimal("57.5")


def test_a_critical_no_only_flags_when_the_scorecard_says_so():
    result = compute(WORKED, {**BASE, CORRECT_INFO: 0}, critical_zeroes=False)
    assert result.total == Decimal("57.5")
    assert result.critical_failed and not result.critical_zeroed


def test_rounding_is_half_up():
    # 1 of 8 points in one section: 12.5 exactly → 12.5; 1 of 16 → 6.25 → 6.3 (half up, not to even)
    section = SectionSpec(1, 100, (CriterionSpec(1, SCALE, 16, scale_max=16),))
    assert compute([section], {1: 1}).total == Decimal("6.3")


def test_nothing_answered_has_no_total_yet():
    assert compute(WORKED, {}).total is None
    assert len(compute(WORKED, {}).unanswered) == 6


def test_answers_outside_the_criterion_are_refused():
    with pytest.raises(AnswerError):
        compute(WORKED, {**BASE, EMPATHY: 5})
    with pytest.raises(AnswerError):
        compute(WORKED, {**BASE, GREETING: NA})  # greeting does not allow N/A
    with pytest.raises(AnswerError):
        compute(WORKED, {**BASE, GREETING: "yes"})


# --- properties -------------------------------------------------------------------------------

criteria = st.builds(
    lambda i, kind, points, k, critical, allow_na: CriterionSpec(
        i, kind, points, scale_max=k if kind == SCALE else 1, critical=critical, allow_na=allow_na
    ),
    st.just(0),
    st.sampled_from([YES_NO, SCALE]),
    st.integers(1, 20),
    st.integers(1, 5),
    st.booleans(),
    st.booleans(),
)


@st.composite
def scorecards(draw):
    sections, next_id = [], 1
    for s in range(draw(st.integers(1, 4))):
        crits = []
        for c in draw(st.lists(criteria, min_size=1, max_size=4)):
            crits.append(CriterionSpec(next_id, c.kind, c.points, c.scale_max, c.critical, c.allow_na))
            next_id += 1
        sections.append(SectionSpec(s + 1, draw(st.integers(1, 60)), tuple(crits)))
    return sections


@st.composite
def answered(draw):
    sections = draw(scorecards())
    answers = {}
    for section in sections:
        for c in section.criteria:
            options = list(range(c.max_value() + 1)) + ([NA] if c.allow_na else [])
            answers[c.id] = draw(st.sampled_from(options))
    return sections, answers


@settings(max_examples=300, deadline=None)
@given(answered(), st.booleans())
def test_the_total_is_between_0_and_100(case, zeroes):
    sections, answers = case
    result = compute(sections, answers, critical_zeroes=zeroes)
    assert result.total is None or Decimal(0) <= result.total <= Decimal(100)


@settings(max_examples=300, deadline=None)
@given(answered(), st.data())
def test_na_never_lowers_a_score(case, data):
    """Marking a criterion N/A scores at least as well as answering it 'no' / 0, and never
    better than full marks: an agent is never penalised for a question that did not apply."""
    sections, answers = case
    allowing = [c for s in sections for c in s.criteria if c.allow_na]
    if not allowing:
        return
    c = data.draw(st.sampled_from(allowing))
    as_na = compute(sections, {**answers, c.id: NA}).total
    as_zero = compute(sections, {**answers, c.id: 0}).total
    as_full = compute(sections, {**answers, c.id: c.max_value()}).total
    if as_na is None:
        return
    assert as_zero <= as_na <= as_full


@settings(max_examples=200, deadline=None)
@given(answered())
def test_a_critical_no_zeroes_when_the_scorecard_says_so(case):
    sections, answers = case
    result = compute(sections, answers, critical_zeroes=True)
    failed = [c.id for s in sections for c in s.criteria if c.critical and answers[c.id] == 0]
    assert result.critical_failed == bool(failed)
    if failed:
        assert result.total == Decimal("0.0")
    flagged = compute(sections, answers, critical_zeroes=False)
    assert flagged.total == result.raw_total
