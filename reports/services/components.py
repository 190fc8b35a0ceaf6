"""Component values imported from other systems (attendance, sales…): one 0–100 figure per
agent, month and imported component (DESIGN.md §6).

One row is {employee_id, month (YYYY-MM), component (its code), value (0–100, at most one
decimal)}. A file or request is imported whole or not at all: `component_values_check` finds
every bad row (row number, field, reason) with two queries, and `component_values_import`
writes nothing unless there is none. A value already imported for the agent, month and
component is replaced. Values for a closed month are accepted; they change what the month
would have paid, so they appear as an adjustment in the next export (`selectors.adjustments`).

CSV files (`read_csv`) may be UTF-8, UTF-8 with a BOM, or GB18030 (which covers GBK); their
row numbers are the file's line numbers, the header being line 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.encodings import FileEncodingError, decode
from monitoring.models import Agent
from monitoring.selectors import month_or_none

from ..models import ComponentSource, ComponentValue, PerformanceComponent
from ..permissions import can_import_components
from ..selectors.performance import first_day

COLUMNS = ("employee_id", "month", "component", "value")
BATCH = 1000


# What is wrong with a row, for the API's status: the row itself (400), it names an agent or an
# imported component that does not exist (404), or the data does not allow it yet (409).
INVALID, MISSING, CONFLICT = "invalid", "missing", "conflict"


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str
    kind: str = INVALID

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        return _("row %(row)s, %(field)s: %(reason)s") % {"row": self.row, "field": self.field, "reason": self.reason}


class ComponentValuesRejected(ValidationError):
    """Nothing was imported: `problems` says which rows and fields are wrong, and why."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__({"rows": [str(p) for p in problems]})
        self.problems = problems


@dataclass(frozen=True)
class ValueRow:
    agent_id: int
    component_id: int
    month: dt.date
    value: Decimal


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def rows(self) -> int:
        return self.created + self.updated


def read_csv(data: bytes) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    """The rows of a CSV file as (line number, {column: text}), or the problems that stop it
    being read (encoding, missing columns)."""
    try:
        text = decode(data)
    except FileEncodingError as exc:
        return [], [RowProblem(1, "file", str(exc))]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [RowProblem(1, name, _("The header has no '%(c)s' column.") % {"c": name}) for name in missing]
    reader.fieldnames = header
    rows = []
    for record in reader:
        if not any((v or "").strip() for k, v in record.items() if k is not None and isinstance(v, str)):
            continue  # a blank line
        rows.append((reader.line_num, {k: record.get(k) for k in COLUMNS}))
    return rows, []


def _value(raw) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.as_tuple().exponent < -1 or not 0 <= value <= 100:
        return None
    return value


def _text(raw) -> str:
    return raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw).strip())


def component_values_check(rows: Sequence[tuple[int, Mapping]]) -> tuple[list[ValueRow], list[RowProblem]]:
    """(the rows ready to write, every problem found): two queries, whatever the number of rows."""
    problems: list[RowProblem] = []
    employee_ids = {_text(r.get("employee_id")) for _n, r in rows if isinstance(r, Mapping)}
    codes = {_text(r.get("component")).lower() for _n, r in rows if isinstance(r, Mapping)}
    agents = dict(Agent.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "pk"))
    components = {c.code: c for c in PerformanceComponent.objects.filter(code__in=codes)}
    this_month = timezone.localdate().replace(day=1)
    seen: dict[tuple, int] = {}
    clean: list[ValueRow] = []
    if not rows:
        problems.append(RowProblem(1, "rows", _("There is nothing to import.")))
    for number, row in rows:
        if not isinstance(row, Mapping):
            problems.append(
                RowProblem(number, "row", _("Each row is an object with %(c)s.") % {"c": ", ".join(COLUMNS)})
            )
            continue
        found = len(problems)
        employee_id = _text(row.get("employee_id"))
        agent_id = agents.get(employee_id)
        if not employee_id:
            problems.append(RowProblem(number, "employee_id", _("Give the agent's employee id.")))
        elif agent_id is None:
            problems.append(
                RowProblem(number, "employee_id", _("No agent has employee id '%(v)s'.") % {"v": employee_id}, MISSING)
            )
        period = month_or_none(_text(row.get("month")))
        if period is None:
            problems.append(RowProblem(number, "month", _("Give the month as YYYY-MM, e.g. 2026-11.")))
        elif first_day(period) > this_month:
            problems.append(RowProblem(number, "month", _("%(m)s has not begun.") % {"m": period.label}, CONFLICT))
        code = _text(row.get("component")).lower()
        component = components.get(code)
        if component is None:
            problems.append(RowProblem(number, "component", _("No component has code '%(v)s'.") % {"v": code}, MISSING))
        elif component.source != ComponentSource.IMPORTED:
            problems.append(
                RowProblem(
                    number,
                    "component",
                    _("%(name)s is computed by the platform; only imported components take values.")
                    % {"name": component.name},
                    MISSING,
                )
            )
        value = _value(row.get("value"))
        if value is None:
            problems.append(
                RowProblem(number, "value", _("A value is a number from 0 to 100 with at most one decimal."))
            )
        if len(problems) > found:
            continue
        key = (agent_id, component.pk, first_day(period))
        if key in seen:
            problems.append(
                RowProblem(
                    number,
                    "component",
                    _("Row %(row)s already gives this agent's %(name)s for %(m)s.")
                    % {"row": seen[key], "name": component.name, "m": period.label},
                )
            )
            continue
        seen[key] = number
        clean.append(ValueRow(agent_id, component.pk, first_day(period), value))
    return clean, problems


def component_values_import(*, rows: Sequence[tuple[int, Mapping]], by=None) -> ImportResult:
    """Import `rows` ((row number, {employee_id, month, component, value})) whole, or raise
    ComponentValuesRejected (a ValidationError) naming every bad row and field. `by` None is
    the command line (the server's own user)."""
    if by is not None and not can_import_components(by):
        raise PermissionDenied(_("Only managers and administrators import component values."))
    clean, problems = component_values_check(rows)
    if problems:
        raise ComponentValuesRejected(problems)
    keys = {(r.component_id, r.agent_id, r.month) for r in clean}
    with transaction.atomic():
        existing = set(
            ComponentValue.objects.filter(
                component_id__in={k[0] for k in keys}, agent_id__in={k[1] for k in keys}, month__in={k[2] for k in keys}
            ).values_list("component_id", "agent_id", "month")
        )
        ComponentValue.objects.bulk_create(
            [
                ComponentValue(
                    component_id=r.component_id, agent_id=r.agent_id, month=r.month, value=r.value, imported_by=by
                )
                for r in clean
            ],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["component", "agent", "month"],
            update_fields=["value", "imported_at", "imported_by"],
        )
    updated = len(keys & existing)
    return ImportResult(created=len(keys) - updated, updated=updated)
