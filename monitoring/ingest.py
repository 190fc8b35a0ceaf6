"""Validation of incoming call rows, shared by the REST bulk upsert and the CSV import.

Lookups (agents, lines of business, shifts) are loaded once per batch, so validating 10,000
rows costs a handful of queries, not one per row.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Agent, Call, Direction, LineOfBusiness, Shift, validate_transcript
from .validators import validate_call_key

REQUIRED_FIELDS = ("external_id", "agent", "line_of_business", "direction", "start_time", "talk_seconds")
OPTIONAL_FIELDS = (
    "source",
    "service_type",
    "hold_seconds",
    "acw_seconds",
    "csat",
    "nps",
    "line",
    "transcript",
)
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
DEFAULT_SOURCE = "default"


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based position in the batch (for CSV: the line number in the file)
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": str(self.reason)}


@dataclass
class Lookups:
    agents: dict[str, Agent]
    lines: dict[str, LineOfBusiness]
    shifts: list[Shift]

    @classmethod
    def for_rows(cls, rows: list[dict]) -> Lookups:
        employee_ids = {str(r.get("agent", "")).strip() for r in rows if isinstance(r, dict)}
        agents = Agent.objects.select_related("team__site").filter(employee_id__in=employee_ids)
        return cls(
            agents={a.employee_id: a for a in agents},
            lines={lob.code: lob for lob in LineOfBusiness.objects.all()},
            shifts=list(Shift.objects.all()),
        )


@dataclass
class ValidatedBatch:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def derive_shift(start_time: dt.datetime, shifts: list[Shift], tz_name: str | None = None) -> Shift | None:
    """The shift whose window holds the call's local start time (highest priority first)."""
    tz = zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE)
    local = timezone.localtime(start_time, tz).time()
    for shift in sorted(shifts, key=lambda s: -s.priority):
        if shift.contains(local):
            return shift
    return None


def _int(value, name: str, errors: list, row: int, *, required=False, lo=None, hi=None, default=None):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if required:
            errors.append(RowError(row, name, _("This field is required.")))
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        errors.append(RowError(row, name, _("'%(v)s' is not a whole number.") % {"v": value}))
        return default
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        errors.append(RowError(row, name, _("%(v)s is outside %(lo)s–%(hi)s.") % {"v": number, "lo": lo, "hi": hi}))
        return default
    return number


def _parse_start(value, errors: list, row: int) -> dt.datetime | None:
    if value in (None, ""):
        errors.append(RowError(row, "start_time", _("This field is required.")))
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            errors.append(
                RowError(
                    row,
                    "start_time",
                    _("'%(v)s' is not an ISO 8601 date-time (2026-11-20T09:30:00+08:00).") % {"v": value},
                )
            )
            return None
    if not 2000 <= moment.year <= 2100:
        errors.append(RowError(row, "start_time", _("%(v)s is not a plausible call date.") % {"v": value}))
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in the center's TIME_ZONE
    # The same instant in UTC: ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59.
    return moment.astimezone(dt.UTC)


