"""The scoring formula (DESIGN.md §2, normative). Pure: no ORM, no I/O.

- Section ratio = Σ earned / Σ possible over the section's answered, non-N/A criteria.
  yes/no earns all or nothing; a scale 0..k earns points × value / k.
- Total = 100 × Σ (weight × ratio) / Σ weights of the sections with at least one answered,
  non-N/A criterion, rounded half-up to one decimal.
- A critical criterion answered "no" (or 0) sets critical_failed; when the scorecard says so
  (the default) the total becomes 0.0.

Extensions (DESIGN.md §2 "Extensions", normative too):
- Conditional criterion (`shown_when`): shown only while an earlier criterion is shown and has
  the given answer; hidden, it counts as N/A (whatever was answered for it is ignored).
- Section-fail criterion answered "no" (or 0): its section's ratio is 0; the rest as usual.
- Bonus section: its weight is not in Σ weights; it adds weight × ratio points on top; the total
  is capped at 100 + Σ bonus weights; a critical failure that zeroes the total zeroes the bonus.
- Root cause: `excused` names the lost criteria whose cause was outside the agent's control.
  The total (the interaction's quality) counts them; the agent score (`agent`) counts them as
  N/A — so an excused critical or section-fail item does not fail the agent either.

The browser's running total (static/js/scoring.js) implements the same steps; a browser test
checks that both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

YES_NO = "yes_no"
SCALE = "scale"
NA = "na"  # the answer value meaning "not applicable"

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Condition:
    """Show a criterion only while the earlier criterion `criterion` is answered `value`."""

    criterion: int
    value: int


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    kind: str  # YES_NO or SCALE
    points: int
    scale_max: int = 1  # k for a scale criterion; 1 for yes/no
    critical: bool = False
    allow_na: bool = False
    text: str = ""
    section_fail: bool = False
    shown_when: Condition | None = None

    def max_value(self) -> int:
        return 1 if self.kind == YES_NO else self.scale_max

    def loses(self, value) -> bool:
        """An answer (not N/A, not unanswered) that earns less than the criterion's points."""
        return value is not None and value != NA and self.earned(value) < self.points

    def earned(self, value: int) -> Fraction:
        if self.kind == YES_NO:
            return Fraction(self.points if value else 0)
        return Fraction(self.points * value, self.scale_max)


@dataclass(frozen=True)
class SectionSpec:
    id: int
    weight: int
    criteria: tuple[CriterionSpec, ...]
    title: str = ""
    bonus: bool = False


@dataclass
class SectionResult:
    id: int
    title: str
    weight: int
    bonus: bool = False
    earned: Fraction = Fraction(0)
    possible: Fraction = Fraction(0)
    na_criteria: list[int] = field(default_factory=list)
    na_points: int = 0
    unanswered: list[int] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)  # conditional criteria not shown (count as N/A)
    failed_by: list[int] = field(default_factory=list)  # section-fail criteria answered "no" / 0
    excused: list[int] = field(default_factory=list)  # lost, outside the agent's control: N/A here

    @property
    def failed(self) -> bool:
        return bool(self.failed_by)

    @property
    def counted(self) -> bool:
        """A section counts toward the total when it has at least one answered, non-N/A criterion."""
        return self.possible > 0

    @property
    def ratio(self) -> Fraction | None:
        if not self.counted:
            return None
        return Fraction(0) if self.failed else self.earned / self.possible

    @property
    def percent(self) -> Decimal | None:
        return None if self.ratio is None else round_half_up(100 * self.ratio)


@dataclass
class ScoreResult:
    total: Decimal | None  # None when nothing is answered yet
    raw_total: Decimal | None  # before a critical failure zeroes it
    critical_failed: bool
    critical_zeroed: bool
    failed_critical: list[int]
    sections: list[SectionResult]
    weights_counted: int
    weights_all: int
    bonus_points: Fraction = Fraction(0)  # added on top of the weighted average (before zeroing)
    bonus_weights: int = 0
    # The agent score's own computation, when some lost criteria are excused (else the total's).
    agent: ScoreResult | None = None

    @property
    def unanswered(self) -> list[int]:
        return [cid for s in self.sections for cid in s.unanswered]

    @property
    def na_criteria(self) -> list[int]:
        return [cid for s in self.sections for cid in s.na_criteria]

    @property
    def hidden(self) -> list[int]:
        return [cid for s in self.sections for cid in s.hidden]

    @property
    def failed_sections(self) -> list[SectionResult]:
        return [s for s in self.sections if s.failed]

    @property
    def cap(self) -> int:
        return 100 + self.bonus_weights

    @property
    def agent_result(self) -> ScoreResult:
        return self.agent or self

    @property
    def agent_total(self) -> Decimal | None:
        """The agent score: the total with lost criteria outside the agent's control as N/A."""
        return self.agent_result.total

    @property
    def excused(self) -> list[int]:
        return [cid for s in self.agent_result.sections for cid in s.excused]


