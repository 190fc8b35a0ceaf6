"""Writes for scoring: scorecard versions and the evaluation lifecycle (DESIGN.md §2).

Lifecycle: assigned → in progress (draft autosaved) → submitted → feedback delivered →
acknowledged, or disputed → resolved (upheld / adjusted). Every entry point (pages, API,
admin, tasks) goes through these functions, so each rule is written once.

Errors: `PermissionDenied` for the wrong person (403), `IllegalTransition` for a step the
evaluation's state does not allow (409), `ValidationError` with field names for bad input (400).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, Call
from monitoring.selectors import is_private_line
from qa_platform.errors import IllegalTransition
from qa_platform.roles import MANAGER, QA, SUPERVISOR, TRAINER, user_roles

from . import formula
from .models import (
    Answer,
    Category,
    Criterion,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    Method,
    Scorecard,
    ScorecardVersion,
    Section,
    Status,
    VersionStatus,
)

# Which role an evaluator scores in, when they hold several (most specific first).
EVALUATOR_ROLE_ORDER = (QA, SUPERVISOR, TRAINER, MANAGER)
RESOLVER_ROLES = frozenset({QA, MANAGER})


MAX_OFFSET_SECONDS = 86_400


# --- scorecards -------------------------------------------------------------------------------


def scorecard_create(*, name: str, description: str = "", lines_of_business: Iterable = (), by) -> Scorecard:
    """A new scorecard with an empty draft version 1."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A scorecard needs a name.")})
    if Scorecard.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A scorecard with this name exists.")})
    with transaction.atomic():
        scorecard = Scorecard.objects.create(name=name, description=description)
        scorecard.lines_of_business.set(lines_of_business)
        ScorecardVersion.objects.create(scorecard=scorecard, number=1, created_by=by)
    return scorecard


# Points are a small integer column; a bound keeps absurd input a 400 rather than a database error.
MAX_POINTS = 1000
CRITERION_FIELDS = ("text", "guidance", "kind", "scale_max", "points", "category", "allow_na", "critical")


def _clean_structure(structure: dict) -> tuple[list[dict], dict[str, list[str]]]:
    """Check a draft's structure field by field; errors are keyed by path (sections.0.criteria.1.points)."""
    errors: dict[str, list[str]] = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if not isinstance(structure, dict):
        return [], {"non_field_errors": [_("Send an object with the draft's sections.")]}
    if not isinstance(structure.get("critical_zeroes", False), bool):
        err("critical_zeroes", _("Send true or false."))
    sections_in = structure.get("sections")
    if not isinstance(sections_in, list):
        return [], {**errors, "sections": [_("Send a list of sections.")]}
    sections: list[dict] = []
    for i, raw in enumerate(sections_in):
        path = f"sections.{i}"
        if not isinstance(raw, dict):
            err(path, _("Each section is an object."))
            continue
        title = str(raw.get("title") or "").strip()
        if not title:
            err(f"{path}.title", _("A section needs a title."))
        try:
            weight = int(raw.get("weight"))
            if not 1 <= weight <= 100:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            err(f"{path}.weight", _("A weight is a whole number from 1 to 100."))
            weight = 0
        criteria = []
        criteria_in = raw.get("criteria") or []
        if not isinstance(criteria_in, list):
            err(f"{path}.criteria", _("Send a list of criteria."))
            criteria_in = []
        for j, c in enumerate(criteria_in):
            cpath = f"{path}.criteria.{j}"
            if not isinstance(c, dict):
                err(cpath, _("Each criterion is an object."))
                continue
            text = str(c.get("text") or "").strip()
            if not text:
                err(f"{cpath}.text", _("A criterion needs a text."))
            kind = c.get("kind") or formula.YES_NO
            if kind not in (formula.YES_NO, formula.SCALE):
                err(f"{cpath}.kind", _("Type is yes_no or scale."))
            try:
                points = int(c.get("points"))
                if not 1 <= points <= MAX_POINTS:
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                err(f"{cpath}.points", _("Points must be a whole number from 1 to %(max)s.") % {"max": MAX_POINTS})
                points = 1
            scale_max = 1
            if kind == formula.SCALE:
                try:
                    scale_max = int(c.get("scale_max"))
                    if not 1 <= scale_max <= 10:
                        raise ValueError
                except (TypeError, ValueError, OverflowError):
                    err(f"{cpath}.scale_max", _("A scale runs from 0 to k, with k from 1 to 10."))
                    scale_max = 1
            category = c.get("category") or Category.OTHER
            if category not in Category.values:
                err(f"{cpath}.category", _("Unknown category '%(c)s'.") % {"c": category})
            criteria.append(
                {
                    "text": text[:255],
                    "guidance": str(c.get("guidance") or ""),
                    "kind": kind,
                    "scale_max": scale_max,
                    "points": points,
                    "category": category,
                    "allow_na": bool(c.get("allow_na")),
                    "critical": bool(c.get("critical")),
                }
            )
        sections.append({"title": title[:120], "weight": weight, "criteria": criteria})
    return sections, errors


