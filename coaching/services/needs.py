"""Writes for training needs and group training (the rule is in coaching/models/needs.py).

- `find_training_needs(*, week_start)`: the weekly job. Idempotent per week: a rerun replaces
  the figures of the week's open needs (and drops open needs that no longer pass), and leaves
  the needs already acted on (training scheduled, a plan created, dismissed) as they were.
- `create_training_session`, `take_attendance`, `dismiss_need`, `need_policy_update`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Agent
from qa_platform.errors import IllegalTransition
from qa_platform.settings_rows import update_settings_row

from ..models import (
    GroupKind,
    NeedStatus,
    TrainingAttendance,
    TrainingNeed,
    TrainingNeedPolicy,
    TrainingSession,
    TrainingSessionStatus,
)
from ..permissions import needs as rules
from ..selectors.needs import FoundNeed, week_needs

FIGURES = (
    "group_label",
    "agents_in_group",
    "agents_affected",
    "evaluations",
    "points_lost",
    "points_possible",
    "rate",
    "evidence",
)
POLICY_FIELDS = (
    "min_share_affected",
    "min_rate",
    "min_individual_rate",
    "min_group_agents",
    "min_evaluations",
    "weekly_job",
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    "pdf",
    "doc",
    "docx",
    "ppt",
    "pptx",
    "xls",
    "xlsx",
    "odt",
    "odp",
    "ods",
    "txt",
    "md",
    "png",
    "jpg",
    "jpeg",
    "mp3",
    "wav",
    "mp4",
}
MAX_ATTENDEES = 500


def _key(need: TrainingNeed) -> tuple:
    return (need.group_kind, need.group_key, need.dimension, need.category, need.scorecard_id, need.criterion_text)


def _row(found: FoundNeed, week_start: dt.date) -> TrainingNeed:
    return TrainingNeed(
        week_start=week_start,
        group_kind=found.group_kind,
        group_key=found.group_key,
        group_label=found.group_label,
        agent_id=found.agent_id,
        dimension=found.dimension,
        category=found.category,
        scorecard_id=found.scorecard_id,
        criterion_text=found.criterion_text,
        agents_in_group=found.agents_in_group,
        agents_affected=found.agents_affected,
        evaluations=found.evaluations,
        points_lost=found.points_lost,
        points_possible=found.points_possible,
        rate=found.rate,
        evidence=found.evidence,
    )


@transaction.atomic
def find_training_needs(*, week_start: dt.date, policy: TrainingNeedPolicy | None = None) -> int:
    """Flag the week's common and individual needs (Monday `week_start`); returns how many needs
    the week has now (new, refreshed and kept). A fixed number of queries whatever the number of
    agents."""
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": _("A week starts on a Monday.")})
    policy = policy or TrainingNeedPolicy.current()
    found = {f.key: f for f in week_needs(week_start, policy)}
    existing = {_key(n): n for n in TrainingNeed.objects.select_for_update().filter(week_start=week_start)}
    create, update, stale = [], [], []
    for key, need in existing.items():
        if need.status != NeedStatus.OPEN:
            continue  # acted on: kept as the trainer saw it
        if key not in found:
            stale.append(need.pk)
            continue
        fresh = _row(found[key], week_start)
        for name in FIGURES:
            setattr(need, name, getattr(fresh, name))
        need.computed_at = timezone.now()
        update.append(need)
    create = [_row(f, week_start) for key, f in found.items() if key not in existing]
    if stale:
        TrainingNeed.objects.filter(pk__in=stale).delete()
    if update:
        TrainingNeed.objects.bulk_update(update, [*FIGURES, "computed_at"], batch_size=500)
    if create:
        TrainingNeed.objects.bulk_create(create, batch_size=500)
    return len(existing) - len(stale) + len(create)


# --- acting on a need -----------------------------------------------------------------------------


@transaction.atomic
def dismiss_need(*, by, need: TrainingNeed) -> TrainingNeed:
    """An open need nobody will act on (a known cause, already handled): dismissed, in its history."""
    rules.require_manage_training(by)
    need = TrainingNeed.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise IllegalTransition(
            _("Only an open need can be dismissed; this one is “%(status)s”.") % {"status": need.get_status_display()}
        )
    need.status = NeedStatus.DISMISSED
    need._history_user = by
    need.save(update_fields=["status"])
    return need


def _text(value: str, *, max_length: int, required: bool = False) -> tuple[str, str | None]:
    """The text stripped, and why it is refused (None when it is fine)."""
    value = (value or "").strip()
    if required and not value:
        return value, _("This field is required.")
    if len(value) > max_length:
        return value, _("At most %(n)s characters.") % {"n": max_length}
    return value, None


def validate_attachment(attachment: UploadedFile | None) -> None:
    if attachment is None:
        return
    if attachment.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("An attachment is at most 10 MB.")})
    ext = attachment.name.rsplit(".", 1)[-1].lower() if "." in attachment.name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "attachment": _("Attach a document, slide deck, sheet, image, audio or video file (%(types)s).")
                % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}
            }
        )


@transaction.atomic
def create_training_session(
    *,
    by,
    need: TrainingNeed | None = None,
    topic: str,
    scheduled_for: dt.datetime,
    location: str = "",
    materials: str = "",
    attendees,
    attachment: UploadedFile | None = None,
) -> TrainingSession:
    """A group training session, `by` its trainer; from a common need (which is then `scheduled`)
    or on its own. Attendees are agents (their ids or rows); at least one."""
    rules.require_manage_training(by)
    errors: dict[str, str | None] = {}
    topic, errors["topic"] = _text(topic, max_length=200, required=True)
    location, errors["location"] = _text(location, max_length=120)
    errors = {name: reason for name, reason in errors.items() if reason}
    if scheduled_for is None or timezone.is_naive(scheduled_for):
        errors["scheduled_for"] = _("Give the date and time of the session.")
    ids = sorted({getattr(a, "pk", a) for a in attendees})
    if not ids:
        errors["attendees"] = _("Invite at least one agent.")
    elif len(ids) > MAX_ATTENDEES:
        errors["attendees"] = _("At most %(n)s attendees.") % {"n": MAX_ATTENDEES}
    if need is not None:
        need = TrainingNeed.objects.select_for_update().get(pk=need.pk)
        if need.group_kind == GroupKind.AGENT:
            errors["need"] = _("An individual need becomes a coaching plan, not a group training session.")
        elif need.status in (NeedStatus.DISMISSED, NeedStatus.PLANNED):
            errors["need"] = _("This need is “%(status)s”.") % {"status": need.get_status_display()}
    if errors:
        raise ValidationError(errors)
    validate_attachment(attachment)
    found = set(Agent.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"attendees": _("There is no agent %(ids)s.") % {"ids": ", ".join(missing)}})
    session = TrainingSession(
        need=need,
        topic=topic,
        scheduled_for=scheduled_for,
        location=location,
        trainer=by,
        materials=(materials or "").strip(),
    )
    if attachment is not None:
        session.attachment = attachment
    session._history_user = by
    session.save()
    TrainingAttendance.objects.bulk_create([TrainingAttendance(session=session, agent_id=pk) for pk in ids])
    if need is not None and need.status == NeedStatus.OPEN:
        need.status = NeedStatus.SCHEDULED
        need._history_user = by
        need.save(update_fields=["status"])
    return session


@transaction.atomic
def take_attendance(
    *, by, session: TrainingSession, attended: dict[int, bool], now: dt.datetime | None = None
) -> TrainingSession:
    """Who came: {agent id: True/False} for the session's attendees (an attendee left out did not
    come). The session is then held; taken again, the record is corrected."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    rules.require_take_attendance(session, by)
    now = now or timezone.now()
    if session.status == TrainingSessionStatus.CANCELLED:
        raise IllegalTransition(_("The session was cancelled."))
    if session.scheduled_for > now:
        raise IllegalTransition(_("Attendance is taken once the session has started."))
    rows = {row.agent_id: row for row in session.attendance.all()}
    unknown = sorted(str(pk) for pk in attended if pk not in rows)
    if unknown:
        raise ValidationError(
            {"attendance": _("Not invited to this session: agent %(ids)s.") % {"ids": ", ".join(unknown)}}
        )
    for agent_id, row in rows.items():
        row.attended = bool(attended.get(agent_id, False))
    TrainingAttendance.objects.bulk_update(list(rows.values()), ["attended"])
    session.status = TrainingSessionStatus.HELD
    session.held_at = now
    session._history_user = by
    session.save(update_fields=["status", "held_at"])
    return session


# --- the thresholds ---------------------------------------------------------------------------------


def need_policy_update(*, by, values: dict[str, Any]) -> TrainingNeedPolicy:
    """Change some thresholds. ValidationError ({field: [reasons]}) and nothing saved when a value
    breaks its rule; values equal to the current ones change nothing and write no history."""
    if not rules.can_edit_need_policy(by):
        raise PermissionDenied(rules.NO_NEED_POLICY)
    return update_settings_row(TrainingNeedPolicy, by=by, values=values, fields=POLICY_FIELDS)
