"""REST API for evaluations (/api/v1/evaluations/): list, detail and the lifecycle steps.

Thin: each action parses its input, calls one service and renders the evaluation. Who may take
a step is asked of `permissions` (by the object permissions here and again by the service);
the services' errors become HTTP answers in one place, `qa_platform.errors.api_exception_handler`:
PermissionDenied → 403, IllegalTransition → 409, ValidationError → 400 with the field names.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qa_platform.schema import LOOKUP_ID, missing, refusal

from .. import selectors, services
from ..filters import EvaluationFilter
from ..models import Evaluation, Status
from ..permissions import (
    CanAcknowledge,
    CanAppeal,
    CanDeliverFeedback,
    CanDispute,
    CanReassignReviewer,
    CanResolveDispute,
    CanSeeEvaluations,
    IsEvaluator,
)
from ..serializers import explain
from ..serializers.evaluations import (
    RESOLVE_INPUT,
    DisputeInputSerializer,
    DisputeSerializer,
    DraftInputSerializer,
    DraftSavedSerializer,
    ErrorSerializer,
    EvaluationDetailSerializer,
    EvaluationListSerializer,
    EvaluationStartSerializer,
    ReassignReviewerInputSerializer,
    ResolveInputSerializer,
    SubmitInputSerializer,
)

BASE_PERMISSIONS = [IsAuthenticated, CanSeeEvaluations]
ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description='Bad input: {field: [reasons]}, e.g. {"criterion.12": ["\'Greeting\' is not answered."]}.',
    ),
    403: OpenApiResponse(ErrorSerializer, description="You may not take this step."),
    404: refusal(
        'No such evaluation that you may see ({"detail": …}), or an answer to a criterion that is not on its '
        'scorecard ({"criterion.12": ["Not a criterion of this scorecard."]}).',
        fields=True,
    ),
    409: OpenApiResponse(ErrorSerializer, description="The evaluation's state does not allow this step."),
}
NO_BODY_ERRORS = {code: ERRORS[code] for code in (403, 404, 409)}
# What a refused start answers (409): the reason, and what is in the way (one of the two).
START_CONFLICT = inline_serializer(
    "EvaluationStartConflict",
    {
        "detail": serializers.CharField(),
        "existing_evaluation": inline_serializer(
            "ExistingEvaluation",
            {
                "id": serializers.IntegerField(),
                "evaluator": serializers.CharField(help_text="Username."),
                "status": serializers.ChoiceField(choices=Status.choices),
            },
            required=False,
        ),
        "assignment": inline_serializer(
            "ExistingAssignment",
            {
                "id": serializers.IntegerField(),
                "evaluator": serializers.CharField(help_text="Username."),
                "due_at": serializers.DateTimeField(),
            },
            required=False,
        ),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="List evaluations",
        description="Evaluations the requesting user may see: an agent their own once feedback is delivered "
        "(and their self-evaluations), a supervisor their teams' scored ones and their own, QA, trainers and "
        "managers all. HR: 403.",
    ),
    retrieve=extend_schema(
        summary="An evaluation with its answers, disputes and the explained score",
        description="`score` explains the total: each section's earned / possible points and percent, the "
        "weights counted, what N/A removed and whether a critical item failed or zeroed the score.",
        responses={200: EvaluationDetailSerializer, 404: ERRORS[404]},
    ),
)
class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evaluations: scoped by `selectors.evaluations_visible_to` (outside the scope: 404)."""

    lookup_value_regex = LOOKUP_ID
    permission_classes = BASE_PERMISSIONS
    filterset_class = EvaluationFilter
    ordering_fields = ["created_at", "submitted_at", "total", "feedback_due_at", "status"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        qs = selectors.evaluations_visible_to(self.request.user)
        if self.action == "list":
            return qs.select_related("call__agent")
        if self.action == "retrieve":
            return selectors.with_scorecard(qs)
        return qs  # the lifecycle steps render the detail afresh after the service ran

    def get_serializer_class(self):
        return EvaluationListSerializer if self.action == "list" else EvaluationDetailSerializer

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _detail(self, evaluation: Evaluation, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.evaluation_for_page(self.request.user, evaluation.pk)
        return Response(
            EvaluationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    @staticmethod
    def _answers(raw) -> list[services.AnswerInput] | None:
        return None if raw is None else services.parse_answers(raw)

    @extend_schema(
        summary="Start an evaluation of a call",
        description="Opens (or returns your existing) evaluation of a call you may see. `kind` is `regular`, or "
        "`self` for an agent's self-evaluation of an own call. Nobody evaluates their own call otherwise, and "
        "calls on private lines are never evaluated.\n\n"
        "A call has at most one regular evaluation. **201**: created. **200**: you already had this evaluation "
        "(a re-opened draft, a repeated or concurrent request: the same id). **409**: the call is someone "
        "else's work — their regular evaluation (`existing_evaluation`) or their open assignment "
        "(`assignment`, before they start); managers too, who reassign it first. A regular start by someone "
        "holding the call's open double-scoring assignment opens that blind second score (kind "
        "`calibration`). Self-evaluations are started beside a regular evaluation.",
        request=EvaluationStartSerializer,
        responses={
            201: OpenApiResponse(EvaluationDetailSerializer, description="Created."),
            200: OpenApiResponse(EvaluationDetailSerializer, description="Your existing evaluation of the call."),
            **ERRORS,
            404: missing("No call with that id that you may see"),
            409: OpenApiResponse(
                START_CONFLICT,
                description="The call's regular evaluation is someone else's (`existing_evaluation`), or "
                "someone else holds its open assignment (`assignment`). `detail` says which and what to do.",
            ),
        },
    )
    def create(self, request):
        data = self._input(EvaluationStartSerializer)
        evaluation, created = services.evaluation_get_or_start(
            call=data["call"], by=request.user, method=data["method"], kind=data["kind"]
        )
        return self._detail(evaluation, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Autosave the draft",
        description="Stores the answers sent (others are left as they are) and the summary if sent; returns the "
        "running score.",
        request=DraftInputSerializer,
        responses={200: DraftSavedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["patch"], permission_classes=[*BASE_PERMISSIONS, IsEvaluator])
    def answers(self, request, pk=None):
        evaluation = self.get_object()
        data = self._input(DraftInputSerializer)
        result = services.evaluation_save_draft(
            evaluation=evaluation, by=request.user, answers=self._answers(data["answers"]), summary=data.get("summary")
        )
        evaluation.refresh_from_db(fields=["draft_saved_at"])
        return Response(DraftSavedSerializer({"saved_at": evaluation.draft_saved_at, "score": explain(result)}).data)

    @extend_schema(
        summary="Submit the evaluation",
        description="Every criterion must be answered (a value, or N/A where allowed). With `deliver_feedback` "
        "(default true) the feedback reaches the agent at once; otherwise it is due within FEEDBACK_SLA_HOURS.",
        request=SubmitInputSerializer,
        responses={200: EvaluationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[*BASE_PERMISSIONS, IsEvaluator])
    def submit(self, request, pk=None):
        evaluation = self.get_object()
        data = self._input(SubmitInputSerializer)
        services.evaluation_submit(
            evaluation=evaluation,
            by=request.user,
            answers=self._answers(data["answers"]),
            summary=data.get("summary"),
            deliver_feedback=data["deliver_feedback"],
        )
        return self._detail(evaluation)

    @extend_schema(
        summary="Record that feedback was delivered to the agent",
        request=None,
        responses={200: EvaluationDetailSerializer, **NO_BODY_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="deliver-feedback",
        permission_classes=[*BASE_PERMISSIONS, CanDeliverFeedback],
    )
    def deliver_feedback(self, request, pk=None):
        """The evaluator, the agent's supervisor or a manager records that feedback reached the agent."""
        evaluation = self.get_object()
        services.evaluation_deliver_feedback(evaluation=evaluation, by=request.user)
        return self._detail(evaluation)

    @extend_schema(
        summary="The agent acknowledges the feedback",
        request=None,
        responses={200: EvaluationDetailSerializer, **NO_BODY_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[*BASE_PERMISSIONS, CanAcknowledge])
    def acknowledge(self, request, pk=None):
        """The evaluated agent confirms having received the feedback (only once it is delivered)."""
        evaluation = self.get_object()
        services.evaluation_acknowledge(evaluation=evaluation, by=request.user)
        return self._detail(evaluation)

    @extend_schema(
        summary="The agent disputes the score",
        request=DisputeInputSerializer,
        responses={201: DisputeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[*BASE_PERMISSIONS, CanDispute])
    def dispute(self, request, pk=None):
        """The evaluated agent disputes delivered feedback, saying why (at least 10 characters) and
        optionally proposing a score; the dispute is routed to an independent reviewer."""
        evaluation = self.get_object()
        data = self._input(DisputeInputSerializer)
        dispute = services.evaluation_dispute(
            evaluation=evaluation, by=request.user, reason=data["reason"], proposed_total=data.get("proposed_total")
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The agent appeals the dispute's decision",
        description="Once, after a first-level decision: a level-2 dispute decided by a manager who neither "
        "scored the call nor reviewed or decided the first dispute. The evaluation is disputed again meanwhile.",
        request=DisputeInputSerializer,
        responses={201: DisputeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[*BASE_PERMISSIONS, CanAppeal])
    def appeal(self, request, pk=None):
        evaluation = self.get_object()
        data = self._input(DisputeInputSerializer)
        dispute = services.evaluation_appeal(
            evaluation=evaluation, by=request.user, reason=data["reason"], proposed_total=data.get("proposed_total")
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Hand the open dispute's re-score to another reviewer",
        description="A manager (not the evaluator or the agent) hands a level-1 dispute's blind re-score to "
        "another eligible QA auditor before it is submitted; an unsubmitted re-score is discarded.",
        request=ReassignReviewerInputSerializer,
        responses={200: DisputeSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="reassign-reviewer",
        permission_classes=[*BASE_PERMISSIONS, CanReassignReviewer],
    )
    def reassign_reviewer(self, request, pk=None):
        evaluation = self.get_object()
        data = self._input(ReassignReviewerInputSerializer)
        dispute = selectors.open_dispute(evaluation)
        if dispute is None:
            raise services.IllegalTransition(_("This evaluation has no open dispute."))
        to = get_user_model().objects.filter(username=data["reviewer"]).first()
        if to is None:  # a reference to nobody: 404 naming the field, as planning's reassignment answers
            raise exceptions.NotFound({"reviewer": [_("There is no user %(u)s.") % {"u": data["reviewer"]}]})
        dispute = services.dispute_reassign_reviewer(dispute=dispute, to=to, by=request.user)
        return Response(DisputeSerializer(dispute).data)

    @extend_schema(
        summary="Resolve the open dispute",
        description="Decides the open dispute: upheld (the score stands) or adjusted (re-scored with the formula; "
        "the original total stays on the dispute and in history). A dispute routed to a reviewer is decided by "
        "that reviewer once their blind re-score is submitted; `adjusted` then applies the re-score's answers, "
        "with any `answers` sent on top. An appeal is decided by a manager who took no part. A dispute nobody was "
        "eligible to review: QA or a manager other than the evaluator. Never the evaluator or the agent.",
        request=RESOLVE_INPUT,
        responses={200: EvaluationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[*BASE_PERMISSIONS, CanResolveDispute])
    def resolve(self, request, pk=None):
        evaluation = self.get_object()
        data = self._input(ResolveInputSerializer)
        services.evaluation_resolve_dispute(
            evaluation=evaluation,
            by=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            answers=self._answers(data["answers"]),
        )
        return self._detail(evaluation)