def scorecard_draft_save(*, version: ScorecardVersion, structure: dict, by) -> ScorecardVersion:
    """Replace a draft's sections and criteria (order as given). Published versions never change."""
    if not version.is_editable:
        raise IllegalTransition(_("Version %(n)s is published: start a new draft to change it.") % {"n": version.number})
    sections, errors = _clean_structure(structure)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_editable:
            raise IllegalTransition(_("This version was published meanwhile."))
        version.critical_zeroes = bool(structure.get("critical_zeroes", version.critical_zeroes))
        version.notes = str(structure.get("notes", version.notes) or "")
        version.save(update_fields=["critical_zeroes", "notes"])
        version.sections.all().delete()
        for position, s in enumerate(sections):
            section = Section.objects.create(version=version, title=s["title"], weight=s["weight"], position=position)
            bulk_create_with_history(
                [Criterion(section=section, position=cpos, **c) for cpos, c in enumerate(s["criteria"])],
                Criterion,
                default_user=by,
            )
    return version


def scorecard_publish_problems(version: ScorecardVersion) -> list[str]:
    """What stops a draft from being published (empty when it can be)."""
    problems = []
    sections = list(version.sections.prefetch_related("criteria"))
    if not sections:
        problems.append(_("Add at least one section."))
    total = sum(s.weight for s in sections)
    if sections and total != 100:
        problems.append(_("Section weights add up to %(t)s; they must add up to 100.") % {"t": total})
    for s in sections:
        if not s.criteria.all():
            problems.append(_("Section '%(s)s' has no criteria.") % {"s": s.title})
        for c in s.criteria.all():
            if c.points < 1:
                problems.append(_("'%(c)s' needs points above 0.") % {"c": c.text})
    return problems


def scorecard_publish(*, version: ScorecardVersion, by) -> ScorecardVersion:
    """Publish a draft: it becomes immutable and the scorecard's current version; the
    previous published version is retired (evaluations keep the version they were scored on)."""
    with transaction.atomic():
        version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise IllegalTransition(_("Only a draft can be published."))
        problems = scorecard_publish_problems(version)
        if problems:
            raise ValidationError({"sections": problems})
        for previous in ScorecardVersion.objects.select_for_update().filter(
            scorecard=version.scorecard_id, status=VersionStatus.PUBLISHED
        ):
            previous.status = VersionStatus.RETIRED
            previous.save(update_fields=["status"])  # one row, kept in history
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["status", "published_at", "published_by"])
    return version


def scorecard_new_draft(*, scorecard: Scorecard, by) -> ScorecardVersion:
    """The scorecard's draft: the existing one, or a copy of the latest version as a new number."""
    with transaction.atomic():
        Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        draft = scorecard.versions.filter(status=VersionStatus.DRAFT).first()
        if draft:
            return draft
        source = scorecard.versions.order_by("-number").prefetch_related("sections__criteria").first()
        number = (scorecard.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=number,
            created_by=by,
            critical_zeroes=source.critical_zeroes if source else True,
        )
        for s in source.sections.all() if source else []:
            section = Section.objects.create(version=draft, title=s.title, weight=s.weight, position=s.position)
            bulk_create_with_history(
                [
                    Criterion(section=section, position=c.position, **{f: getattr(c, f) for f in CRITERION_FIELDS})
                    for c in s.criteria.all()
                ],
                Criterion,
                default_user=by,
            )
    return draft


