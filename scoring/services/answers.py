"""Answers: read from a request body, checked against the scorecard, written to an evaluation,
and scored with the formula. The pages' form reader (`forms.answers_from_post`) builds the same
`AnswerInput`, so pages and API share these rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from qa_platform.errors import MissingReference

from .. import formula
from ..models import Answer, Criterion, Evaluation, RootCause

MAX_OFFSET_SECONDS = 86_400
ANSWER_FIELDS = ["value", "is_na", "comment", "time_offset", "root_cause"]


@dataclass(frozen=True)
class AnswerInput:
    criterion_id: int
    value: int | None = None
    na: bool = False
    comment: str = ""
    time_offset: float | None = None
    root_cause: int | None = None  # a RootCause of the version, kept only on a lost answer


def parse_answers(raw: Any) -> list[AnswerInput]:
    """Answers from a request body: [{criterion, value | "na" | null, comment, time_offset, root_cause}]."""
    if not isinstance(raw, list):
        raise ValidationError({"answers": _("Send a list of answers.")})
    parsed = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "criterion" not in item:
            raise ValidationError({f"answers.{i}": _("Each answer names its criterion.")})
        value = item.get("value")
        na = value == formula.NA or bool(item.get("na"))
        offset = item.get("time_offset")
        cause = item.get("root_cause")
        try:
            criterion_id = int(item["criterion"])
            value = None if na or value in (None, "") else int(value)
            offset = None if offset in (None, "") else float(offset)
            cause = None if cause in (None, "") else int(cause)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(
                {f"answers.{i}": _("Criterion, value, time and root cause must be numbers.")}
            ) from None
        if offset is not None and not (math.isfinite(offset) and 0 <= offset <= MAX_OFFSET_SECONDS):
            raise ValidationError(
                {f"answers.{i}.time_offset": _("A time in the recording is a number of seconds from 0 to 86400.")}
            )
        comment = str(item.get("comment") or "")[:4000]
        parsed.append(AnswerInput(criterion_id, value, na, comment, offset, cause))
    return parsed


def write_answers(evaluation: Evaluation, answers: list[AnswerInput]) -> None:
    """Store the answers given (others untouched), each checked against its criterion first;
    errors are keyed `criterion.<id>`."""
    criteria = {c.pk: c for c in Criterion.objects.filter(section__version=evaluation.version_id)}
    causes = set(RootCause.objects.filter(version=evaluation.version_id).values_list("pk", flat=True))
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
        if a.root_cause is not None and a.root_cause not in causes:
            errors.setdefault(f"criterion.{a.criterion_id}.root_cause", []).append(
                _("Not a root cause of this scorecard.")
            )
    if errors:
        raise ValidationError({**missing, **errors})
    if missing:
        raise MissingReference(missing)  # the API's 404: only criteria that are not there
    existing = {ans.criterion_id: ans for ans in evaluation.answers.all()}
    created: dict[int, Answer] = {}
    changed: dict[int, Answer] = {}
    for a in answers:
        row = existing.get(a.criterion_id) or created.get(a.criterion_id)
        if row is None:
            row = created[a.criterion_id] = Answer(evaluation=evaluation, criterion_id=a.criterion_id)
        lost = not a.na and criteria[a.criterion_id].spec().loses(a.value)
        wanted = {
            "value": None if a.na else a.value,
            "is_na": a.na,
            "comment": a.comment,
            "time_offset": a.time_offset,
            "root_cause_id": a.root_cause if lost else None,  # a cause explains lost points only
        }
        if all(getattr(row, f) == v for f, v in wanted.items()) and a.criterion_id in existing:
            continue  # autosave sends every answer; unchanged rows are not rewritten (nor historied)
        for f, v in wanted.items():
            setattr(row, f, v)
        if a.criterion_id in existing:
            changed[a.criterion_id] = row
    # A constant number of statements however many criteria: the new answers and the changed
    # ones in bulk, each with its history rows (the request's user, as a save would record).
    if created:
        bulk_create_with_history(list(created.values()), Answer)
    if changed:
        bulk_update_with_history(list(changed.values()), Answer, ANSWER_FIELDS)


def evaluation_score(evaluation: Evaluation) -> formula.ScoreResult:
    """The formula applied to the evaluation's current answers (prefetch answers, their root
    causes and the version): the total, and the agent score excusing lost points whose cause
    is outside the agent's control."""
    answers = {a.criterion_id: a.formula_value for a in evaluation.answers.all()}
    excused = {
        a.criterion_id for a in evaluation.answers.all() if a.root_cause_id and not a.root_cause.agent_controllable
    }
    return formula.compute(
        evaluation.version.specs(), answers, critical_zeroes=evaluation.version.critical_zeroes, excused=excused
    )


def score_afresh(evaluation: Evaluation) -> tuple[Evaluation, formula.ScoreResult]:
    """The evaluation read again with its answers and scorecard (after a write), and its score."""
    fresh = Evaluation.objects.prefetch_related("answers__root_cause", "version__sections__criteria").get(
        pk=evaluation.pk
    )
    return fresh, evaluation_score(fresh)


def apply_score(evaluation: Evaluation, result: formula.ScoreResult) -> None:
    """The figures an evaluation keeps from its score (the caller saves)."""
    evaluation.total = result.total
    evaluation.critical_failed = result.critical_failed
    evaluation.agent_score = result.agent_total
    evaluation.agent_critical_failed = result.agent_result.critical_failed


def missing_loss_comments(evaluation: Evaluation, result: formula.ScoreResult) -> dict[str, list[str]]:
    """Criteria that require a comment when points are lost, lost without one (shown ones only;
    version and answers prefetched)."""
    required = {c.pk: c for s in evaluation.version.sections.all() for c in s.criteria.all() if c.comment_on_loss}
    hidden = set(result.hidden)
    problems = {}
    for a in evaluation.answers.all():
        criterion = required.get(a.criterion_id)
        if criterion is None or a.criterion_id in hidden or a.comment.strip():
            continue
        if criterion.spec().loses(a.formula_value):
            problems[f"criterion.{a.criterion_id}"] = [
                _("'%(t)s' lost points: say why in its comment.") % {"t": criterion.text}
            ]
    return problems
