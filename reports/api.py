"""Performance score, HR export and month close in the API (/api/v1/).

- GET hr/export/?month=2026-11&format=csv|xlsx|json — the HR export (hr, managers, admins): the
  same bytes as the page's download, or the same figures as JSON.
- POST hr/months/2026-11/close/ — close the month (managers, admins): 201 with the close; 409
  naming the earlier close when it is closed already; 400 when the month is not over.
- POST performance/components/values/ — import component values, a JSON list of
  {employee_id, month, component, value}; all or nothing: 400 with [{row, field, reason}].
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

from . import export
from .permissions import COMPONENT_IMPORT_ROLES, HR_EXPORT_ROLES, MONTH_CLOSE_ROLES, PERFORMANCE_ROLES
from .selectors.performance import performance_agents_visible_to, results_for
from .selectors.periods import month_or_latest
from .serializers import (
    AgentPerformanceSerializer,
    ComponentValueRowSerializer,
    ImportResultSerializer,
    MonthCloseSerializer,
    RowProblemSerializer,
)
from .services import components as component_services
from .services.close import month_close

MAX_ROWS = 20_000


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
            OpenApiParameter("month", str, required=True, description="YYYY-MM, e.g. 2026-11"),
            OpenApiParameter("format", str, enum=list(export.FORMATS), description="Default: json"),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, export.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
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
        request=None,
        responses={
            201: MonthCloseSerializer,
            400: OpenApiResponse(description="The month is malformed or not over yet."),
            409: OpenApiResponse(description="The month is closed already (the answer names the close)."),
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
        request=ComponentValueRowSerializer(many=True),
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(
                RowProblemSerializer(many=True), description="Every bad row: row (from 1), field, reason."
            ),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, list):
            raise exceptions.ValidationError({"rows": [_("Send a JSON list of rows.")]})
        if len(data) > MAX_ROWS:
            raise exceptions.ValidationError({"rows": [_("At most %(n)s rows per request.") % {"n": MAX_ROWS}]})
        rows = list(enumerate(data, start=1))
        _clean, problems = component_services.component_values_check(rows)
        if problems:
            return Response([p.as_dict() for p in problems], status=status.HTTP_400_BAD_REQUEST)
        result = component_services.component_values_import(rows=rows, by=request.user)
        return Response(ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


class AgentPerformanceView(APIView):
    permission_classes = [HasRole.of(*PERFORMANCE_ROLES)]

    @extend_schema(
        summary="One agent-month's performance score, explained",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: the latest month with data)")],
        responses={200: AgentPerformanceSerializer},
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
