"""REST API for scorecards and their versions (/api/v1/scorecards/, /api/v1/scorecard-versions/).

Readers (manager, admin, qa, supervisor, trainer) may GET; builders (manager, admin, qa) may also
create, save drafts, publish and start new drafts. Agents and HR are refused (403).
Errors (answered by `qa_platform.errors.api_exception_handler`): 400 with messages keyed by field
or path (sections.0.criteria.1.points); 404 for a line of business that does not exist; 409 when
the version's state does not allow the step (a published version never changes, a draft whose
weights do not add up is not published yet) or the name is taken.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qa_platform.schema import LOOKUP_ID, missing, refusal
from qa_platform.serializers import errors_by_path

from .. import selectors, services
from ..models import VersionStatus
from ..permissions import CanReadOrBuildScorecards
from ..serializers.scorecards import (
    DetailSerializer,
    DraftInputSerializer,
    PublishProblemsSerializer,
    ScorecardCreateSerializer,
    ScorecardSerializer,
    VersionSerializer,
    VersionSummarySerializer,
)

PATH_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Messages keyed by field or path, e.g. {"sections.0.criteria.1.points": ["Points must be …"]}.',
)
CONFLICT = OpenApiResponse(DetailSerializer, description="The version is not a draft: published versions never change.")


@extend_schema_view(
    list=extend_schema(summary="List scorecards", description="Filter with ?active=true|false."),
    retrieve=extend_schema(summary="A scorecard with a summary of its versions"),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    serializer_class = ScorecardSerializer
    permission_classes = [CanReadOrBuildScorecards]
    filterset_fields = ["active"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.scorecards_with_versions()

    @extend_schema(
        summary="Create a scorecard",
        description="Creates the scorecard with an empty draft version 1; build it with PUT on the version.",
        request=ScorecardCreateSerializer,
        responses={
            201: ScorecardSerializer,
            400: PATH_ERRORS,
            404: missing("A line of business code that names none"),
            409: refusal('A scorecard with this name exists ({"detail": …, "name": […]}).'),
        },
    )
    def create(self, request):
        data = ScorecardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scorecard = services.scorecard_create(by=request.user, **data.validated_data)
        scorecard = self.get_queryset().get(pk=scorecard.pk)
        return Response(ScorecardSerializer(scorecard).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start a new draft",
        description=(
            "Copies the latest version into a new draft version (new rows, same structure). If the "
            "scorecard already has a draft, returns it with 200 instead."
        ),
        request=None,
        responses={201: VersionSerializer, 200: VersionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="new-draft", url_name="new-draft")
    def new_draft(self, request, pk=None):
        scorecard = self.get_object()
        had_draft = any(v.status == VersionStatus.DRAFT for v in scorecard.versions.all())
        draft = services.scorecard_new_draft(scorecard=scorecard, by=request.user)
        draft = selectors.versions_with_structure().get(pk=draft.pk)
        return Response(
            VersionSerializer(draft).data, status=status.HTTP_200_OK if had_draft else status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(
        summary="List scorecard versions", description="Filter with ?scorecard=<id>&status=draft|published|retired."
    ),
    retrieve=extend_schema(summary="A version with its sections and criteria"),
)
class ScorecardVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [CanReadOrBuildScorecards]
    filterset_fields = ["scorecard", "status"]
    ordering_fields = ["number", "published_at"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.versions_with_counts().order_by("scorecard__name", "-number")
        return selectors.versions_with_structure()

    def get_serializer_class(self):
        return VersionSummarySerializer if self.action == "list" else VersionSerializer

    @extend_schema(
        summary="Save a draft",
        description=(
            "Replaces the draft's sections and criteria, in the order given. Weights need not add up "
            "to 100 (bonus sections aside) until publishing. A criterion's `shown_when` names an earlier "
            "criterion by its number in the form (from 0) and an answer that criterion can take; root "
            "causes are listed once each. 400 names each error by its path; 409 for a published or "
            "retired version, which never changes (start a new draft)."
        ),
        request=DraftInputSerializer,
        responses={200: VersionSerializer, 400: PATH_ERRORS, 409: CONFLICT},
    )
    def update(self, request, pk=None):
        version = self.get_object()
        shape = DraftInputSerializer(data=request.data)
        if not shape.is_valid():
            raise exceptions.ValidationError(errors_by_path(shape.errors))
        services.scorecard_draft_save(version=version, structure=request.data, by=request.user)
        return Response(VersionSerializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(
        summary="Publish a draft",
        description=(
            "The draft becomes the scorecard's current version and never changes again; the previously "
            "published version is retired (its evaluations keep it). 409 lists what stops publishing."
        ),
        request=None,
        responses={
            200: VersionSerializer,
            409: OpenApiResponse(
                PublishProblemsSerializer,
                description="Not a draft (published versions never change; `detail` only), or the draft is not "
                "ready: `sections` lists what stops publishing.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        version = get_object_or_404(self.get_queryset(), pk=pk)
        services.scorecard_publish(version=version, by=request.user)
        return Response(VersionSerializer(self.get_queryset().get(pk=version.pk)).data)
