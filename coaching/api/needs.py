"""REST API for training needs (/api/v1/training-needs/) and group training sessions
(/api/v1/training-sessions/).

Thin: the scope is the pages' (`selectors.needs.needs_visible_to`, `sessions_visible_to`: outside
it, 404), the rules are coaching/permissions/needs.py, every write is a service in
coaching/services/needs.py. Errors come from `qa_platform.errors.api_exception_handler`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.schema import LOOKUP_ID, missing, refusal

from ..forms.needs import NeedFilter
from ..permissions.needs import CanOpenNeeds, CanOpenTraining, sees_training_figures
from ..selectors import needs as selectors
from ..serializers.needs import (
    AttendanceInputSerializer,
    TrainingNeedDetailSerializer,
    TrainingNeedSerializer,
    TrainingSessionCreateSerializer,
    TrainingSessionDetailSerializer,
    TrainingSessionSerializer,
)
from ..services import needs as services

NEED_FORBIDDEN = refusal(
    "Your role does not read training needs (agents, HR), or you may not dismiss one (trainers and managers do)."
)
NEED_NOT_FOUND = refusal("No such need that you may see (a supervisor sees their teams' needs).")
CONFLICT = refusal("The object's state does not allow this step.")
SESSION_FORBIDDEN = refusal(
    "Your role does not read training sessions (HR), or you may not take this step: trainers and managers create "
    "sessions; attendance is taken by the session's trainer or a manager."
)
SESSION_NOT_FOUND = refusal("No such session that you may see (an agent sees the sessions they are invited to).")
FIELD_ERRORS = refusal(
    'Refused input: {field: [reason]}, e.g. {"need": ["An individual need becomes a coaching plan, not a group '
    'training session."]}.',
    fields=True,
    detail=False,
)


@extend_schema_view(
    list=extend_schema(
        summary="List training needs",
        description="The needs the weekly job flagged, newest week and highest rate first: common to a group "
        "(shift, direction, service type, team, line of business) or individual (`group_kind` = agent). Trainers, "
        "QA, managers and admins see all; a supervisor their teams' needs and their agents' individual needs. "
        "Filter by ISO `week`, `group_kind`, `scope` (common / individual), `status`, `category`, `dimension`.",
        responses={200: TrainingNeedSerializer(many=True), 403: NEED_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A training need with its evidence",
        description="The figures, and the evidence as you may see it: the agents with their own rate and n "
        "(affected or not), and the evaluations that lost points on it that you may open.",
        responses={200: TrainingNeedDetailSerializer, 403: NEED_FORBIDDEN, 404: NEED_NOT_FOUND},
    ),
)
class TrainingNeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenNeeds]
    serializer_class = TrainingNeedSerializer
    filterset_class = NeedFilter
    ordering_fields = ["week_start", "rate", "agents_affected"]
    ordering = ["-week_start", "-rate", "pk"]

    def get_queryset(self):
        return selectors.needs_visible_to(self.request.user)

    def retrieve(self, request, pk=None):
        need = self.get_object()
        evidence = selectors.need_evidence(request.user, need)
        return Response(TrainingNeedDetailSerializer(need, context={"evidence": evidence}).data)

    @extend_schema(
        summary="Dismiss a need",
        description="An open need nobody will act on: dismissed (kept in its history, with who). Trainers and "
        "managers; a need already acted on (scheduled, planned, dismissed): 409.",
        request=None,
        responses={200: TrainingNeedSerializer, 403: NEED_FORBIDDEN, 404: NEED_NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        need = services.dismiss_need(by=request.user, need=self.get_object())
        return Response(TrainingNeedSerializer(need).data)


@extend_schema_view(
    list=extend_schema(
        summary="List training sessions",
        description="Group training sessions, latest first. Trainers, QA, managers and admins see all; a supervisor "
        "the sessions one of their agents is invited to; an agent the ones they are invited to. HR: 403.",
        responses={200: TrainingSessionSerializer(many=True), 403: SESSION_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A training session: attendance and whether the group's rate fell",
        description="The attendees you may see (an agent: their own attendance), and for everyone but agents the "
        "group's per-evaluation loss rate on the need's problem in the 4 weeks before the session and since, with "
        "n, 95 % intervals and the difference's Welch interval ('not_enough' below 5 evaluations a side).",
        responses={200: TrainingSessionDetailSerializer, 403: SESSION_FORBIDDEN, 404: SESSION_NOT_FOUND},
    ),
)
class TrainingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = [IsAuthenticated, CanOpenTraining]
    serializer_class = TrainingSessionSerializer
    filterset_fields = ["status", "need"]
    ordering_fields = ["scheduled_for", "created_at"]
    ordering = ["-scheduled_for", "pk"]

    def get_queryset(self):
        return selectors.sessions_visible_to(self.request.user)

    def _detail(self, session, status_code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        session = selectors.sessions_visible_to(user).get(pk=session.pk)
        context = {
            "attendance": selectors.attendance_visible_to(user, session),
            "rate_change": selectors.rate_before_after(session) if sees_training_figures(user) else None,
        }
        return Response(TrainingSessionDetailSerializer(session, context=context).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Create a training session",
        description="Trainers and managers: a group session (you are its trainer) for the agents in `attendees`, "
        "usually from a need common to a group (`need`), which then becomes 'scheduled'. An attachment is added on "
        "the session's page.",
        request=TrainingSessionCreateSerializer,
        responses={
            201: TrainingSessionDetailSerializer,
            400: FIELD_ERRORS,
            403: SESSION_FORBIDDEN,
            404: missing("No need you may see, or no agent, with that id"),
        },
    )
    def create(self, request):
        serializer = TrainingSessionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        session = services.create_training_session(by=request.user, **serializer.validated_data)
        return self._detail(session, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take attendance",
        description="The session's trainer or a manager, once the session has started: who came. An attendee left "
        "out did not come; taken again, the record is corrected. The session becomes 'held'.",
        request=AttendanceInputSerializer,
        responses={
            200: TrainingSessionDetailSerializer,
            400: FIELD_ERRORS,
            403: SESSION_FORBIDDEN,
            404: SESSION_NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = self.get_object()
        serializer = AttendanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attended = {row["agent"]: row["attended"] for row in serializer.validated_data["attendance"]}
        session = services.take_attendance(by=request.user, session=session, attended=attended)
        return self._detail(session)
