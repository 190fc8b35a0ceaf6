"""Validation of incoming call rows, shared by the REST bulk upsert and the CSV import.

Lookups (agents, lines of business, shifts) are loaded once per batch, so validating 10,000
rows costs a handful of queries, not one per row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Agent, Call, Direction, LineOfBusiness, Shift, validate_transcript
from .validators import CALL_KEY_PATTERN, validate_call_key

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
KNOWN_FIELDS = frozenset(ALL_FIELDS)
DEFAULT_SOURCE = "default"
# A line break, tab or other C0 control character anywhere in a text cell.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")
SOURCE_MAX_LENGTH = Call._meta.get_field("source").max_length
EXTERNAL_ID_MAX_LENGTH = Call._meta.get_field("external_id").max_length
DIRECTIONS = frozenset(Direction.values)
# The validator's own pattern, matched here first: only a key it refuses pays for the validator.
CALL_KEY = re.compile(CALL_KEY_PATTERN)


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

    def __post_init__(self):
        # Highest priority first, once per batch rather than once per row.
        self.shifts = sorted(self.shifts, key=lambda s: -s.priority)

    @classmethod
    def for_rows(cls, rows: list[dict]) -> Lookups:
        employee_ids = {str(r.get("agent", "")).strip() for r in rows if isinstance(r, dict)}
        return cls._load(Agent.objects.filter(employee_id__in=employee_ids))

    @classmethod
    def load_all(cls) -> Lookups:
        """Every agent, line and shift (a center has thousands of agents at most): for a file
        read as a stream, whose agents are not known in advance."""
        return cls._load(Agent.objects.all())

    @classmethod
    def _load(cls, agents) -> Lookups:
        return cls(
            agents={a.employee_id: a for a in agents.select_related("team__site")},
            lines={lob.code: lob for lob in LineOfBusiness.objects.all()},
            shifts=list(Shift.objects.all()),
        )


def derive_shift(start_time: dt.datetime, shifts: list[Shift], tz_name: str | None = None) -> Shift | None:
    """The shift whose window holds the call's local start time (highest priority first)."""
    return derive_shift_sorted(start_time, sorted(shifts, key=lambda s: -s.priority), tz_name)


def derive_shift_sorted(start_time: dt.datetime, shifts: list[Shift], tz_name: str | None = None) -> Shift | None:
    """`derive_shift` for shifts already sorted highest priority first (Lookups.shifts)."""
    local = start_time.astimezone(zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE)).time()
    for shift in shifts:
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
    if not KNOWN_FIELDS.issuperset(raw):
        for name in sorted(set(raw) - KNOWN_FIELDS):
            errors.append(RowError(row, name, _("Unknown field.")))

    def text(name: str, max_length: int, required: bool = False, validator=None) -> str:
        value = raw.get(name)
        value = "" if value is None else str(value).strip()
        if CONTROL_CHARACTERS.search(value):
            errors.append(RowError(row, name, _("Contains a line break or another control character.")))
            return ""
        if required and not value:
            errors.append(RowError(row, name, _("This field is required.")))
        elif len(value) > max_length:
            errors.append(RowError(row, name, _("Longer than %(n)s characters.") % {"n": max_length}))
        elif value and validator is not None and not (validator is validate_call_key and CALL_KEY.match(value)):
            try:
                validator(value)
            except ValidationError as exc:
                errors.extend(RowError(row, name, reason) for reason in exc.messages)
        return value

    # The call's key: the model fields' own character set (monitoring/validators.py).
    source = text("source", SOURCE_MAX_LENGTH, validator=validate_call_key) or DEFAULT_SOURCE
    external_id = text("external_id", EXTERNAL_ID_MAX_LENGTH, required=True, validator=validate_call_key)
    employee_id = text("agent", 32, required=True)
    agent = lookups.agents.get(employee_id)
    if employee_id and agent is None:
        errors.append(RowError(row, "agent", _("No agent with employee id '%(v)s'.") % {"v": employee_id}))
    lob_code = text("line_of_business", 32, required=True)
    lob = lookups.lines.get(lob_code)
    if lob_code and lob is None:
        errors.append(RowError(row, "line_of_business", _("No line of business with code '%(v)s'.") % {"v": lob_code}))
    direction = text("direction", 8, required=True).lower()
    if direction and direction not in DIRECTIONS:
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
    values["shift"] = derive_shift_sorted(start, lookups.shifts, agent.team.site.timezone)
    return values, []


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
