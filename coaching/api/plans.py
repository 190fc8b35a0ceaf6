"""REST API for coaching plans (/api/v1/coaching-plans/) and their sessions
(/api/v1/coaching-sessions/).

Thin: parse, call one service of `services.plans`, render. Which plans a user sees is
`selectors.plans.plans_visible_to` (outside it: 404); who may take each step is
`permissions.plans` (403). Errors come from `qa_platform.errors.api_exception_handler`: 400
{field: [reason]}, 403 the wrong person, 404 a plan you may not see, 409 a step its state does
not allow (a completed plan)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.schema import LOOKUP_ID, missing, refusal

from ..models import CoachingGoal
from ..permissions.plans import CanAcknowledgePlan, CanEditPlan, CanOpenPlans
from ..selectors.plans import plans_visible_to, sessions_visible_to
from ..serializers.plans import (
    CoachingPlanCompleteSerializer,
    CoachingPlanCreateSerializer,
    CoachingPlanSerializer,
    CoachingPlanUpdateSerializer,
    CoachingSessionCreateSerializer,
    CoachingSessionSerializer,
)
from ..services import plans as services

FORBIDDEN = refusal(
    "Your role has no coaching plans (HR), or you may not take this step: only the plan's owner, a trainer, a "
    "manager or a supervisor of the agent's team edits, records sessions and completes; only the agent acknowledges."
)
NOT_FOUND = refusal("No such plan that you may see.")
FIELD_ERRORS = refusal(
    'Refused input: {field: [reason]}, e.g. {"goals.0.deadline": ["The deadline 2020-01-01 has already passed."]}.',
    fields=True,
    detail=False,
)
STEP_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND, 409: refusal("The plan is completed: it no longer changes.")}


def _plans(user):
    return plans_visible_to(user).prefetch_related(
        Prefetch("goals", queryset=CoachingGoal.objects.order_by("deadline", "pk")), "evaluations"
    )


@extend_schema_view(
    list=extend_schema(
        summary="List coaching plans",
        description="The plans you may see: all of them for QA, trainers, managers and admins; a supervisor's teams' "
        "agents' plans (and the ones they own); an agent's own. Filter by status, agent or owner. HR: 403.",
        responses={200: CoachingPlanSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A coaching plan with its goals",
        responses={200: CoachingPlanSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class CoachingPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenPlans]
    serializer_class = CoachingPlanSerializer
    filterset_fields = ["status", "agent", "owner"]
    ordering_fields = ["deadline", "created_at"]
    ordering = ["deadline", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _plans(self.request.user)

    def get_permissions(self):
        extra = {"partial_update": CanEditPlan, "complete": CanEditPlan, "acknowledge": CanAcknowledgePlan}
        permissions = super().get_permissions()
        if self.action in extra:
            permissions.append(extra[self.action]())
        return permissions

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        return Response(CoachingPlanSerializer(_plans(self.request.user).get(pk=pk)).data, status=status_code)

    @extend_schema(
        summary="Create a coaching plan",
        description="Trainers (for any agent), supervisors (their teams' agents), managers and admins. At least one "
        "goal, each on a criterion of a scorecard the agent has been evaluated on (any version) or on a category, "
        "with a target 0–100 and a deadline today or later; the plan's deadline is the latest goal's. The "
        "evaluations are the agent's. The owner is a trainer or a supervisor of the agent's team.",
        request=CoachingPlanCreateSerializer,
        responses={
            201: CoachingPlanSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing("No agent, owner, evaluation, criterion or training need with that id that you may see"),
        },
    )
    def create(self, request):
        serializer = CoachingPlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        plan = services.create_plan(by=request.user, **serializer.service_kwargs())
        return self._detail(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a plan's title, proposal or owner",
        description="The plan's editors, while it is not completed.",
        request=CoachingPlanUpdateSerializer,
        responses={
            200: CoachingPlanSerializer,
            400: FIELD_ERRORS,
            **STEP_ERRORS,
            404: refusal("No plan with that id that you may see, or no such owner.", fields=True),
        },
    )
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        serializer = CoachingPlanUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.edit_plan(plan=plan, by=request.user, **serializer.validated_data)
        return self._detail(plan.pk)

    @extend_schema(
        summary="Acknowledge the plan (the agent)",
        description="The coached agent says they have read the plan; the first acknowledgement's time is kept.",
        request=None,
        responses={200: CoachingPlanSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        services.acknowledge_plan(plan=self.get_object(), by=request.user)
        return self._detail(pk)

    @extend_schema(
        summary="Complete the plan with its outcome",
        description="An open, in-progress or overdue plan → completed, by its editors.",
        request=CoachingPlanCompleteSerializer,
        responses={200: CoachingPlanSerializer, 400: FIELD_ERRORS, **STEP_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        plan = self.get_object()
        serializer = CoachingPlanCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complete_plan(plan=plan, by=request.user, outcome=serializer.validated_data["outcome"])
        return self._detail(pk)


@extend_schema_view(
    list=extend_schema(
        summary="List coaching sessions",
        description="The sessions of the plans you may see; filter by plan or kind.",
        responses={200: CoachingSessionSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A coaching session",
        responses={200: CoachingSessionSerializer, 403: FORBIDDEN, 404: refusal("No such session that you may see.")},
    ),
)
class CoachingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenPlans]
    serializer_class = CoachingSessionSerializer
    filterset_fields = ["plan", "kind"]
    ordering_fields = ["held_at"]
    ordering = ["held_at", "pk"]

    def get_queryset(self):
        return sessions_visible_to(self.request.user)

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "acknowledge":
            permissions.append(CanAcknowledgePlan())
        return permissions

    @extend_schema(
        summary="Record a session of a plan",
        description="A side-by-side, one-to-one or recording review held with the agent, by the plan's editors, "
        "with notes and curated library calls (attachments are uploaded on the plan's page). The plan's first "
        "session moves it from open to in progress.",
        request=CoachingSessionCreateSerializer,
        responses={
            201: CoachingSessionSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing("No plan or curated library call with that id that you may see"),
            409: refusal("The plan is completed: it no longer changes."),
        },
    )
    def create(self, request):
        serializer = CoachingSessionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        session = services.record_session(by=request.user, **serializer.validated_data)
        return Response(
            CoachingSessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Acknowledge the session (the agent)",
        description="The coached agent confirms the session; the first acknowledgement's time is kept.",
        request=None,
        responses={200: CoachingSessionSerializer, 403: FORBIDDEN, 404: refusal("No such session that you may see.")},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        session = services.acknowledge_session(session=self.get_object(), by=request.user)
        return Response(CoachingSessionSerializer(self.get_queryset().get(pk=session.pk)).data)