def current_version_for_call(call: Call) -> ScorecardVersion:
    """The published version of the scorecard for the call's line of business (or the only one)."""
    published = ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED, scorecard__active=True)
    version = published.filter(scorecard__lines_of_business=call.line_of_business_id).first()
    version = version or published.filter(scorecard__lines_of_business__isnull=True).first()
    if version is None:
        raise ValidationError({"scorecard": _("No published scorecard applies to this call's line of business.")})
    return version


# --- evaluations ------------------------------------------------------------------------------


def evaluator_role_for(user) -> str | None:
    roles = user_roles(user)
    return next((r for r in EVALUATOR_ROLE_ORDER if r in roles), None)


def _own_agent_id(user) -> int | None:
    agent = getattr(user, "agent", None)
    return agent.pk if agent is not None else None


def evaluation_start(
    *,
    call: Call,
    by,
    method: str = Method.RECORDING,
    kind: str = Kind.REGULAR,
    assignment: Assignment | None = None,
    version: ScorecardVersion | None = None,
) -> Evaluation:
    """Open an evaluation of `call` by `by` (or return theirs if it exists).

    The caller has already checked that `by` may see the call. Nobody evaluates their own call
    except as a self-evaluation; calls on private lines are never monitored.
    """
    if method not in Method.values:
        raise ValidationError({"method": _("Unknown method '%(m)s'.") % {"m": method}})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind '%(k)s'.") % {"k": kind}})
    own = _own_agent_id(by) == call.agent_id
    if kind == Kind.SELF:
        if not own:
            raise PermissionDenied(_("A self-evaluation is of one of your own calls."))
        role, method = "agent", Method.SELF
    else:
        if own:
            raise PermissionDenied(_("Nobody evaluates their own calls; use a self-evaluation."))
        role = evaluator_role_for(by)
        if role is None:
            raise PermissionDenied(_("Your role does not evaluate calls."))
    if is_private_line(call.line):
        raise ValidationError({"call": _("This call is on a private line, which is never monitored.")})
    existing = Evaluation.objects.filter(call=call, evaluator=by, kind=kind).first()
    if existing:
        return existing
    if assignment is None and kind == Kind.REGULAR:
        # Started from the call rather than the work queue: it still fulfils the evaluator's
        # open assignment of this call, so the assignment is closed on submit.
        assignment = (
            Assignment.objects.filter(call=call, evaluator=by, status=AssignmentStatus.OPEN, evaluation__isnull=True)
            .exclude(reason=AssignmentReason.DOUBLE_SCORING)
            .first()
        )
    version = version or current_version_for_call(call)
    now = timezone.now()
    try:
        with transaction.atomic():
            if assignment is not None:
                # The row lock a reassignment also takes: whoever comes second sees the other's
                # change (this refuses a call handed to someone else meanwhile).
                assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
                if assignment.evaluator_id != by.pk:
                    raise PermissionDenied(_("This assignment was handed to someone else."))
                if assignment.started_at is None:
                    # Written down in monitoring (with history), so a reassignment knows scoring began.
                    assignment.started_at = now
                    assignment.save(update_fields=["started_at"])
            evaluation = Evaluation.objects.create(
                call=call,
                agent_id=call.agent_id,
                evaluator=by,
                evaluator_role=role,
                method=method,
                kind=kind,
                version=version,
                assignment=assignment,
                status=Status.IN_PROGRESS,
                started_at=now,
            )
    except IntegrityError:  # a double click raced us: the other request created it
        return Evaluation.objects.get(call=call, evaluator=by, kind=kind)
    return evaluation


