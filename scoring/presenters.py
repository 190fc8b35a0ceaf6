"""What the scoring pages show, computed from an evaluation: the scorecard's rows with each
answer, the structure the scoring screen's JavaScript reads, the "why this score" sections, the
history, labels, times. No request handling; the reads are `selectors`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.selectors import calls_visible_to

from . import formula, selectors
from .models import Dispute, DisputeStatus, Evaluation, Status

# The resolver's answers are written just after the dispute's resolved_at is taken.
_SLACK = dt.timedelta(seconds=5)


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
    hidden: bool = False  # a conditional criterion its condition does not show (counts as N/A)
    lost: bool = False  # answered, and earned less than its points
    condition_label: str = ""  # "Only when 'A hold was needed' is Yes"
    cause_groups: list[tuple[str, list]] = field(default_factory=list)  # the version's root causes
    agreement: object | None = None  # an auto-answered criterion's agreement with people (selectors_auto)

    @property
    def auto_label(self) -> str:
        """The automatic answer as the choices say it ("Yes" / "No"), or "" without one."""
        value = getattr(self.answer, "auto_value", None)
        if value is None:
            return ""
        return next((label for key, label in self.options if key == str(value)), str(value))

    @property
    def root_cause(self):
        """The answer's root cause (kept on a lost answer only)."""
        return getattr(self.answer, "root_cause", None) if self.answer is not None and self.lost else None

    @property
    def root_cause_id(self) -> int | None:
        return getattr(self.answer, "root_cause_id", None) if self.answer is not None and self.lost else None

    @property
    def comment_required(self) -> bool:
        return self.criterion.comment_on_loss and self.lost and not self.hidden

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


def root_cause_groups(version) -> list[tuple[str, list]]:
    """The version's root causes (prefetched) for a select: the agent's, then the process's."""
    causes = list(version.root_causes.all())
    groups = [
        (_("Within the agent's control"), [c for c in causes if c.agent_controllable]),
        (_("Outside the agent's control (process)"), [c for c in causes if not c.agent_controllable]),
    ]
    return [(label, items) for label, items in groups if items]


def _formula_value(answer):
    if answer is None:
        return None
    return formula.NA if answer.is_na else answer.value


def condition_label(criterion, trigger) -> str:
    """'Only when "A hold was needed" is Yes' for a conditional criterion (trigger: its criterion)."""
    if trigger is None:
        return ""
    if trigger.kind == formula.YES_NO:
        answer = _("Yes") if criterion.shown_when_value else _("No")
    else:
        answer = str(criterion.shown_when_value)
    return _("Only when '%(criterion)s' is %(answer)s") % {"criterion": trigger.text, "answer": answer}


def scorecard_rows(
    evaluation: Evaluation,
    *,
    answers: dict | None = None,
    counterpart: Evaluation | None = None,
    errors: dict[str, list[str]] | None = None,
    agreement: dict | None = None,
) -> list[SectionRow]:
    """The version's sections and criteria with each criterion's answer, built from the
    prefetched data (selectors.with_scorecard) so templates run no query per criterion. A
    conditional criterion its condition does not show is `hidden` (it counts as N/A)."""
    if answers is None:
        answers = {a.criterion_id: a for a in evaluation.answers.all()}
    other = {a.criterion_id: a for a in counterpart.answers.all()} if counterpart else {}
    errors = errors or {}
    version = evaluation.version
    sections = list(version.sections.all())
    visible = formula.shown(
        [formula.SectionSpec(s.pk, s.weight, tuple(c.spec() for c in s.criteria.all())) for s in sections],
        {cid: _formula_value(a) for cid, a in answers.items()},
    )
    by_id = {c.pk: c for s in sections for c in s.criteria.all()}
    groups = root_cause_groups(version)
    rows = []
    for section in sections:
        criteria = []
        for c in section.criteria.all():
            answer = answers.get(c.pk)
            hidden = c.pk not in visible
            earned = ""
            lost = False
            if answer is not None and not answer.is_na and answer.value is not None:
                earned_points = c.spec().earned(answer.value)
                earned = points_label(earned_points)
                lost = earned_points < c.points
            criteria.append(
                CriterionRow(
                    criterion=c,
                    answer=answer,
                    options=criterion_options(c),
                    selected=answer_key(answer),
                    value_label=_("hidden: counts as N/A") if hidden else value_label(c, answer),
                    earned="" if hidden else earned,
                    counterpart=value_label(c, other.get(c.pk)) if counterpart else None,
                    error=errors.get(f"criterion.{c.pk}", []),
                    hidden=hidden,
                    lost=lost and not hidden,
                    condition_label=condition_label(c, by_id.get(c.shown_when_criterion_id)),
                    cause_groups=groups,
                    agreement=(agreement or {}).get(c.pk),
                )
            )
        rows.append(SectionRow(section=section, criteria=criteria))
    return rows


