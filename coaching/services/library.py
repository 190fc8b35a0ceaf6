"""Writes of the call library: marking a call from an evaluation, curating, editing, removing.

Who may do each is coaching/permissions/library.py; the caller has found the evaluation (or the
entry) in what the user may see (`scoring.selectors.evaluations_visible_to`,
`coaching.selectors.library.library_visible_to`), so anything else is already a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.selectors import is_private_line
from qa_platform.errors import IllegalTransition
from scoring.models import Category, Criterion, Evaluation

from ..models import LibraryCall, LibraryKind
from ..permissions.library import (
    ONLY_CURATORS,
    ONLY_CURATORS_OR_MARKER,
    can_curate,
    can_edit_entry,
    mark_refusal,
    require,
)

# The longest moment accepted when the call's length is not known (a day, as transcripts allow).
MAX_OFFSET = 86400.0
UNSET = object()


def _text(value: str, field: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            {field: _("At most %(n)s characters (this has %(given)s).") % {"n": max_length, "given": len(value)}}
        )
    return value


def _kind(value: str) -> str:
    if value not in LibraryKind.values:
        raise ValidationError({"kind": _("Choose exemplary or cautionary.")})
    return value


def _category(value: str) -> str:
    if value and value not in Category.values:
        raise ValidationError({"category": _("“%(value)s” is not a category.") % {"value": value}})
    return value or ""


def _offset(value, call) -> float | None:
    """The moment, within the call (talk and hold time) when its length is known."""
    if value is None:
        return None
    limit = float(call.talk_seconds + call.hold_seconds) or MAX_OFFSET
    if value < 0 or value > limit:
        raise ValidationError(
            {
                "time_offset": _("The moment must be between 0:00 and the end of the call (%(end)s).")
                % {"end": format_offset(limit)}
            }
        )
    return round(float(value), 3)


def _criterion(criterion: Criterion | None, evaluation: Evaluation | None) -> Criterion | None:
    if criterion is None:
        return None
    if evaluation is None or criterion.section.version_id != evaluation.version_id:
        raise ValidationError({"criterion": _("Choose a criterion of the evaluation's scorecard.")})
    return criterion


def format_offset(seconds: float | None) -> str:
    """75.0 → '1:15'; 3725 → '1:02:05'; None → ''."""
    if seconds is None:
        return ""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _refuse_duplicate(call_id: int, kind: str, *, exclude_pk: int | None = None) -> None:
    existing = LibraryCall.objects.filter(call_id=call_id, kind=kind).exclude(pk=exclude_pk).first()
    if existing is not None:
        label = LibraryKind(kind).label
        raise IllegalTransition(
            _("This call is already in the library as %(kind)s (“%(title)s”).")
            % {"kind": str(label).lower(), "title": existing.title},
            details={"existing_entry": {"id": existing.pk, "title": existing.title, "curated": existing.curated}},
        )


@transaction.atomic
def library_mark(
    *,
    by,
    evaluation: Evaluation,
    kind: str,
    title: str,
    note: str,
    time_offset: float | None = None,
    category: str = "",
    criterion: Criterion | None = None,
) -> LibraryCall:
    """Mark `evaluation`'s call exemplary or cautionary: a pending entry for the trainers to
    curate. One entry per call and kind (a second is a 409 naming the first)."""
    call = evaluation.call
    refusal = mark_refusal(by, evaluation, on_private_line=is_private_line(call.line))
    require(refusal is None, refusal)
    kind = _kind(kind)
    title = _text(title, "title", max_length=160)
    note = _text(note, "note")
    offset = _offset(time_offset, call)
    criterion = _criterion(criterion, evaluation)
    category = _category(category) or (criterion.category if criterion is not None else "")
    _refuse_duplicate(call.pk, kind)
    entry = LibraryCall(
        call=call,
        evaluation=evaluation,
        kind=kind,
        title=title,
        note=note,
        time_offset=offset,
        category=category,
        scorecard=evaluation.version.scorecard if criterion is not None else None,
        criterion_text=criterion.text if criterion is not None else "",
        marked_by=by,
    )
    entry.full_clean(exclude=["call", "evaluation", "marked_by", "scorecard"])
    entry.save()
    return entry


@transaction.atomic
def library_edit(
    *,
    by,
    entry: LibraryCall,
    kind: str = UNSET,
    title: str = UNSET,
    note: str = UNSET,
    time_offset: float | None = UNSET,
    category: str = UNSET,
    criterion: Criterion | None = UNSET,
) -> LibraryCall:
    """Change what is given (curators; the marker while the entry is pending). `criterion=None`
    clears the criterion; a criterion must be of the entry's evaluation's scorecard."""
    require(can_edit_entry(entry, by), ONLY_CURATORS_OR_MARKER)
    if kind is not UNSET:
        entry.kind = _kind(kind)
        _refuse_duplicate(entry.call_id, entry.kind, exclude_pk=entry.pk)
    if title is not UNSET:
        entry.title = _text(title, "title", max_length=160)
    if note is not UNSET:
        entry.note = _text(note, "note")
    if time_offset is not UNSET:
        entry.time_offset = _offset(time_offset, entry.call)
    if criterion is not UNSET:
        chosen = _criterion(criterion, entry.evaluation)
        entry.scorecard = entry.evaluation.version.scorecard if chosen is not None else None
        entry.criterion_text = chosen.text if chosen is not None else ""
        if chosen is not None and category is UNSET and not entry.category:
            entry.category = chosen.category
    if category is not UNSET:
        entry.category = _category(category)
    entry.save()
    return entry


@transaction.atomic
def library_set_curated(*, by, entry: LibraryCall, curated: bool) -> LibraryCall:
    """Accept the entry into the library (agents see it from now on), or take it out again.
    Asking for the state it is already in changes nothing."""
    require(can_curate(by), ONLY_CURATORS)
    if entry.curated == curated:
        return entry
    entry.curated = curated
    entry.curated_by = by if curated else None
    entry.curated_at = timezone.now() if curated else None
    entry.save(update_fields=["curated", "curated_by", "curated_at"])
    return entry


@transaction.atomic
def library_remove(*, by, entry: LibraryCall) -> None:
    """Delete the entry (curators; the marker while pending). One attached to coaching sessions
    stays, for their record: take it out of the library instead."""
    require(can_edit_entry(entry, by), ONLY_CURATORS_OR_MARKER)
    sessions = entry.sessions.count()
    if sessions:
        raise IllegalTransition(
            _(
                "This call is attached to %(n)s coaching session(s), which keep it: take it out of the library "
                "instead of deleting it."
            )
            % {"n": sessions}
        )
    entry.delete()
