"""Performance score, HR export and month close in the API (/api/v1/).

- GET hr/export/?month=2026-11&format=csv|xlsx|json — the HR export (hr, managers, admins): the
  same bytes as the page's download, or the same figures as JSON.
- POST hr/months/2026-11/close/ — close the month (managers, admins): 201 with the close; 409
  naming the earlier close when it is closed already, or when the month is not over.
- POST performance/components/values/ — import component values, a JSON list of
  {employee_id, month, component, value}; all or nothing: [{row, field, reason}] with 400 for a
  malformed row, else 404 when a row names an agent or imported component that does not exist,
  else 409 (a month that has not begun).
- GET performance/<agent id>/?month=2026-11 — one agent-month's score explained (who may see
  it is the performance page's rule: 404 outside it; HR: 403).

Thin: parse, check the role, call the selector or service. Errors go through the project's one
exception handler (qa_platform/errors.py).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from monitoring.selectors import month_or_none
from qa_platform.permissions import HasRole
from qa_platform.schema import MONTH_PATTERN, refusal

from . import export
from .permissions import COMPONENT_IMPORT_ROLES, HR_EXPORT_ROLES, MONTH_CLOSE_ROLES, PERFORMANCE_ROLES
from .selectors.performance import performance_agents_visible_to, results_for
from .selectors.periods import month_or_latest
from .serializers import (
    AgentPerformanceSerializer,
    ComponentValueRowSerializer,
    ImportResultSerializer,
    MonthCloseSerializer,
)
from .services import components as component_services
from .services.close import month_close
from .services.components import RowProblem

MAX_ROWS = 20_000
MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN}
ROW_PROBLEMS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "row": {"type": "integer", "description": "The row's position in the list, from 1 (0: the list itself)."},
            "field": {"type": "string"},
            "reason": {"type": "string"},
        },
        "required": ["row", "field", "reason"],
    },
}
# A batch's refusal: the most basic kind of problem found decides the status.
PROBLEM_STATUS = (
    (component_services.INVALID, status.HTTP_400_BAD_REQUEST),
    (component_services.MISSING, status.HTTP_404_NOT_FOUND),
    (component_services.CONFLICT, status.HTTP_409_CONFLICT),
)


def _month(value: str | None, name: str = "month"):
    period = month_or_none(value)
    if period is None:
        raise exceptions.ValidationError({name: [_("Give the month as YYYY-MM, e.g. 2026-11.")]})
    return period


class FormatIsAParameter(DefaultContentNegotiation):
    """`?format=` chooses the export's file type here, not DRF's renderer: answers that are not
    files (the JSON export, errors) are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BonusExportView(APIView):
    permission_classes = [HasRole.of(*HR_EXPORT_ROLES)]
    content_negotiation_class = FormatIsAParameter

    @extend_schema(
        summary="HR export of a month",
        description="Per agent: evaluations counted, QA average, critical failures, each component's score, "
        "total, bonus band and multiplier; then the adjustment rows (month adjusted, before/after). An open "
        "month gives live figures and its pending adjustments; a closed month exactly what was frozen.",
        parameters=[
            OpenApiParameter("month", MONTH_SCHEMA, required=True, description="YYYY-MM, e.g. 2026-11"),
            OpenApiParameter("format", str, enum=list(export.FORMATS), description="Default: json"),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, export.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (400, "application/json"): refusal("No month, or a month or format it cannot read.", fields=True),
        },
    )
    def get(self, request):
        period = _month(request.query_params.get("month"))
        fmt = request.query_params.get("format") or "json"
        if fmt not in export.FORMATS:
            raise exceptions.ValidationError({"format": [_("Choose csv, xlsx or json.")]})
        if fmt == "json":
            return Response(export.to_json(export.bonus_export(period)))
        return export.download(period, fmt)


