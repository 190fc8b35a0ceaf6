"""Answers: read from a request body, checked against the scorecard, written to an evaluation,
and scored with the formula. The pages' form reader (`forms.answers_from_post`) builds the same
`AnswerInput`, so pages and API share these rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qa_platform.errors import MissingReference

from .. import formula
from ..models import Answer, Criterion, Evaluation

MAX_OFFSET_SECONDS = 86_400


@dataclass(frozen=True)
class AnswerInput:
    criterion_id: int
    value: int | None = None
    na: bool = False
    comment: str = ""
    time_offset: float | None = None


def parse_answers(raw: Any) -> list[AnswerInput]:
    """Answers from a request body: [{criterion, value | "na" | null, comment, time_offset}]."""
    if not isinstance(raw, list):
        raise ValidationError({"answers": _("Send a list of answers.")})
    parsed = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "criterion" not in item:
            raise ValidationError({f"answers.{i}": _("Each answer names its criterion.")})
        value = item.get("value")
        na = value == formula.NA or bool(item.get("na"))
        offset = item.get("time_offset")
        try:
            criterion_id = int(item["criterion"])
            value = None if na or value in (None, "") else int(value)
            offset = None if offset in (None, "") else float(offset)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError({f"answers.{i}": _("Criterion, value and time must be numbers.")}) from None
        if offset is not None and not (math.isfinite(offset) and 0 <= offset <= MAX_OFFSET_SECONDS):
            raise ValidationError(
                {f"answers.{i}.time_offset": _("A time in the recording is a number of seconds from 0 to 86400.")}
            )
        parsed.append(AnswerInput(criterion_id, value, na, str(item.get("comment") or "")[:4000], offset))
    return parsed


def write_answers(evaluation: Evaluation, answers: list[AnswerInput]) -> None:
    """Store the answers given (others untouched), each checked against its criterion first;
    errors are keyed `criterion.<id>`."""
    criteria = {c.pk: c for c in Criterion.objects.filter(section__version=evaluation.version_id)}
    errors: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    for a in answers:
        criterion = criteria.get(a.criterion_id)
        if criterion is None:
            missing.setdefault(f"criterion.{a.criterion_id}", []).append(_("Not a criterion of this scorecard."))
            continue
        try:
            formula.check_answer(criterion.spec(), formula.NA if a.na else a.value)
        except formula.AnswerError as exc:
            errors.setdefault(f"criterion.{a.criterion_id}", []).append(exc.reason)
    if errors:
        raise ValidationError({**missing, **errors})
    if missing:
        raise MissingReference(missing)  # the API's 404: only criteria that are not there
    existing = {ans.criterion_id: ans for ans in evaluation.answers.all()}
    for a in answers:
        row = existing.get(a.criterion_id) or Answer(evaluation=evaluation, criterion_id=a.criterion_id)
        wanted = {"value": None if a.na else a.value, "is_na": a.na, "comment": a.comment, "time_offset": a.time_offset}
        if row.pk and all(getattr(row, f) == v for f, v in wanted.items()):
            continue  # autosave sends every answer; unchanged rows are not rewritten (nor historied)
        for f, v in wanted.items():
            setattr(row, f, v)
        row.save()


def evaluation_score(evaluation: Evaluation) -> formula.ScoreResult:
    """The formula applied to the evaluation's current answers (prefetch answers and version)."""
    answers = {a.criterion_id: a.formula_value for a in evaluation.answers.all()}
    return formula.compute(evaluation.version.specs(), answers, critical_zeroes=evaluation.version.critical_zeroes)


def score_afresh(evaluation: Evaluation) -> tuple[Evaluation, formula.ScoreResult]:
    """The evaluation read again with its answers and scorecard (after a write), and its score."""
    fresh = Evaluation.objects.prefetch_related("answers", "version__sections__criteria").get(pk=evaluation.pk)
    return fresh, evaluation_score(fresh)
