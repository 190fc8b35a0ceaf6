"""REST API of the call library (/api/v1/library-calls/).

Thin: the scope is `library_visible_to` (an entry outside it is a 404), the rules are
coaching/permissions/library.py, the writes coaching/services/library.py; errors come from
`qa_platform.errors.api_exception_handler` (400 {field: [reason]}, 403, 404, 409).
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.filters import FilterSet, IdFilter, StrictBooleanFilter
from qa_platform.schema import LOOKUP_ID, missing, refusal
from scoring.models import Category

from ..models import LibraryCall, LibraryKind
from ..permissions.library import CanChangeEntry, CanOpenLibrary
from ..selectors.library import library_visible_to
from ..serializers.library import LibraryCallSerializer, LibraryEditSerializer, LibraryMarkSerializer
from ..services import library as services

FORBIDDEN = refusal(
    "HR has no access to the library; only supervisors, QA, trainers and managers mark calls; only trainers and "
    "managers curate (whoever marked an entry may change it until it is curated)."
)
CONFLICT = refusal(
    "This call is already in the library with this kind (`existing_entry` names it), or the entry is attached to "
    "coaching sessions and cannot be deleted."
)
FIELD_ERRORS = refusal(
    'Refused input, e.g. {"time_offset": ["The moment must be between 0:00 and the end of the call (4:00)."]} or '
    '{"criterion": ["Choose a criterion of the evaluation\'s scorecard."]}.',
    fields=True,
    detail=False,
)


class LibraryCallFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=LibraryKind.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    criterion = django_filters.CharFilter(
        field_name="criterion_text", lookup_expr="icontains", max_length=100, help_text="Words of the criterion."
    )
    curated = StrictBooleanFilter(help_text="true: in the library; false: waiting for curation.")
    call = IdFilter(field_name="call_id", help_text="The call's id.")

    class Meta:
        model = LibraryCall
        fields = ["kind", "category", "criterion", "curated", "call"]


@extend_schema_view(
    list=extend_schema(
        summary="List library calls",
        description="The entries you may see: agents the curated ones (another agent's call without their name); "
        "supervisors also their teams' pending entries and their own markings; QA, trainers, managers and "
        "admins all. HR: 403.",
    ),
    retrieve=extend_schema(summary="A library call"),
)
class LibraryCallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenLibrary, CanChangeEntry]
    serializer_class = LibraryCallSerializer
    filterset_class = LibraryCallFilter
    ordering_fields = ["marked_at", "curated_at", "title"]
    ordering = ["-marked_at", "pk"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return library_visible_to(self.request.user)

    def _out(self, entry, code=status.HTTP_200_OK) -> Response:
        return Response(LibraryCallSerializer(entry, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Mark a call for the library",
        description="From an evaluation you may see (a scored one; a calibration session's only after the reveal): "
        "exemplary or cautionary, a title, why it matters, the moment (seconds) and optionally a category and a "
        "criterion of its scorecard. One entry per call and kind. It waits for a trainer's curation.",
        request=LibraryMarkSerializer,
        responses={
            201: LibraryCallSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing("No evaluation with that id that you may see"),
            409: CONFLICT,
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = LibraryMarkSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        entry = services.library_mark(by=request.user, **serializer.validated_data)
        return self._out(entry, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change or curate a library call",
        description="Trainers and managers (and whoever marked it, until it is curated) change its fields; "
        "`curated` (trainers and managers) accepts it into the library, where agents see it, or takes it out. "
        "`criterion: null` clears the criterion.",
        request=LibraryEditSerializer,
        responses={
            200: LibraryCallSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing(
                "No library call with that id that you may see, or no criterion of its scorecard with that id"
            ),
            409: CONFLICT,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = LibraryEditSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        curated = changes.pop("curated", None)
        if changes:
            entry = services.library_edit(by=request.user, entry=entry, **changes)
        if curated is not None:
            entry = services.library_set_curated(by=request.user, entry=entry, curated=curated)
        return self._out(entry)

    @extend_schema(
        summary="Delete a library call",
        responses={204: OpenApiResponse(description="Deleted."), 403: FORBIDDEN, 409: CONFLICT},
    )
    def destroy(self, request, *args, **kwargs):
        services.library_remove(by=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