def scorecard_structure(evaluation: Evaluation, *, mode: str) -> dict:
    """The scorecard as data for static/js/scoring.js (embedded with json_script): for the
    scoring screen (`mode` "score", which saves through the API) or the resolve page ("resolve")."""
    version = evaluation.version
    structure = {
        "evaluation": evaluation.pk,
        "criticalZeroes": version.critical_zeroes,
        "rootCauses": [
            {"id": rc.pk, "text": rc.text, "agentControllable": rc.agent_controllable}
            for rc in version.root_causes.all()
        ],
        "sections": [
            {
                "id": s.pk,
                "title": s.title,
                "weight": s.weight,
                "bonus": s.bonus,
                "criteria": [
                    {
                        "id": c.pk,
                        "text": c.text,
                        "kind": c.kind,
                        "points": c.points,
                        "scaleMax": c.scale_max if c.kind == formula.SCALE else 1,
                        "critical": c.critical,
                        "allowNa": c.allow_na,
                        "sectionFail": c.section_fail,
                        "commentOnLoss": c.comment_on_loss,
                        "shownWhen": (
                            {"criterion": c.shown_when_criterion_id, "value": c.shown_when_value}
                            if c.shown_when_criterion_id is not None and c.shown_when_value is not None
                            else None
                        ),
                    }
                    for c in s.criteria.all()
                ],
            }
            for s in version.sections.all()
        ],
    }
    if mode == "score":
        structure["urls"] = api_urls(evaluation)
    return {**structure, "strings": js_strings(), "mode": mode}


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
        "commentRequired": _("'%(criterion)s' lost points: say why in its comment."),
        "hiddenNote": _("%(n)s criteria hidden by their condition: they count as N/A."),
        "failedNote": _("'%(section)s' scores 0: '%(criterion)s' fails its section."),
        "bonusNote": _("Bonus: +%(points)s points on top (the total is capped at %(cap)s)."),
        "bonusZeroed": _("Bonus: none, the critical failure zeroes it with the total."),
        "excusedNote": _("Not the agent's: %(items)s — the agent score counts it as N/A."),
        "sectionFailed": _("0 % — failed"),
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


# --- the evaluation page ------------------------------------------------------------------------


def why_sections(score: dict, criteria: dict) -> list[dict]:
    """The explain block's sections with the texts of their N/A criteria (hidden ones included:
    they count as N/A), the weight dropped, and the section-fail criteria that zeroed them."""
    return [
        {
            **s,
            "na_texts": [criteria[cid].text for cid in [*s["na_criteria"], *s["hidden"]] if cid in criteria],
            "dropped_weight": 0 if s["counted"] or s["bonus"] else s["weight"],
            "failed_texts": [criteria[cid].text for cid in s["failed_by"] if cid in criteria],
        }
        for s in score["sections"]
    ]


