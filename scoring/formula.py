"""The scoring formula (DESIGN.md §2, normative). Pure: no ORM, no I/O.

- Section ratio = Σ earned / Σ possible over the section's answered, non-N/A criteria.
  yes/no earns all or nothing; a scale 0..k earns points × value / k.
- Total = 100 × Σ (weight × ratio) / Σ weights of the sections with at least one answered,
  non-N/A criterion, rounded half-up to one decimal.
- A critical criterion answered "no" (or 0) sets critical_failed; when the scorecard says so
  (the default) the total becomes 0.0.

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
class CriterionSpec:
    id: int
    kind: str  # YES_NO or SCALE
    points: int
    scale_max: int = 1  # k for a scale criterion; 1 for yes/no
    critical: bool = False
    allow_na: bool = False
    text: str = ""

    def max_value(self) -> int:
        return 1 if self.kind == YES_NO else self.scale_max

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


@dataclass
class SectionResult:
    id: int
    title: str
    weight: int
    earned: Fraction = Fraction(0)
    possible: Fraction = Fraction(0)
    na_criteria: list[int] = field(default_factory=list)
    na_points: int = 0
    unanswered: list[int] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """A section counts toward the total when it has at least one answered, non-N/A criterion."""
        return self.possible > 0

    @property
    def ratio(self) -> Fraction | None:
        return self.earned / self.possible if self.counted else None

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

    @property
    def unanswered(self) -> list[int]:
        return [cid for s in self.sections for cid in s.unanswered]

    @property
    def na_criteria(self) -> list[int]:
        return [cid for s in self.sections for cid in s.na_criteria]


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


def compute(
    sections: Iterable[SectionSpec],
    answers: Mapping[int, int | str | None],
    *,
    critical_zeroes: bool = True,
) -> ScoreResult:
    """Score `answers` ({criterion id: value | NA | None}) against `sections`.

    A criterion missing from `answers` (or None) is unanswered: it counts like N/A for the
    running total, and submission refuses it separately.
    """
    results: list[SectionResult] = []
    failed_critical: list[int] = []
    weighted = Fraction(0)
    weights_counted = weights_all = 0
    for section in sections:
        result = SectionResult(id=section.id, title=section.title, weight=section.weight)
        for criterion in section.criteria:
            value = answers.get(criterion.id)
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
        weights_all += section.weight
        if result.counted:
            weights_counted += section.weight
            weighted += section.weight * result.ratio
        results.append(result)

    raw = round_half_up(100 * weighted / weights_counted) if weights_counted else None
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
    )
