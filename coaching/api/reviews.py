"""REST API of development reviews (/api/v1/development-reviews/).

HR gets `DevelopmentReviewRecordSerializer` — agent, half-year, reviewer, due, held on, status — and never a
text field; everyone else `DevelopmentReviewSerializer`, whose text and next steps are left out of any
review they may not read. Scope `reviews_visible_to` (outside it: 404), rules
coaching/permissions/reviews.py, writes coaching/services/reviews.py.
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.filters import FilterSet, IdFilter
from qa_platform.schema import LOOKUP_ID, missing, refusal

from ..models import DevelopmentReview, ReviewStatus
from ..permissions.reviews import CanOpenReviews, CanWriteReview, reads_any_text
from ..selectors.reviews import reviews_visible_to
from ..serializers.reviews import (
    DevelopmentReviewRecordSerializer,
    DevelopmentReviewSerializer,
    ReviewHalfYearSerializer,
    ReviewScheduleSerializer,
    ReviewsScheduledSerializer,
    ReviewStepInputSerializer,
    ReviewStepSerializer,
    ReviewStepUpdateSerializer,
    ReviewUpdateSerializer,
)
from ..services import reviews as services

FORBIDDEN = refusal(
    "QA and admins see no reviews; only the agent's supervisors, trainers and managers write them, never about "
    "themselves; the agent reads their own; HR reads that a review happened, not what it says."
)
CONFLICT = refusal("The agent already has a review for this half-year (`existing_review`), or a held review is kept.")
FIELD_ERRORS = refusal(
    'Refused input, e.g. {"due_on": ["The due date falls in the half-year 2026-H2 (2026-07-01 – 2026-12-31)."]}.',
    fields=True,
    detail=False,
)


class ReviewFilter(FilterSet):
    agent = IdFilter(field_name="agent_id", help_text="The agent's id.")
    period = django_filters.CharFilter(max_length=7, help_text="The half-year, e.g. 2026-H2.")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    reviewer = django_filters.CharFilter(field_name="reviewer__username", max_length=150, help_text="Username.")

    class Meta:
        model = DevelopmentReview
        fields = ["agent", "period", "status", "reviewer"]


@extend_schema_view(
    list=extend_schema(
        summary="List development reviews",
        description="Managers, trainers and HR all reviews; supervisors their teams'; an agent their own. The text "
        "fields and `steps` are present only for those who may read them (never HR).",
    ),
    retrieve=extend_schema(summary="A development review"),
)
class DevelopmentReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenReviews, CanWriteReview]
    serializer_class = DevelopmentReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["due_on", "held_on", "period"]
    ordering = ["-period", "due_on", "pk"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = reviews_visible_to(self.request.user)
        return qs.prefetch_related("steps") if reads_any_text(self.request.user) else qs

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or reads_any_text(self.request.user):
            return DevelopmentReviewSerializer
        return DevelopmentReviewRecordSerializer

    def _out(self, review, code=status.HTTP_200_OK) -> Response:
        review = reviews_visible_to(self.request.user).prefetch_related("steps").get(pk=review.pk)
        serializer = self.get_serializer_class()(review, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    @extend_schema(
        summary="Schedule a development review",
        description="The agent's supervisors, trainers and managers. Due by default on the 15th of the half-year's "
        "last month; reviewer by default the team's supervisor.",
        request=ReviewScheduleSerializer,
        responses={
            201: DevelopmentReviewSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing("No agent with that id that you may see, or no such user"),
            409: CONFLICT,
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = ReviewScheduleSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        review = services.review_schedule(by=request.user, **serializer.validated_data)
        return self._out(review, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record or change a development review",
        description="`held_on` (not in the future) records the conversation: the review is then held and something "
        "must be written down. The agent cannot edit their own review.",
        request=ReviewUpdateSerializer,
        responses={200: DevelopmentReviewSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: missing("No such user")},
    )
    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        serializer = ReviewUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.review_update(by=request.user, review=review, **serializer.validated_data)
        return self._out(review)

    @extend_schema(
        summary="Cancel a scheduled development review",
        responses={204: OpenApiResponse(description="Deleted."), 403: FORBIDDEN, 409: CONFLICT},
    )
    def destroy(self, request, *args, **kwargs):
        services.review_delete(by=request.user, review=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Add an agreed next step",
        request=ReviewStepInputSerializer,
        responses={201: ReviewStepSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], url_path="steps")
    def steps(self, request, pk=None):
        review = self.get_object()
        serializer = ReviewStepInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        step = services.step_add(by=request.user, review=review, **serializer.validated_data)
        return Response(ReviewStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        summary="Change a next step (done / not done, text, due date)",
        request=ReviewStepUpdateSerializer,
        responses={200: ReviewStepSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Delete a next step",
        request=None,
        responses={204: OpenApiResponse(description="Deleted."), 403: FORBIDDEN},
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"steps/(?P<step_id>[0-9]+)")
    def step(self, request, pk=None, step_id=None):
        review = self.get_object()
        step = get_object_or_404(review.steps.all(), pk=int(step_id))
        if request.method == "DELETE":
            services.step_delete(by=request.user, step=step)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = ReviewStepUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        step = services.step_update(by=request.user, step=step, **serializer.validated_data)
        return Response(ReviewStepSerializer(step).data)

    @extend_schema(
        summary="Schedule reviews for the half-year",
        description="A review for every active agent you write reviews for who has none this half-year (or "
        "`period`), due on the 15th of its last month unless `due_on` says otherwise.",
        request=ReviewHalfYearSerializer,
        responses={200: ReviewsScheduledSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["post"], url_path="schedule-half-year")
    def schedule_half_year(self, request):
        serializer = ReviewHalfYearSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        period = serializer.validated_data.get("period") or None
        created = services.reviews_schedule_half_year(
            by=request.user, period=period, due_on=serializer.validated_data.get("due_on")
        )
        return Response({"created": created, "period": period or services.half_year_of(timezone.localdate())})
