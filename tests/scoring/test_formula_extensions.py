"""The formula's extensions (DESIGN.md §2 "Extensions"): conditional criteria, section-fail,
bonus sections and root causes, pinned by the worked examples (62.5, 82.5, 92.5), their
combinations and properties over random forms using every extension."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.formula import NA, SCALE, YES_NO, Condition, CriterionSpec, SectionSpec, compute
from tests.scoring.test_formula import BASE, CLOSING, CORRECT_INFO, EMPATHY, GREETING, WORKED

BONUS_ITEM, HOLD_NEEDED, HOLD_ETIQUETTE = 7, 8, 9


def with_criterion(sections, criterion_id: int, **changes):
    return tuple(
        replace(s, criteria=tuple(replace(c, **changes) if c.id == criterion_id else c for c in s.criteria))
        for s in sections
    )


BONUS = (*WORKED, SectionSpec(4, 5, (CriterionSpec(BONUS_ITEM, YES_NO, 5),), "Going the extra mile", bonus=True))


def test_a_failed_section_fail_criterion_zeroes_its_section_only():
    result = compute(with_criterion(WORKED, CLOSING, section_fail=True), BASE)
    assert [s.ratio for s in result.sections] == [0, 0.75, 1.0]
    assert result.total == Decimal("62.5")
    assert result.failed_sections[0].failed_by == [CLOSING]


def test_a_bonus_section_adds_its_points_on_top():
    result = compute(BONUS, {**BASE, BONUS_ITEM: 1})
    assert result.total == Decimal("82.5")
    assert result.weights_counted == 100 and result.bonus_weights == 5 and result.bonus_points == 5


def test_the_bonus_is_capped_at_100_plus_the_bonus_weights():
    perfect = {GREETING: 1, CLOSING: 1, EMPATHY: 4, 4: 4, CORRECT_INFO: 1, 6: 1, BONUS_ITEM: 1}
    result = compute(BONUS, perfect)
    assert result.total == Decimal("105.0") == result.cap


def test_a_bonus_with_a_zeroing_critical_failure_is_zero():
    result = compute(BONUS, {**BASE, BONUS_ITEM: 1, CORRECT_INFO: 0})
    assert result.total == Decimal("0.0") and result.critical_zeroed


def test_a_lost_point_outside_the_agents_control_leaves_the_total_and_lifts_the_agent_score():
    result = compute(WORKED, BASE, excused={CLOSING})
    assert result.total == Decimal("77.5")
    assert result.agent_total == Decimal("92.5")
    assert result.excused == [CLOSING]


def test_an_excused_criterion_that_was_not_lost_changes_nothing():
    result = compute(WORKED, BASE, excused={GREETING})
    assert result.agent is None and result.agent_total == result.total == Decimal("77.5")


def test_an_excused_critical_failure_fails_the_interaction_but_not_the_agent():
    result = compute(WORKED, {**BASE, CORRECT_INFO: 0}, excused={CORRECT_INFO})
    assert result.total == Decimal("0.0")
    assert result.agent_result.critical_failed is False
    # S3 keeps only "resolved": (0.5×30 + 0.75×30 + 1.0×40) / 100
    assert result.agent_total == Decimal("77.5")


CONDITIONAL = (
    SectionSpec(
        1,
        30,
        (
            CriterionSpec(GREETING, YES_NO, 5),
            CriterionSpec(CLOSING, YES_NO, 5, section_fail=True),
            CriterionSpec(HOLD_NEEDED, YES_NO, 1, allow_na=False),
            CriterionSpec(HOLD_ETIQUETTE, YES_NO, 5, section_fail=True, shown_when=Condition(HOLD_NEEDED, 1)),
        ),
        "Etiquette",
    ),
    *WORKED[1:],
)


def test_a_hidden_criterion_in_a_section_fail_section_neither_counts_nor_fails_it():
    answers = {**BASE, CLOSING: 1, HOLD_NEEDED: 0, HOLD_ETIQUETTE: 0}  # answered, then hidden
    result = compute(CONDITIONAL, answers)
    assert result.hidden == [HOLD_ETIQUETTE]
    assert not result.sections[0].failed
    assert result.sections[0].ratio == Fraction(10, 11)  # greeting 5 + closing 5 + hold needed 0 of 11
    shown = compute(CONDITIONAL, {**answers, HOLD_NEEDED: 1})
    assert shown.hidden == [] and shown.sections[0].failed and shown.sections[0].ratio == 0


def test_a_condition_on_a_hidden_criterion_hides_in_turn():
    chain = with_criterion(CONDITIONAL, GREETING, shown_when=None)
    chain = (
        replace(
            chain[0],
            criteria=(*chain[0].criteria, CriterionSpec(99, YES_NO, 1, shown_when=Condition(HOLD_ETIQUETTE, 1))),
        ),
        *chain[1:],
    )
    result = compute(chain, {**BASE, HOLD_NEEDED: 0, HOLD_ETIQUETTE: 1, 99: 1})
    assert set(result.hidden) == {HOLD_ETIQUETTE, 99}


# Random forms with every extension: sections (some bonus), criteria of both types (some
# critical, section-fail, N/A allowed, shown only when an earlier one has an answer), answers,
# and excused criteria.


@st.composite
def extended_forms(draw):
    sections, ids = [], []
    for sid in range(1, draw(st.integers(1, 4)) + 1):
        criteria = []
        for _ in range(draw(st.integers(1, 4))):
            cid = len(ids) + 1
            kind = draw(st.sampled_from([YES_NO, SCALE]))
            condition = None
            if ids and draw(st.booleans()):
                condition = Condition(draw(st.sampled_from(ids)), draw(st.integers(0, 1)))
            criteria.append(
                CriterionSpec(
                    cid,
                    kind,
                    draw(st.integers(1, 20)),
                    scale_max=draw(st.integers(1, 5)) if kind == SCALE else 1,
                    critical=draw(st.booleans()),
                    allow_na=draw(st.booleans()),
                    section_fail=draw(st.booleans()),
                    shown_when=condition,
                )
            )
            ids.append(cid)
        bonus = sid > 1 and draw(st.booleans())
        sections.append(SectionSpec(sid, draw(st.integers(1, 60)), tuple(criteria), bonus=bonus))
    answers = {}
    for s in sections:
        for c in s.criteria:
            options = list(range(c.max_value() + 1)) + ([NA] if c.allow_na else [])
            answers[c.id] = draw(st.sampled_from(options))
    excused = draw(st.sets(st.sampled_from(ids)))
    return tuple(sections), answers, excused, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(extended_forms())
def test_totals_stay_within_0_and_100_plus_the_bonus(form):
    sections, answers, excused, zeroes = form
    result = compute(sections, answers, critical_zeroes=zeroes, excused=excused)
    for total in (result.total, result.agent_total):
        assert total is None or 0 <= total <= 100 + sum(s.weight for s in sections if s.bonus)


def triggers(sections) -> set[int]:
    return {c.shown_when.criterion for s in sections for c in s.criteria if c.shown_when}


@settings(max_examples=300, deadline=None)
@given(extended_forms(), st.data())
def test_na_is_never_worse_than_a_lost_answer(form, data):
    # For any criterion no condition depends on (marking a condition's trigger N/A also hides
    # what it shows, which may have earned points): N/A scores at least as well as a 0.
    sections, answers, _excused, zeroes = form
    candidates = [c for s in sections for c in s.criteria if c.id not in triggers(sections)]
    if not candidates:
        return
    criterion = data.draw(st.sampled_from(candidates))
    sections = with_criterion(sections, criterion.id, allow_na=True)
    na = compute(sections, {**answers, criterion.id: NA}, critical_zeroes=zeroes).total
    lost = compute(sections, {**answers, criterion.id: 0}, critical_zeroes=zeroes).total
    # (N/A on the only regular criterion leaves no score at all: nothing to compare.)
    if na is not None and lost is not None:
        assert na >= lost


@settings(max_examples=300, deadline=None)
@given(extended_forms())
def test_hiding_a_criterion_equals_marking_it_na(form):
    sections, answers, excused, zeroes = form
    result = compute(sections, answers, critical_zeroes=zeroes, excused=excused)
    hidden = set(result.hidden)
    unconditioned = tuple(
        replace(
            s,
            criteria=tuple(
                replace(c, shown_when=None, allow_na=True) if c.id in hidden else replace(c, shown_when=None)
                for c in s.criteria
            ),
        )
        for s in sections
    )
    marked = {cid: (NA if cid in hidden else value) for cid, value in answers.items()}
    again = compute(unconditioned, marked, critical_zeroes=zeroes, excused=excused)
    assert (again.total, again.agent_total) == (result.total, result.agent_total)