def validate_row(raw: Any, row: int, lookups: Lookups) -> tuple[dict | None, list[RowError]]:
    """Check one incoming row; return the model field values, or the errors found."""
    errors: list[RowError] = []
    if not isinstance(raw, dict):
        return None, [RowError(row, "non_field_errors", _("Each row must be an object."))]
    unknown = set(raw) - set(ALL_FIELDS)
    for name in sorted(unknown):
        errors.append(RowError(row, name, _("Unknown field.")))

    def text(name: str, max_length: int, required: bool = False, validator=None) -> str:
        value = raw.get(name)
        value = "" if value is None else str(value).strip()
        if any(ord(ch) < 32 for ch in value):
            errors.append(RowError(row, name, _("Contains a line break or another control character.")))
            return ""
        if required and not value:
            errors.append(RowError(row, name, _("This field is required.")))
        elif len(value) > max_length:
            errors.append(RowError(row, name, _("Longer than %(n)s characters.") % {"n": max_length}))
        elif value and validator is not None:
            try:
                validator(value)
            except ValidationError as exc:
                errors.extend(RowError(row, name, reason) for reason in exc.messages)
        return value

    # The call's key: the model fields' own character set (monitoring/validators.py).
    source = text("source", Call._meta.get_field("source").max_length, validator=validate_call_key) or DEFAULT_SOURCE
    external_id = text(
        "external_id", Call._meta.get_field("external_id").max_length, required=True, validator=validate_call_key
    )
    employee_id = text("agent", 32, required=True)
    agent = lookups.agents.get(employee_id)
    if employee_id and agent is None:
        errors.append(RowError(row, "agent", _("No agent with employee id '%(v)s'.") % {"v": employee_id}))
    lob_code = text("line_of_business", 32, required=True)
    lob = lookups.lines.get(lob_code)
    if lob_code and lob is None:
        errors.append(RowError(row, "line_of_business", _("No line of business with code '%(v)s'.") % {"v": lob_code}))
    direction = text("direction", 8, required=True).lower()
    if direction and direction not in Direction.values:
        errors.append(RowError(row, "direction", _("'%(v)s' is not one of inbound, outbound.") % {"v": direction}))
    start = _parse_start(raw.get("start_time"), errors, row)
    talk = _int(raw.get("talk_seconds"), "talk_seconds", errors, row, required=True, lo=0, hi=86_400)
    hold = _int(raw.get("hold_seconds"), "hold_seconds", errors, row, lo=0, hi=86_400, default=0)
    acw = _int(raw.get("acw_seconds"), "acw_seconds", errors, row, lo=0, hi=86_400, default=0)
    csat = _int(raw.get("csat"), "csat", errors, row, lo=1, hi=5)
    nps = _int(raw.get("nps"), "nps", errors, row, lo=0, hi=10)
    transcript = raw.get("transcript")
    if isinstance(transcript, str):
        if transcript.strip():
            try:
                transcript = json.loads(transcript)
            except json.JSONDecodeError:
                errors.append(RowError(row, "transcript", _("Not valid JSON.")))
                transcript = None
        else:
            transcript = None
    if transcript is not None:
        try:
            validate_transcript(transcript)
        except ValidationError as exc:
            errors.append(RowError(row, "transcript", "; ".join(exc.message_dict["transcript"])))

    values = {
        "source": source,
        "external_id": external_id,
        "agent": agent,
        "line_of_business": lob,
        "direction": direction,
        "service_type": text("service_type", 64),
        "start_time": start,
        "talk_seconds": talk,
        "hold_seconds": hold,
        "acw_seconds": acw,
        "csat": csat,
        "nps": nps,
        "line": text("line", 32),
        "transcript": transcript,
    }
    if errors:
        return None, errors
    values["shift"] = derive_shift(start, lookups.shifts, agent.team.site.timezone)
    return values, []


def validate_rows(rows: list[Any], *, row_numbers: list[int] | None = None) -> ValidatedBatch:
    """Validate a batch; rows are numbered from 1 unless `row_numbers` (CSV line numbers) says."""
    batch = ValidatedBatch()
    lookups = Lookups.for_rows(rows)
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in enumerate(rows):
        number = row_numbers[offset] if row_numbers else offset + 1
        values, errors = validate_row(raw, number, lookups)
        if errors:
            batch.errors.extend(errors)
            continue
        key = (values["source"], values["external_id"])
        if key in seen:
            batch.errors.append(
                RowError(number, "external_id", _("Duplicates row %(n)s of this batch.") % {"n": seen[key]})
            )
            continue
        seen[key] = number
        batch.rows.append(values)
    return batch


UPSERT_UPDATE_FIELDS = [
    "agent",
    "line_of_business",
    "direction",
    "service_type",
    "start_time",
    "shift",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "csat",
    "nps",
    "line",
    "transcript",
    "updated_at",
]


def build_calls(rows: list[dict]) -> list[Call]:
    now = timezone.now()
    return [Call(**row, created_at=now, updated_at=now) for row in rows]