def evaluation_start_from_assignment(*, assignment: Assignment, by) -> Evaluation:
    if assignment.evaluator_id != by.pk:
        raise PermissionDenied(_("This assignment belongs to someone else."))
    if assignment.status == AssignmentStatus.CANCELLED:
        raise IllegalTransition(_("This assignment was cancelled."))
    existing = Evaluation.objects.filter(assignment=assignment).first()
    if existing:
        return existing
    # A double-scoring pick is a reliability check: it never counts toward the agent's
    # performance and is never delivered to the agent (DESIGN.md §4), so it is scored as a
    # calibration evaluation.
    kind = Kind.CALIBRATION if assignment.reason == AssignmentReason.DOUBLE_SCORING else Kind.REGULAR
    return evaluation_start(call=assignment.call, by=by, kind=kind, assignment=assignment)


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
        parsed.append(
            AnswerInput(criterion_id, value, na, str(item.get("comment") or "")[:4000], offset)
        )
    return parsed


def _write_answers(evaluation: Evaluation, answers: list[AnswerInput]) -> None:
    criteria = {c.pk: c for c in Criterion.objects.filter(section__version=evaluation.version_id)}
    errors: dict[str, list[str]] = {}
    for a in answers:
        criterion = criteria.get(a.criterion_id)
        if criterion is None:
            errors.setdefault(f"criterion.{a.criterion_id}", []).append(_("Not a criterion of this scorecard."))
            continue
        try:
            formula.check_answer(criterion.spec(), formula.NA if a.na else a.value)
        except formula.AnswerError as exc:
            errors.setdefault(f"criterion.{a.criterion_id}", []).append(exc.reason)
    if errors:
        raise ValidationError(errors)
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