class MonthCloseView(APIView):
    permission_classes = [HasRole.of(*MONTH_CLOSE_ROLES)]

    @extend_schema(
        summary="Close a month",
        description="Freezes every agent's figures for the month and stores the adjustments it pays for "
        "earlier closed months, in one transaction. A month is closed once.",
        parameters=[OpenApiParameter("month", MONTH_SCHEMA, OpenApiParameter.PATH, description="YYYY-MM")],
        request=None,
        responses={
            201: MonthCloseSerializer,
            400: refusal("A month it cannot read.", fields=True, detail=False),
            409: refusal(
                'The month is closed already (the answer names the close), or it is not over yet ({"detail": …, '
                '"month": [...]}).'
            ),
        },
    )
    def post(self, request, month: str):
        close = month_close(month=_month(month), by=request.user)
        return Response(MonthCloseSerializer(close).data, status=status.HTTP_201_CREATED)


class ComponentValuesView(APIView):
    permission_classes = [HasRole.of(*COMPONENT_IMPORT_ROLES)]

    @extend_schema(
        summary="Import component values",
        description="A list of {employee_id, month, component, value}: imported whole, or not at all. A value "
        "already imported for the agent, month and component is replaced.",
        request=ComponentValueRowSerializer(many=True, min_length=1, max_length=MAX_ROWS),
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(
                ROW_PROBLEMS,
                description="A malformed row or list: every bad row with its number (from 1; 0 for the list), "
                "field and reason.",
            ),
            404: OpenApiResponse(
                ROW_PROBLEMS, description="Rows naming an agent or imported component that does not exist."
            ),
            409: OpenApiResponse(ROW_PROBLEMS, description="Rows for a month that has not begun."),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, list) or not data:
            return _refuse([RowProblem(0, "rows", _("Send a JSON list of rows."))])
        if len(data) > MAX_ROWS:
            return _refuse([RowProblem(0, "rows", _("At most %(n)s rows per request.") % {"n": MAX_ROWS})])
        rows, shape_problems = _read_rows(data)
        _clean, problems = component_services.component_values_check(rows)
        problems = _merged(problems, shape_problems)
        if problems:
            return _refuse(problems)
        result = component_services.component_values_import(rows=rows, by=request.user)
        return Response(ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


def _read_rows(data: list) -> tuple[list[tuple[int, object]], list[RowProblem]]:
    """(row number, row) with each well-shaped row's value as read (a tenth), and what the row
    schema refuses (a value as text, a number with two decimals…); the import service checks the rest."""
    rows, problems = [], []
    for number, row in enumerate(data, start=1):
        shape = ComponentValueRowSerializer(data=row)
        if isinstance(row, dict) and not shape.is_valid():
            problems += [RowProblem(number, field, str(reasons[0])) for field, reasons in shape.errors.items()]
        elif isinstance(row, dict):
            row = {**row, "value": shape.validated_data["value"]}
        rows.append((number, row))
    return rows, problems


def _merged(first: list[RowProblem], second: list[RowProblem]) -> list[RowProblem]:
    """Both lists' problems by row, each (row, field) once."""
    seen = {(p.row, p.field) for p in first}
    return sorted([*first, *(p for p in second if (p.row, p.field) not in seen)], key=lambda p: p.row)


def _refuse(problems: list[RowProblem]) -> Response:
    kinds = {p.kind for p in problems}
    code = next(code for kind, code in PROBLEM_STATUS if kind in kinds)
    return Response([p.as_dict() for p in problems], status=code)


class AgentPerformanceView(APIView):
    permission_classes = [HasRole.of(*PERFORMANCE_ROLES)]

    @extend_schema(
        summary="One agent-month's performance score, explained",
        parameters=[
            OpenApiParameter("month", MONTH_SCHEMA, description="YYYY-MM (default: the latest month with data)")
        ],
        responses={
            200: AgentPerformanceSerializer,
            404: refusal("No such agent that you may see, or no score for the month."),
        },
    )
    def get(self, request, agent_id: int):
        agent = get_object_or_404(performance_agents_visible_to(request.user), pk=agent_id)
        raw = request.query_params.get("month")
        period = _month(raw) if raw else month_or_latest(None)
        close, results = results_for(period, agent_ids=[agent.pk])
        if not results:
            raise exceptions.NotFound(_("This agent has no performance score for %(m)s.") % {"m": period.label})
        data = AgentPerformanceSerializer(results[0]).data
        return Response({"month": period.label, "closed": close is not None, **data})
