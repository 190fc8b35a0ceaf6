"""What the scoring pages show, computed from an evaluation: the scorecard's rows with each
answer, the structure the scoring screen's JavaScript reads, labels, times. No request handling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.selectors import calls_visible_to

from . import formula
from .models import Evaluation


def own_agent_id(user) -> int | None:
    agent = getattr(user, "agent", None)
    return agent.pk if agent is not None else None


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def flash_errors(request, exc: ValidationError) -> None:
    for msgs in error_messages(exc).values():
        for msg in msgs:
            messages.error(request, msg)


def answer_key(answer) -> str:
    """The radio value an answer selects: "1"/"0" for yes/no, "0".."k" for a scale, "na"."""
    if answer is None:
        return ""
    if answer.is_na:
        return formula.NA
    return "" if answer.value is None else str(answer.value)


def value_label(criterion, answer) -> str:
    if answer is None or (answer.value is None and not answer.is_na):
        return _("not answered")
    if answer.is_na:
        return _("N/A")
    if criterion.kind == formula.YES_NO:
        return _("Yes") if answer.value else _("No")
    return _("%(v)s of %(k)s") % {"v": answer.value, "k": criterion.scale_max}


def points_label(value: Fraction) -> str:
    """Points for display: 5, 7.5, 3.33."""
    rounded = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{rounded.quantize(Decimal('0.01')).normalize():f}"


def mmss(seconds: float | None) -> str:
    """A time in the recording as m:ss, truncated like the player's clock (scoring.js agrees)."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass
class CriterionRow:
    criterion: object
    answer: object | None
    options: list[tuple[str, str]]
    selected: str
    value_label: str = ""
    earned: str = ""
    counterpart: str | None = None  # the other evaluation's answer (self vs. auditor)
    error: list[str] = field(default_factory=list)

    @property
    def comment(self) -> str:
        return self.answer.comment if self.answer else ""

    @property
    def time_offset(self) -> float | None:
        return self.answer.time_offset if self.answer else None

    @property
    def time_label(self) -> str:
        return mmss(self.time_offset)


@dataclass
class SectionRow:
    section: object
    criteria: list[CriterionRow]


def criterion_options(criterion) -> list[tuple[str, str]]:
    if criterion.kind == formula.YES_NO:
        options = [("1", _("Yes")), ("0", _("No"))]
    else:
        options = [(str(v), str(v)) for v in range(criterion.scale_max + 1)]
    if criterion.allow_na:
        options.append((formula.NA, _("N/A")))
    return options


def scorecard_rows(
    evaluation: Evaluation,
    *,
    answers: dict | None = None,
    counterpart: Evaluation | None = None,
    errors: dict[str, list[str]] | None = None,
) -> list[SectionRow]:
    """The version's sections and criteria with each criterion's answer, built from the
    prefetched data (selectors.with_scorecard) so templates run no query per criterion."""
    if answers is None:
        answers = {a.criterion_id: a for a in evaluation.answers.all()}
    other = {a.criterion_id: a for a in counterpart.answers.all()} if counterpart else {}
    errors = errors or {}
    rows = []
    for section in evaluation.version.sections.all():
        criteria = []
        for c in section.criteria.all():
            answer = answers.get(c.pk)
            earned = ""
            if answer is not None and not answer.is_na and answer.value is not None:
                earned = points_label(c.spec().earned(answer.value))
            criteria.append(
                CriterionRow(
                    criterion=c,
                    answer=answer,
                    options=criterion_options(c),
                    selected=answer_key(answer),
                    value_label=value_label(c, answer),
                    earned=earned,
                    counterpart=value_label(c, other.get(c.pk)) if counterpart else None,
                    error=errors.get(f"criterion.{c.pk}", []),
                )
            )
        rows.append(SectionRow(section=section, criteria=criteria))
    return rows


def scorecard_structure(evaluation: Evaluation) -> dict:
    """The scorecard as data for static/js/scoring.js (embedded with json_script)."""
    version = evaluation.version
    return {
        "evaluation": evaluation.pk,
        "criticalZeroes": version.critical_zeroes,
        "sections": [
            {
                "id": s.pk,
                "title": s.title,
                "weight": s.weight,
                "criteria": [
                    {
                        "id": c.pk,
                        "text": c.text,
                        "kind": c.kind,
                        "points": c.points,
                        "scaleMax": c.scale_max if c.kind == formula.SCALE else 1,
                        "critical": c.critical,
                        "allowNa": c.allow_na,
                    }
                    for c in s.criteria.all()
                ],
            }
            for s in version.sections.all()
        ],
    }


def js_strings() -> dict[str, str]:
    """Everything static/js/scoring.js says, translated here (no JavaScript catalogue needed)."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved %(time)s"),
        "unsaved": _("Unsaved changes"),
        "saveFailed": _("Not saved: %(reason)s"),
        "network": _("the server could not be reached; your answers are kept here and saved on the next change."),
        "conflict": _("This evaluation can no longer be changed: %(reason)s"),
        "forbidden": _("You may not change this evaluation."),
        "notAnswered": _("'%(criterion)s' is not answered."),
        "unansweredCount": _("%(n)s criteria are not answered yet; the first is '%(criterion)s'."),
        "answered": _("%(n)s of %(total)s answered"),
        "submitting": _("Submitting…"),
        "submitFailed": _("Not submitted: %(reason)s"),
        "fixErrors": _("Correct the marked criteria, then submit again."),
        "criticalFailed": _("Critical item failed: %(items)s"),
        "criticalZeroed": _("The total is 0.0 because a critical item failed (%(raw)s before)."),
        "criticalFlagged": _("Flagged only: this scorecard does not zero the total."),
        "dropped": _("dropped: all N/A"),
        "noTotal": _("–"),
        "serverTotal": _("server score %(total)s"),
        "serverDiffers": _("The server's score is %(server)s; it replaces the %(local)s computed here."),
        "markedAt": _("Marked at %(time)s; play from there"),
        "noPlayer": _("There is no recording to mark."),
        "leave": _("Your last changes are not saved yet."),
        "changed": _("changed (was %(was)s)"),
    }


def api_urls(evaluation: Evaluation) -> dict[str, str]:
    return {
        "answers": reverse("api-evaluation-answers", args=[evaluation.pk]),
        "submit": reverse("api-evaluation-submit", args=[evaluation.pk]),
        "detail": reverse("evaluation-detail", args=[evaluation.pk]),
    }


def call_is_visible(user, evaluation: Evaluation) -> bool:
    return calls_visible_to(user).filter(pk=evaluation.call_id).exists()


def can_hear(user, evaluation: Evaluation) -> bool:
    """The page's player is for those allowed to hear the call (HR never; agents their own)."""
    return bool(evaluation.call.recording) and call_is_visible(user, evaluation)


# --- work queue and starting --------------------------------------------------------------------
