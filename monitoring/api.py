"""REST API for org structure, calls, ingestion and recordings (/api/v1/).

Service refusals reach the client through `qa_platform.errors.api_exception_handler`, except
ingestion's own two shapes, answered once in `IngestionView`: a rejected batch lists every row
error ({row, field, reason}), a refused recording says why with its status (403/413/415/400).
A request Django itself refuses as unsafe (SuspiciousOperation: too many parts, a body over its
limits), which it would answer with an HTML page, gets the same shapes.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from qa_platform.schema import LOOKUP_ID

from . import selectors, services
from .filters import CallFilter
from .ingest import RowError
from .models import Call, LineOfBusiness, Shift
from .permissions import CanIngestCalls, CanSeeCalls
from .recordings import recording_response
from .serializers import (
    AgentSerializer,
    BulkUpsertErrorSerializer,
    BulkUpsertResultSerializer,
    CallRowSerializer,
    CallSerializer,
    LineOfBusinessSerializer,
    RecordingUploadSerializer,
    ShiftSerializer,
    TeamSerializer,
)

BULK_MAX_ROWS = 5_000


class LineOfBusinessViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = LOOKUP_ID
    queryset = LineOfBusiness.objects.all()
    serializer_class = LineOfBusinessSerializer
    filterset_fields = ["active", "code"]


class ShiftViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = LOOKUP_ID
    queryset = Shift.objects.all()
    serializer_class = ShiftSerializer


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = LOOKUP_ID
    serializer_class = TeamSerializer
    filterset_fields = ["site"]

    def get_queryset(self):
        return selectors.teams_visible_to(self.request.user).prefetch_related("lines_of_business")


class AgentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = LOOKUP_ID
    serializer_class = AgentSerializer
    filterset_fields = ["team", "active", "employee_id"]
    ordering_fields = ["name", "employee_id", "hire_date"]

    def get_queryset(self):
        return selectors.agents_visible_to(self.request.user)


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls the requesting user may see (agent: own; supervisor: own teams; HR: none)."""

    lookup_value_regex = LOOKUP_ID
    serializer_class = CallSerializer
    permission_classes = [IsAuthenticated, CanSeeCalls]
    filterset_class = CallFilter
    ordering_fields = ["start_time", "talk_seconds", "csat"]

    def get_queryset(self):
        return selectors.calls_visible_to(self.request.user)


class IngestionView(APIView):
    """Answers ingestion's refusals in their own shapes; everything else goes to DRF's handler."""

    def handle_exception(self, exc):
        if isinstance(exc, SuspiciousOperation):
            # Django would answer these with its HTML 400 page; the API answers in its own format.
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning("%s", exc)
            exc = self.refusal_for(exc)
        if isinstance(exc, services.CallImportError):
            body = {
                "detail": _("The batch was rejected; nothing was written."),
                "errors": [e.as_dict() for e in exc.errors],
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, services.RecordingError):
            return Response({exc.field: [exc.message], "detail": exc.message}, status=exc.status)
        return super().handle_exception(exc)

    def refusal_for(self, exc: SuspiciousOperation) -> Exception:
        """A request Django refuses as unsafe (too many parts, a body over its limits), as this
        view's own refusal."""
        return services.CallImportError([RowError(0, "non_field_errors", _suspicious_reason(exc))])


def _suspicious_reason(exc: SuspiciousOperation) -> str:
    if isinstance(exc, RequestDataTooBig):
        return _("The request's form fields are larger than the server accepts.")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return _("The request has more form fields or files than the server accepts; send one file.")
    return _("The request was refused as unsafe (for example a file name with a path in it).")


# A refused recording: the reason under the field and as the detail ({"recording": [r], "detail": r}).
RECORDING_REFUSAL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _refuse_batch(reason: str) -> NoReturn:
    """A batch refused as a whole is reported like a bad row: row 0, with no field of its own."""
    raise services.CallImportError([RowError(0, "non_field_errors", reason)])


class CallBulkUpsertView(IngestionView):
    """Insert or update calls keyed on (source, external_id). All rows or none."""

    permission_classes = [IsAuthenticated, CanIngestCalls]

    @extend_schema(
        summary="Bulk upsert calls",
        description=(
            f"A JSON list of up to {BULK_MAX_ROWS} calls. Idempotent: sending the same batch twice "
            "leaves the same rows. If any row is invalid, nothing is written and every error is "
            "returned with its row (1-based), field and reason."
        ),
        request=CallRowSerializer(many=True, min_length=1, max_length=BULK_MAX_ROWS),
        responses={
            200: BulkUpsertResultSerializer,
            400: OpenApiResponse(
                BulkUpsertErrorSerializer,
                description="Rows with errors (an unknown agent or line of business among them); nothing written.",
            ),
        },
    )
    def post(self, request):
        rows = request.data
        if not isinstance(rows, list):
            _refuse_batch(_("Send a JSON list of calls."))
        if not rows:
            _refuse_batch(_("The list is empty."))
        if len(rows) > BULK_MAX_ROWS:
            _refuse_batch(_("At most %(n)s calls per request.") % {"n": BULK_MAX_ROWS})
        result = services.calls_upsert(rows=rows)
        return Response({"created": result.created, "updated": result.updated})


class CallRecordingView(IngestionView):
    """GET streams the recording (Range → 206); PUT/POST uploads it (multipart field `recording`)."""

    parser_classes = [MultiPartParser, FormParser]

    def refusal_for(self, exc: SuspiciousOperation) -> Exception:
        reason = _suspicious_reason(exc)
        if isinstance(exc, RequestDataTooBig):
            return services.RecordingTooLarge(reason)
        return services.RecordingError(reason)

    def get_permissions(self):
        if self.request.method in ("POST", "PUT"):
            return [IsAuthenticated(), CanIngestCalls()]
        return [IsAuthenticated(), CanSeeCalls()]

    @extend_schema(
        summary="Stream a recording (supports Range)",
        responses={(200, "audio/*"): OpenApiTypes.BINARY, (206, "audio/*"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int):
        call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
        return recording_response(request, call)

    @extend_schema(
        summary="Upload a call's recording",
        description="Content is sniffed (WAV, MP3, OGG, FLAC, M4A, AAC, AMR, WebM). 413 over the size limit, "
        "415 for non-audio content, 403 for a call on a private line.",
        request={"multipart/form-data": RecordingUploadSerializer},
        responses={
            200: CallSerializer,
            400: OpenApiResponse(RECORDING_REFUSAL, description="No file, or an empty one."),
            403: OpenApiResponse(RECORDING_REFUSAL, description="The call is on a private line, or you may not upload."),
            404: OpenApiResponse(RECORDING_REFUSAL, description="No such call."),
            413: OpenApiResponse(RECORDING_REFUSAL, description="Larger than RECORDING_MAX_BYTES."),
            415: OpenApiResponse(RECORDING_REFUSAL, description="The content is not audio of a format it takes."),
        },
    )
    def put(self, request, pk: int):
        # Ingestion accounts (CanIngestCalls) write for the whole center, like the bulk upsert.
        call = get_object_or_404(Call, pk=pk)
        call = services.call_recording_attach(call=call, upload=request.FILES.get("recording"))
        return Response(CallSerializer(call, context={"request": request}).data)

    post = put
