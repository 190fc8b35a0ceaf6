"""The HR export (DESIGN.md §6): per agent per month, as CSV, XLSX or JSON.

`bonus_export(month)` says what the export holds; `to_csv`, `to_xlsx` and `to_json` write it.
The page, the API and `manage.py export_bonus` all call these, so the three give the same file.

- An open month exports its live figures, and under them the adjustments it would pay for
  earlier closed months (pending: `selectors.adjustments`).
- A closed month exports exactly what was frozen when it closed, and the adjustments stored
  with it.

Columns: employee id, name, team, month, row type (result or adjustment), adjusted month,
evaluations counted, QA average — headed with the figure it averages, "QA average (agent score)"
or "QA average (interaction total)" (the center's choice; a closed month's as frozen) — critical failures, each component's 0–100 score, total, band,
bonus multiplier, and for adjustment rows the QA average, total and multiplier before and after.

Text cells that a spreadsheet would run as a formula — starting with = + - @, a tab or a
carriage return — get a leading single quote (`neutralise`), in CSV and XLSX alike; numbers
are written as typed numbers. CSV is UTF-8 with a BOM (Excel then reads Chinese names right).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from monitoring.selectors import Period

from .models import MonthClose
from .selectors.adjustments import AdjustmentLine, adjustments_for
from .selectors.performance import (
    AgentResult,
    ComponentSpec,
    component_columns,
    current_config,
    month_qa_figure,
    qa_average_label,
    results_for,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT, INT, SCORE, MULTIPLIER = "text", "int", "score", "multiplier"
RESULT, ADJUSTMENT = "result", "adjustment"
FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def neutralise(value: str) -> str:
    """A text cell a spreadsheet would not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class BonusExport:
    period: Period
    close: MonthClose | None
    components: list[ComponentSpec]
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    qa_figure: str = ""  # what the QA average column averages (`models.QAFigure`)

    @property
    def closed(self) -> bool:
        return self.close is not None

    @property
    def result_count(self) -> int:
        return sum(1 for r in self.rows if r["row_type"] == RESULT)

    @property
    def adjustment_count(self) -> int:
        return sum(1 for r in self.rows if r["row_type"] == ADJUSTMENT)


def component_key(code: str) -> str:
    return f"component.{code}"


def columns_for(components: list[ComponentSpec], qa_figure: str = "") -> list[Column]:
    return [
        Column("employee_id", _("Employee ID")),
        Column("name", _("Name")),
        Column("team", _("Team")),
        Column("month", _("Month")),
        Column("row_type", _("Row type")),
        Column("adjusted_month", _("Adjusted month")),
        Column("evaluations", _("Evaluations counted"), INT),
        Column("qa_average", qa_average_label(qa_figure) if qa_figure else _("QA average"), SCORE),
        Column("critical_failures", _("Critical failures"), INT),
        *(Column(component_key(c.code), _("%(name)s (score)") % {"name": c.name}, SCORE) for c in components),
        Column("total", _("Performance score"), SCORE),
        Column("band", _("Bonus band")),
        Column("multiplier", _("Bonus multiplier"), MULTIPLIER),
        Column("qa_average_before", _("QA average before"), SCORE),
        Column("qa_average_after", _("QA average after"), SCORE),
        Column("total_before", _("Performance score before"), SCORE),
        Column("total_after", _("Performance score after"), SCORE),
        Column("multiplier_before", _("Bonus multiplier before"), MULTIPLIER),
        Column("multiplier_after", _("Bonus multiplier after"), MULTIPLIER),
    ]


def _result_row(period: Period, r: AgentResult, components: list[ComponentSpec]) -> dict:
    return {
        "employee_id": r.employee_id,
        "name": r.name,
        "team": r.team_name,
        "month": period.label,
        "row_type": RESULT,
        "adjusted_month": None,
        "evaluations": r.evaluations,
        "qa_average": r.qa_average,
        "critical_failures": r.critical_failures,
        **{component_key(c.code): r.performance.score_of(c.code) for c in components},
        "total": r.total,
        "band": r.band,
        "multiplier": r.multiplier,
    }