def _locked(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("version").get(pk=evaluation.pk)


def _check_evaluator(evaluation: Evaluation, by) -> None:
    if evaluation.evaluator_id != by.pk:
        raise PermissionDenied(_("Only the evaluator may change this evaluation."))


def evaluation_save_draft(
    *, evaluation: Evaluation, by, answers: list[AnswerInput], summary: str | None = None
) -> formula.ScoreResult:
    """Autosave: store the answers given (others untouched); return the running score."""
    _check_evaluator(evaluation, by)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if not evaluation.is_draft:
            raise IllegalTransition(
                _("This evaluation is %(s)s; a draft can no longer be saved.") % {"s": evaluation.get_status_display()}
            )
        _write_answers(evaluation, answers)
        now = timezone.now()
        # An autosave that only moves the "saved at" time is not worth a history row (the
        # answers' own history records what changed); a status or summary change is.
        routine = evaluation.status == Status.IN_PROGRESS and (summary is None or summary[:10000] == evaluation.summary)
        evaluation.status = Status.IN_PROGRESS
        evaluation.started_at = evaluation.started_at or now
        evaluation.draft_saved_at = now
        fields = ["status", "started_at", "draft_saved_at"]
        if summary is not None:
            evaluation.summary = summary[:10000]
            fields.append("summary")
        evaluation.skip_history_when_saving = routine
        evaluation.save(update_fields=fields)
        del evaluation.skip_history_when_saving
        return evaluation_score(Evaluation.objects.prefetch_related("answers", "version__sections__criteria").get(pk=evaluation.pk))


def evaluation_submit(
    *,
    evaluation: Evaluation,
    by,
    answers: list[AnswerInput] | None = None,
    summary: str | None = None,
    deliver_feedback: bool = True,
) -> Evaluation:
    """Submit: every criterion answered (a value, or N/A where allowed), the total computed.

    A regular evaluation's feedback is due FEEDBACK_SLA_HOURS later; with `deliver_feedback`
    (the default: the written evaluation is the feedback) it reaches the agent at once.
    """
    _check_evaluator(evaluation, by)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if not evaluation.is_draft:
            raise IllegalTransition(
                _("This evaluation is already %(s)s.") % {"s": evaluation.get_status_display()}
            )
        if answers:
            _write_answers(evaluation, answers)
        if summary is not None:
            evaluation.summary = summary[:10000]
        fresh = Evaluation.objects.prefetch_related("answers", "version__sections__criteria").get(pk=evaluation.pk)
        result = evaluation_score(fresh)
        if result.unanswered:
            texts = {c.id: c.text for s in fresh.version.specs() for c in s.criteria}
            raise ValidationError(
                {f"criterion.{cid}": [_("'%(t)s' is not answered.") % {"t": texts[cid]}] for cid in result.unanswered}
            )
        if result.total is None:
            raise ValidationError({"answers": [_("At least one criterion must be answered (not all N/A).")]})
        now = timezone.now()
        evaluation.total = result.total
        evaluation.critical_failed = result.critical_failed
        evaluation.submitted_at = now
        evaluation.status = Status.SUBMITTED
        if evaluation.kind == Kind.REGULAR:
            evaluation.feedback_due_at = now + dt.timedelta(hours=settings.FEEDBACK_SLA_HOURS)
            if deliver_feedback:
                evaluation.status = Status.FEEDBACK_DELIVERED
                evaluation.feedback_delivered_at = now
                evaluation.feedback_delivered_by = by
        evaluation.save()
        if evaluation.assignment_id:
            assignment = Assignment.objects.select_for_update().get(pk=evaluation.assignment_id)
            assignment.status = AssignmentStatus.DONE
            assignment.completed_at = now
            assignment.save(update_fields=["status", "completed_at"])  # kept in the assignment's history
    return evaluation


def can_deliver_feedback(evaluation: Evaluation, user) -> bool:
    roles = user_roles(user)
    if _own_agent_id(user) == evaluation.agent_id:
        return False  # nobody handles their own evaluation, whatever roles they hold
    if evaluation.evaluator_id == user.pk or MANAGER in roles:
        return True
    return SUPERVISOR in roles and evaluation.agent.team.supervisors.filter(pk=user.pk).exists()


def evaluation_deliver_feedback(*, evaluation: Evaluation, by) -> Evaluation:
    """The evaluator, the agent's supervisor or a manager records that feedback reached the agent."""
    if not can_deliver_feedback(evaluation, by):
        raise PermissionDenied(_("Only the evaluator, the agent's supervisor or a manager delivers feedback."))
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.kind != Kind.REGULAR or evaluation.status != Status.SUBMITTED:
            raise IllegalTransition(_("Feedback is delivered once, on a submitted regular evaluation."))
        evaluation.status = Status.FEEDBACK_DELIVERED
        evaluation.feedback_delivered_at = timezone.now()
        evaluation.feedback_delivered_by = by
        evaluation.save(update_fields=["status", "feedback_delivered_at", "feedback_delivered_by"])
    return evaluation


def _check_agent(evaluation: Evaluation, by) -> None:
    if _own_agent_id(by) != evaluation.agent_id:
        raise PermissionDenied(_("Only the evaluated agent may do this."))


def evaluation_acknowledge(*, evaluation: Evaluation, by) -> Evaluation:
    _check_agent(evaluation, by)
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.FEEDBACK_DELIVERED:
            raise IllegalTransition(
                _("Only delivered feedback can be acknowledged (this evaluation is %(s)s).")
                % {"s": evaluation.get_status_display()}
            )
        evaluation.status = Status.ACKNOWLEDGED
        evaluation.acknowledged_at = timezone.now()
        evaluation.save(update_fields=["status", "acknowledged_at"])
    return evaluation


def evaluation_dispute(*, evaluation: Evaluation, by, reason: str) -> Dispute:
    _check_agent(evaluation, by)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Say why you dispute this score (at least 10 characters).")})
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.FEEDBACK_DELIVERED:
            raise IllegalTransition(
                _("Only delivered feedback can be disputed, and only once (this evaluation is %(s)s).")
                % {"s": evaluation.get_status_display()}
            )
        evaluation.status = Status.DISPUTED
        evaluation.disputed_at = timezone.now()
        evaluation.save(update_fields=["status", "disputed_at"])
        return Dispute.objects.create(
            evaluation=evaluation, raised_by=by, reason=reason, original_total=evaluation.total
        )


def can_resolve(evaluation: Evaluation, user) -> bool:
    return (
        bool(user_roles(user) & RESOLVER_ROLES)
        and evaluation.evaluator_id != user.pk
        and _own_agent_id(user) != evaluation.agent_id
    )


def evaluation_resolve_dispute(
    *,
    evaluation: Evaluation,
    by,
    outcome: str,
    reason: str,
    answers: list[AnswerInput] | None = None,
) -> Dispute:
    """QA (not the original evaluator) or a manager upholds the score or adjusts the answers.

    An adjustment re-scores with the formula; the original answers and total stay in history
    (and on the dispute).
    """
    if not can_resolve(evaluation, by):
        raise PermissionDenied(_("A dispute is resolved by QA or a manager other than the original evaluator."))
    if outcome not in (DisputeStatus.UPHELD, DisputeStatus.ADJUSTED):
        raise ValidationError({"outcome": _("Outcome is 'upheld' or 'adjusted'.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if outcome == DisputeStatus.ADJUSTED and not answers:
        raise ValidationError({"answers": _("An adjustment changes at least one answer.")})
    with transaction.atomic():
        evaluation = _locked(evaluation)
        if evaluation.status != Status.DISPUTED:
            raise IllegalTransition(_("Only a disputed evaluation can be resolved."))
        dispute = evaluation.disputes.select_for_update().get(status=DisputeStatus.OPEN)
        now = timezone.now()
        if outcome == DisputeStatus.ADJUSTED:
            _write_answers(evaluation, answers)
            result = evaluation_score(
                Evaluation.objects.prefetch_related("answers", "version__sections__criteria").get(pk=evaluation.pk)
            )
            if result.unanswered or result.total is None:
                raise ValidationError({"answers": _("An adjustment leaves every criterion answered.")})
            evaluation.total = result.total
            evaluation.critical_failed = result.critical_failed
        evaluation.status = Status.RESOLVED
        evaluation.resolved_at = now
        evaluation.save(update_fields=["status", "resolved_at", "total", "critical_failed"])
        dispute.status = outcome
        dispute.resolved_by = by
        dispute.resolution = reason
        dispute.resolved_at = now
        dispute.adjusted_total = evaluation.total
        dispute.save()
    return dispute


# --- feedback SLA -----------------------------------------------------------------------------

REMIND_BEFORE = dt.timedelta(hours=1)


def feedback_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail the evaluator (and the agent's supervisors) about feedback due within the hour or
    overdue, once per evaluation. Returns the number of evaluations reminded."""
    from django.core.mail import send_mass_mail

    now = now or timezone.now()
    due = (
        Evaluation.objects.filter(
            kind=Kind.REGULAR,
            status=Status.SUBMITTED,
            feedback_reminded_at__isnull=True,
            feedback_due_at__lte=now + REMIND_BEFORE,
        )
        .select_related("evaluator", "agent", "call")
        .prefetch_related("agent__team__supervisors")
    )
    messages, ids = [], []
    for ev in due[:500]:
        recipients = {ev.evaluator.email} | {s.email for s in ev.agent.team.supervisors.all()}
        recipients.discard("")
        late = ev.feedback_due_at <= now
        subject = (_("Feedback overdue: %(agent)s") if late else _("Feedback due soon: %(agent)s")) % {
            "agent": ev.agent.name
        }
        body = _(
            "Feedback on the evaluation of call %(call)s (score %(total)s) for %(agent)s is due at %(due)s.\n"
            "Deliver it from the evaluation page: /evaluations/%(id)s/"
        ) % {
            "call": ev.call.external_id,
            "total": ev.total,
            "agent": ev.agent.name,
            "due": timezone.localtime(ev.feedback_due_at).strftime("%Y-%m-%d %H:%M"),
            "id": ev.pk,
        }
        ids.append(ev.pk)
        if recipients:
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients)))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    Evaluation.objects.filter(pk__in=ids).update(feedback_reminded_at=now)
    return len(ids)
