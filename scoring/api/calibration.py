"""REST API for calibration sessions (/api/v1/calibration-sessions/, /api/v1/calibration-items/).

Thin, like the evaluations API: parse, call one service, render the session as its page does
(`selectors_calibration_sessions.session_overview`, which holds the rule that nobody's answers or
totals are shown before the reveal). Scoring a session's call goes through the evaluations API:
`POST /calibration-items/{id}/start/` gives the participant's evaluation id, then
`PATCH /evaluations/{id}/answers/` and `POST /evaluations/{id}/submit/` as for any evaluation.
Errors come from `qa_platform.errors.api_exception_handler`: 400 {field: [reason]}, 403 the wrong
person, 404 a session you may not see, 409 a step its state does not allow.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.schema import LOOKUP_ID, missing, refusal

from .. import selectors_calibration_sessions as sessions
from .. import services
from ..models import Evaluation
from ..permissions import CanOpenCalibration
from ..serializers.calibration import (
    ConsensusInputSerializer,
    ErrorDetailSerializer,
    ItemSerializer,
    ScoringStartedSerializer,
    SessionCreateSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    item_data,
)

PERMISSIONS = [IsAuthenticated, CanOpenCalibration]
FORBIDDEN = OpenApiResponse(
    ErrorDetailSerializer,
    description="Your role does not take part in calibration (HR, agents), or you may not take this step "
    "(only the facilitator or a manager runs a session; only its participants score it).",
)
NOT_FOUND = refusal("No such session that you may see: one you neither take part in nor read center-wide.")
CONFLICT = OpenApiResponse(ErrorDetailSerializer, description="The session's state does not allow this step.")
STEP_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
FIELD_ERRORS = refusal(
    'Refused input: {field: [reason]}, e.g. {"participants": ["trainer2 took call default:C1; nobody calibrates '
    'on their own call."]} or {"criterion.12": ["\'Greeting\' is not answered."]}.',
    fields=True,
    detail=False,
)


def _step(summary: str, description: str):
    return extend_schema(
        summary=summary, description=description, request=None, responses={200: SessionDetailSerializer, **STEP_ERRORS}
    )


@extend_schema_view(
    list=extend_schema(
        summary="List calibration sessions",
        description="The sessions you may see: all of them for QA, trainers, managers and admins; the ones you take "
        "part in for anyone else who scores calls. Each with its progress (`n_submitted` of `n_expected` scores). "
        "Filter with ?status=. HR and agents: 403.",
        responses={200: SessionSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A calibration session: calls, participants, progress",
        description="Before the reveal each call shows who has submitted, who has a draft and who has not started "
        "— never anyone's answers or totals (`scores`, `spread` and `consensus` are null). Once revealed (or "
        "closed), every submitted score side by side with its answers, the spread per criterion and of the "
        "totals, and the consensus once recorded.",
        responses={200: SessionDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class CalibrationSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ID
    permission_classes = PERMISSIONS
    serializer_class = SessionSerializer
    filterset_fields = ["status"]
    ordering_fields = ["week_start", "created_at"]
    ordering = ["-week_start", "-pk"]

    def get_queryset(self):
        return sessions.sessions_visible_to(self.request.user)

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        session = sessions.session_for(self.request.user, pk)
        overview = sessions.session_overview(session, self.request.user)
        return Response(SessionDetailSerializer(overview=overview).data, status=status_code)

    def retrieve(self, request, pk=None):
        overview = sessions.session_overview(self.get_object(), request.user)
        return Response(SessionDetailSerializer(overview=overview).data)

    @extend_schema(
        summary="Create a calibration session by hand",
        description="QA and managers choose 1 to 10 calls and invite 2 to 12 people who score calls (nobody on "
        "their own call; no call on a private line). You facilitate it. It starts `proposed`: open it for scoring "
        "with POST …/open/.",
        request=SessionCreateSerializer,
        responses={
            201: SessionDetailSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: missing("No call with that id that you may see, or no such person"),
        },
    )
    def create(self, request):
        serializer = SessionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        session = services.calibration_session_create(by=request.user, **serializer.validated_data)
        return self._detail(session.pk, status.HTTP_201_CREATED)

    @_step("Open scoring", "Proposed → scoring: each participant now scores every call blind.")
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        services.calibration_session_open(session=self.get_object(), by=request.user)
        return self._detail(pk)

    @_step(
        "Reveal the scores",
        "Scoring → revealed (at least two participants must have submitted): every submitted answer is shown side by "
        "side. Drafts left unsubmitted stay out and can no longer be submitted.",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        services.calibration_reveal(session=self.get_object(), by=request.user)
        return self._detail(pk)

    @_step("Close the session", "Revealed → closed, once every call has its consensus: the figures are final.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.calibration_close(session=self.get_object(), by=request.user)
        return self._detail(pk)

    @_step("Cancel the session", "Before the reveal: the session will not take place; its drafts are deleted.")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        services.calibration_cancel(session=self.get_object(), by=request.user)
        return self._detail(pk)


class CalibrationItemViewSet(viewsets.GenericViewSet):
    """A call of a session (`item`): start scoring it, or record its consensus."""

    lookup_value_regex = LOOKUP_ID
    permission_classes = PERMISSIONS
    serializer_class = ItemSerializer

    def get_object(self):
        item = sessions.item_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, item)
        return item

    @extend_schema(
        summary="Start (or resume) scoring a session's call",
        description="A participant's evaluation of the call, while the session is scoring. **201**: created; "
        "**200**: yours already (a draft to resume, or submitted). Score and submit it through the evaluations "
        "API (`PATCH /api/v1/evaluations/{id}/answers/`, `POST /api/v1/evaluations/{id}/submit/`), blind: "
        "nobody else's score of the call is visible to you until the reveal.",
        request=None,
        responses={
            201: OpenApiResponse(ScoringStartedSerializer, description="Created."),
            200: OpenApiResponse(ScoringStartedSerializer, description="Your existing evaluation of the call."),
            403: FORBIDDEN,
            404: refusal("No such call of a session that you may see."),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        item = self.get_object()
        existed = Evaluation.objects.filter(calibration_item=item, evaluator=request.user).exists()
        evaluation = services.calibration_start_scoring(item=item, by=request.user)
        body = {
            "evaluation": evaluation.pk,
            "status": evaluation.status,
            "score_page": reverse("evaluation-score", args=[evaluation.pk]),
        }
        return Response(
            ScoringStartedSerializer(body).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Record the consensus of a session's call",
        description="The facilitator (or a manager), once the session is revealed: the answers the session agreed "
        "for every criterion, in the evaluation API's format (`comment` is the criterion's guidance note), and the "
        "overall notes. Scored with the formula; recorded again, it replaces the last. Returns the call as the "
        "session's detail shows it.",
        request=ConsensusInputSerializer,
        responses={
            200: ItemSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: refusal("No such call of a session that you may see."),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def consensus(self, request, pk=None):
        item = self.get_object()
        serializer = ConsensusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.calibration_record_consensus(
            item=item,
            by=request.user,
            answers=services.parse_answers(serializer.validated_data["answers"]),
            notes=serializer.validated_data["notes"],
        )
        overview = sessions.session_overview(sessions.session_for(request.user, item.session_id), request.user)
        return Response(item_data(overview, overview.item(item.pk)))