def _adjustment_row(line: AdjustmentLine) -> dict:
    return {
        "employee_id": line.employee_id,
        "name": line.name,
        "team": line.team_name,
        "month": line.in_month.label,
        "row_type": ADJUSTMENT,
        "adjusted_month": line.of_month.label,
        "qa_average_before": line.qa_average_before,
        "qa_average_after": line.qa_average_after,
        "total_before": line.total_before,
        "total_after": line.total_after,
        "multiplier_before": line.multiplier_before,
        "multiplier_after": line.multiplier_after,
    }


def bonus_export(period: Period) -> BonusExport:
    """The month's export: its results (frozen or live) by employee id, then its adjustments.
    A fixed number of queries (about ten), whatever the number of agents."""
    config = current_config()
    close, results = results_for(period, config=config)
    components = component_columns(results, None if close else config)
    figure = month_qa_figure(results, config)
    export = BonusExport(period, close, components, columns_for(components, figure), qa_figure=figure)
    export.rows = [_result_row(period, r, components) for r in results]
    export.rows += [_adjustment_row(line) for line in adjustments_for(period, closed=close is not None)]
    return export


def row_type_label(value: str) -> str:
    return _("Adjustment") if value == ADJUSTMENT else _("Result")


def _cells(export: BonusExport, row: dict) -> list:
    out = []
    for column in export.columns:
        value = row.get(column.key)
        if column.key == "row_type":
            value = row_type_label(value)
        out.append(value)
    return out


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)):
        return str(value)
    return neutralise(str(value))


def to_csv(export: BonusExport) -> bytes:
    """UTF-8 with a BOM; one header line of column labels."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(c.label) for c in export.columns])
    for row in export.rows:
        writer.writerow([_csv_text(v) for v in _cells(export, row)])
    return buffer.getvalue().encode("utf-8-sig")


NUMBER_FORMATS = {INT: "0", SCORE: "0.0", MULTIPLIER: "0.00"}


def _xlsx_text(value: str) -> str:
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def to_xlsx(export: BonusExport) -> bytes:
    """One sheet, a bold frozen header row, numbers as typed numeric cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Bonus %(month)s") % {"month": export.period.label})
    sheet.freeze_panes = "A2"
    for i, column in enumerate(export.columns):
        sheet.column_dimensions[get_column_letter(i + 1)].width = max(10, min(40, len(column.label) + 2))
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export.rows:
        cells = []
        for column, value in zip(export.columns, _cells(export, row), strict=True):
            if value is None:
                cells.append(None)
            elif column.kind == TEXT or isinstance(value, str):
                cells.append(WriteOnlyCell(sheet, value=_xlsx_text(str(value))))
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = NUMBER_FORMATS[column.kind]
                cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _json_number(value):
    return None if value is None else float(value) if isinstance(value, Decimal) else value


def to_json(export: BonusExport) -> dict:
    """The export as data: stable keys, numbers as numbers, component scores by code."""
    close = export.close
    rows = []
    for row in export.rows:
        out = {c.key: _json_number(row.get(c.key)) for c in export.columns if not c.key.startswith("component.")}
        if row["row_type"] == RESULT:
            out["components"] = {c.code: _json_number(row.get(component_key(c.code))) for c in export.components}
        rows.append(out)
    return {
        "month": export.period.label,
        "closed": close is not None,
        "closed_at": timezone.localtime(close.closed_at).isoformat() if close else None,  # the center's offset
        "qa_figure": export.qa_figure,
        "components": [{"code": c.code, "name": c.name, "weight": c.weight} for c in export.components],
        "rows": rows,
    }


def filename(period: Period, fmt: str) -> str:
    return f"bonus-{period.label}.{fmt}"


def render(export: BonusExport, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(export)
    if fmt == "xlsx":
        return to_xlsx(export)
    raise ValueError(fmt)


def download(period: Period, fmt: str) -> HttpResponse:
    """The month's export as a file download: the page and the API send the same bytes."""
    response = HttpResponse(render(bonus_export(period), fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename(period, fmt))
    response["Cache-Control"] = "no-store"
    return response