class AnswerError(ValueError):
    """An answer that the criterion does not allow (out of range, N/A where not allowed)."""

    def __init__(self, criterion_id: int, reason: str):
        self.criterion_id = criterion_id
        self.reason = reason
        super().__init__(f"criterion {criterion_id}: {reason}")


def round_half_up(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        # Exact: scale to tenths, round half up on the rational, then back to a Decimal.
        tenths = value * 10
        floor = tenths.numerator // tenths.denominator
        rounded = floor + (1 if tenths - floor >= Fraction(1, 2) else 0)
        return (Decimal(rounded) / 10).quantize(ONE_DECIMAL)
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def check_answer(criterion: CriterionSpec, value) -> None:
    if value is None:
        return
    if value == NA:
        if not criterion.allow_na:
            raise AnswerError(criterion.id, "N/A is not allowed for this criterion")
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(criterion.id, f"'{value}' is not a whole number")
    if not 0 <= value <= criterion.max_value():
        raise AnswerError(criterion.id, f"{value} is outside 0–{criterion.max_value()}")


def shown(sections: Iterable[SectionSpec], answers: Mapping[int, int | str | None]) -> set[int]:
    """The criteria shown, in form order: a conditional one while its (earlier, shown) criterion
    has the chosen answer. A condition on a later or unknown criterion hides it (publishing
    refuses such a scorecard)."""
    visible: set[int] = set()
    for section in sections:
        for criterion in section.criteria:
            when = criterion.shown_when
            if when is None or (when.criterion in visible and answers.get(when.criterion) == when.value):
                visible.add(criterion.id)
    return visible


def compute(
    sections: Iterable[SectionSpec],
    answers: Mapping[int, int | str | None],
    *,
    critical_zeroes: bool = True,
    excused: Iterable[int] = (),
) -> ScoreResult:
    """Score `answers` ({criterion id: value | NA | None}) against `sections`.

    A criterion missing from `answers` (or None) is unanswered: it counts like N/A for the
    running total, and submission refuses it separately. `excused`: criterion ids whose loss the
    evaluator put down to a cause outside the agent's control (the agent score's N/A).
    """
    sections = list(sections)
    visible = shown(sections, answers)  # what the call showed: the agent score hides the same
    result = _compute(sections, answers, critical_zeroes, visible)
    excused = set(excused)
    lost = {
        c.id
        for s in sections
        for c in s.criteria
        if c.id in excused and c.id not in result.hidden and c.loses(answers.get(c.id))
    }
    if lost:
        agent_answers = {cid: (NA if cid in lost else value) for cid, value in answers.items()}
        result.agent = _compute(sections, agent_answers, critical_zeroes, visible, allow_na=lost)
        for section in result.agent.sections:
            section.excused = [cid for cid in section.na_criteria if cid in lost]
    return result


def _compute(sections, answers, critical_zeroes: bool, visible: set[int], allow_na=frozenset()) -> ScoreResult:
    results: list[SectionResult] = []
    failed_critical: list[int] = []
    weighted = bonus = Fraction(0)
    weights_counted = weights_all = bonus_weights = 0
    for section in sections:
        result = SectionResult(id=section.id, title=section.title, weight=section.weight, bonus=section.bonus)
        for criterion in section.criteria:
            if criterion.id not in visible:
                result.hidden.append(criterion.id)
                result.na_points += criterion.points
                continue
            value = answers.get(criterion.id)
            if criterion.id not in allow_na:
                check_answer(criterion, value)
            if value is None:
                result.unanswered.append(criterion.id)
            elif value == NA:
                result.na_criteria.append(criterion.id)
                result.na_points += criterion.points
            else:
                result.earned += criterion.earned(value)
                result.possible += criterion.points
                if criterion.critical and value == 0:
                    failed_critical.append(criterion.id)
                if criterion.section_fail and value == 0:
                    result.failed_by.append(criterion.id)
        if section.bonus:
            bonus_weights += section.weight
            if result.counted:
                bonus += section.weight * result.ratio
        else:
            weights_all += section.weight
            if result.counted:
                weights_counted += section.weight
                weighted += section.weight * result.ratio
        results.append(result)

    raw = None
    if weights_counted:
        raw = round_half_up(min(100 * weighted / weights_counted + bonus, Fraction(100 + bonus_weights)))
    critical_failed = bool(failed_critical)
    zeroed = critical_failed and critical_zeroes and raw is not None
    return ScoreResult(
        total=Decimal("0.0") if zeroed else raw,
        raw_total=raw,
        critical_failed=critical_failed,
        critical_zeroed=zeroed,
        failed_critical=failed_critical,
        sections=results,
        weights_counted=weights_counted,
        weights_all=weights_all,
        bonus_points=bonus,
        bonus_weights=bonus_weights,
    )