def why_extensions(evaluation: Evaluation, score: dict, rows: list[SectionRow]) -> dict:
    """What the extensions did to this score, in words for the evaluation page: the criteria
    hidden by their condition, the sections a section-fail criterion zeroed, the bonus, and the
    lost points excused from the agent score (with their root cause)."""
    items = {item.criterion.pk: item for row in rows for item in row.criteria}
    hidden = [
        {"text": items[cid].criterion.text, "condition": items[cid].condition_label}
        for cid in score["hidden"]
        if cid in items
    ]
    failed = [
        {"section": s["title"], "criteria": [items[cid].criterion.text for cid in s["failed_by"] if cid in items]}
        for s in score["sections"]
        if s["failed_by"]
    ]
    bonus = [
        {"title": s["title"], "weight": s["weight"], "percent": s["percent"], "counted": s["counted"]}
        for s in score["sections"]
        if s["bonus"]
    ]
    excused = []
    for cid in score["excused"]:
        item = items.get(cid)
        if item is None:
            continue
        lost = item.criterion.points - item.criterion.spec().earned(item.answer.value)
        excused.append(
            {"text": item.criterion.text, "cause": item.root_cause, "lost_points": points_label(Fraction(lost))}
        )
    if evaluation.is_draft:
        total, agent_score = score["total"], score["agent_total"]
    else:  # the figures kept at submission (an evaluation from before agent scores: its total)
        total = evaluation.total
        agent_score = evaluation.total if evaluation.agent_score is None else evaluation.agent_score
    return {
        "total": total,
        "agent_score": agent_score,
        "agent_differs": agent_score != total,
        "hidden": hidden,
        "failed": failed,
        "bonus": bonus,
        "bonus_points": score["bonus_points"],
        "cap": score["cap"],
        "excused": excused,
    }


def evaluation_history(evaluation: Evaluation) -> list[dict]:
    """The evaluation's historical records, consecutive autosaves folded into one row: a row
    per change of status or total, so an adjusted dispute shows the original and the new total."""
    rows: list[dict] = []
    for record in selectors.status_changes(evaluation):
        if rows and rows[-1]["status"] == record.status and rows[-1]["total"] == record.total:
            rows[-1]["saves"] += 1
            rows[-1]["until"] = record.history_date
            continue
        rows.append(
            {
                "when": record.history_date,
                "until": None,
                "who": record.history_user,
                "status": record.status,
                "status_label": Status(record.status).label if record.status in Status.values else record.status,
                "total": record.total,
                "critical_failed": record.critical_failed,
                "saves": 0,
                "created": record.history_type == "+",
            }
        )
    for before, row in zip([None, *rows], rows, strict=False):
        row["total_changed"] = before is not None and before["total"] is not None and before["total"] != row["total"]
        row["previous_total"] = before["total"] if before else None
    return rows


def disputes_with_changes(evaluation: Evaluation, criteria: dict) -> list[Dispute]:
    """The evaluation's disputes (prefetched), each with `changes`: for an adjusted one, which
    answers the resolver changed, read from the answers' history."""
    disputes = list(evaluation.disputes.all())
    adjusted = [d for d in disputes if d.status == DisputeStatus.ADJUSTED and d.resolved_at]
    # A decision records what it changed (DisputeChange); older ones are read from the history.
    recorded = {d.pk: list(d.criterion_changes.all()) for d in adjusted}
    records = selectors.answer_changes(evaluation) if any(not rows for rows in recorded.values()) else []
    for dispute in disputes:
        if dispute not in adjusted:
            dispute.changes = []
        elif recorded[dispute.pk]:
            dispute.changes = _recorded_changes(recorded[dispute.pk], criteria)
        else:
            dispute.changes = _changes(dispute, records, criteria)
    return disputes


@dataclass
class _Stored:
    value: int | None
    is_na: bool


def _recorded_changes(rows: list, criteria: dict) -> list[dict]:
    items = []
    for row in rows:
        criterion = criteria.get(row.criterion_id)
        if criterion is not None:
            before = _Stored(row.before_value, row.before_na)
            after = _Stored(row.after_value, row.after_na)
            items.append(
                {
                    "criterion": criterion,
                    "before": value_label(criterion, before),
                    "after": value_label(criterion, after),
                }
            )
    return items


def _changes(dispute: Dispute, records: list, criteria: dict) -> list[dict]:
    before: dict[int, object] = {}
    after: dict[int, object] = {}
    for r in records:
        if r.history_date < dispute.raised_at:
            before[r.criterion_id] = r
        elif r.history_date <= dispute.resolved_at + _SLACK:
            after[r.criterion_id] = r
    items = []
    for cid, new in after.items():
        old = before.get(cid)
        criterion = criteria.get(cid)
        if criterion is not None and (old is None or (old.value, old.is_na) != (new.value, new.is_na)):
            items.append(
                {"criterion": criterion, "before": value_label(criterion, old), "after": value_label(criterion, new)}
            )
    return items
