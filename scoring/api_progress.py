"""Quota progress and assignments in the API (/api/v1/).

- GET quota-progress/agents/?week=2026-W46 — the agent-week rows of the progress page,
  paginated, filterable by team, tier and behind; ordering as the page's sort keys.
- GET quota-progress/lines/?month=2026-11 — the line-month rows.
- GET quota-progress/evaluators/?week=2026-W46 — each evaluator's load (managers, admins, QA).
- GET assignments/ — scoped: managers and admins all, a supervisor their own and their teams'
  agents' calls, QA and trainers their own; filter by evaluator, status, reason, period_start.
- POST assignments/<id>/reassign/ {"to": username} — 200 with the assignment, 400
  {field: [reasons]}, 403 when the requester may not reassign it.

Scope and numbers come from `selectors_progress`, the same functions the pages use; what
"behind" means is written there.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from monitoring import services as monitoring_services
from monitoring.models import MAX_ID, Assignment, AssignmentReason, AssignmentStatus, Tier
from qa_platform.permissions import HasRole

from . import planning
from . import selectors_assignments as assignment_selectors
from . import selectors_progress as progress

# --- serializers ------------------------------------------------------------------------------


class AgentWeekSerializer(serializers.Serializer):
    agent_id = serializers.IntegerField()
    employee_id = serializers.CharField()
    name = serializers.CharField()
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    tier = serializers.CharField(allow_null=True, help_text="null when no tier was computed for the week")
    tier_reason = serializers.CharField(source="reason")
    average = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    evaluations = serializers.IntegerField(help_text="evaluations the trailing average is computed from")
    ci_low = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    ci_high = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    more_samples_advised = serializers.BooleanField(source="straddles")
    target = serializers.IntegerField()
    target_from_tier = serializers.BooleanField()
    assigned = serializers.IntegerField()
    outside_assignments = serializers.IntegerField(source="outside")
    done = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    expected_by_now = serializers.IntegerField(source="expected")
    due_window_start = serializers.DateTimeField(source="window_start", allow_null=True)
    due_window_end = serializers.DateTimeField(source="window_end", allow_null=True)
    progress = serializers.FloatField()
    short = serializers.BooleanField()
    behind_pace = serializers.BooleanField()
    behind = serializers.BooleanField()
    behind_reasons = serializers.ListField(child=serializers.CharField())


class LineMonthSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    policy_id = serializers.IntegerField(allow_null=True)
    policy_is_default = serializers.BooleanField()
    minimum = serializers.IntegerField()
    top_up_limit = serializers.IntegerField(source="cap")
    eligible_calls = serializers.IntegerField(source="eligible")
    assigned = serializers.IntegerField()
    outside_assignments = serializers.IntegerField(source="outside")
    done = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    expected_by_now = serializers.IntegerField(source="expected")
    under_covered = serializers.BooleanField()
    behind_pace = serializers.BooleanField()
    behind = serializers.BooleanField()


class EvaluatorLoadSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    capacity = serializers.IntegerField()
    assigned = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done = serializers.IntegerField()
    double_scoring = serializers.IntegerField()
    over_capacity = serializers.BooleanField()


class AssignmentSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    call_external_id = serializers.CharField(source="call.external_id")
    agent = serializers.CharField(source="call.agent.employee_id")
    team = serializers.CharField(source="call.agent.team.name")
    line_of_business = serializers.CharField(source="call.line_of_business.code")
    evaluator = serializers.CharField(source="evaluator.username")
    week = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "call",
            "call_external_id",
            "agent",
            "team",
            "line_of_business",
            "evaluator",
            "evaluator_role",
            "reason",
            "inclusion_probability",
            "period_start",
            "week",
            "due_at",
            "is_overdue",
            "status",
            "created_at",
            "started_at",
            "completed_at",
        ]

    def get_week(self, obj: Assignment) -> str:
        return progress.week_label(obj.period_start)


class ReassignInputSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="The username of the evaluator who takes the call.")


# --- progress ---------------------------------------------------------------------------------


def _week(request):
    raw = request.query_params.get("week")
    if not raw:
        return planning.last_complete_week()
    week = progress.parse_week(raw)
    if week is None:
        raise exceptions.ValidationError({"week": [_("Give an ISO week like 2026-W46.")]})
    return week


def _bool(request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise exceptions.ValidationError({name: [_("Use true or false.")]})


class _RowsView(GenericAPIView):
    """A paginated list of selector rows (plain objects, not a queryset)."""

    def paginated(self, rows):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


WEEK_PARAM = OpenApiParameter("week", str, description="ISO week, e.g. 2026-W46 (default: the last complete week)")


class AgentProgressView(_RowsView):
    permission_classes = [HasRole.of(*progress.PROGRESS_ROLES)]
    serializer_class = AgentWeekSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Quota progress per agent-week",
        description="Target, assigned, done and behind-schedule flags for each agent the requester may see "
        "(supervisors: their teams' agents). Behind = an overdue open assignment, or assigned + evaluations "
        "outside assignments < target, or done < ⌊target × elapsed share of the due window⌋.",
        parameters=[
            WEEK_PARAM,
            OpenApiParameter("team", int),
            OpenApiParameter("tier", str, enum=[*Tier.values, progress.NO_TIER]),
            OpenApiParameter("behind", bool),
            OpenApiParameter("ordering", str, enum=[*progress.AGENT_SORTS, *(f"-{k}" for k in progress.AGENT_SORTS)]),
        ],
    )
    def get(self, request):
        week = _week(request)
        team = request.query_params.get("team")
        if team not in (None, "") and not (team.isascii() and team.isdigit() and int(team) <= MAX_ID):
            raise exceptions.ValidationError({"team": [_("A team id is a number.")]})
        tier = request.query_params.get("tier") or None
        if tier is not None and tier not in (*Tier.values, progress.NO_TIER):
            raise exceptions.ValidationError({"tier": [_("Unknown tier %(t)s.") % {"t": tier}]})
        rows = progress.agent_week_rows(
            user=request.user,
            week_start=week,
            team=int(team) if team else None,
            tier=tier,
            behind=_bool(request, "behind"),
        )
        rows, _sort = progress.sort_rows(
            rows, request.query_params.get("ordering"), progress.AGENT_SORTS, progress.DEFAULT_AGENT_SORT
        )
        return self.paginated(rows)


class LineProgressView(_RowsView):
    permission_classes = [HasRole.of(*progress.PROGRESS_ROLES)]
    serializer_class = LineMonthSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Quota progress per line-month",
        description="Each line of business's monthly minimum and top-up limit, assigned, done and eligible calls "
        "so far. Behind = assigned + evaluations outside assignments < minimum, or done < the line's "
        "assignments already due (at most the minimum).",
        parameters=[
            OpenApiParameter("month", str, description="e.g. 2026-11 (default: the month of the last complete week)"),
            OpenApiParameter("behind", bool),
        ],
    )
    def get(self, request):
        raw = request.query_params.get("month")
        month = progress.parse_month(raw) if raw else progress.month_of_week(planning.last_complete_week())
        if month is None:
            raise exceptions.ValidationError({"month": [_("Give a month like 2026-11.")]})
        rows = progress.line_month_rows(user=request.user, month=month)
        behind = _bool(request, "behind")
        if behind is not None:
            rows = [r for r in rows if r.behind == behind]
        return self.paginated(rows)


class EvaluatorLoadView(_RowsView):
    permission_classes = [HasRole.of(*progress.LOAD_ROLES)]
    serializer_class = EvaluatorLoadSerializer
    filter_backends: list = []

    @extend_schema(summary="Evaluator load for a week", parameters=[WEEK_PARAM])
    def get(self, request):
        return self.paginated(progress.evaluator_load_rows(week_start=_week(request), now=timezone.now()))


# --- assignments ------------------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    evaluator = django_filters.CharFilter(field_name="evaluator__username", help_text="The evaluator's username.")
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices)
    reason = django_filters.ChoiceFilter(choices=AssignmentReason.choices)
    period_start = django_filters.DateFilter(help_text="The Monday of the monitoring week.")
    agent = django_filters.CharFilter(field_name="call__agent__employee_id", help_text="The agent's employee id.")

    class Meta:
        model = Assignment
        fields = ["evaluator", "status", "reason", "period_start", "agent"]


@extend_schema_view(
    list=extend_schema(
        summary="List assignments",
        description="Managers and admins see all; a supervisor their own and those on their teams' agents' "
        "calls; QA and trainers their own. Agents and HR: 403.",
    ),
    retrieve=extend_schema(summary="An assignment"),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    permission_classes = [HasRole.of(*progress.ASSIGNMENT_ROLES)]
    filterset_class = AssignmentFilter
    ordering_fields = ["due_at", "period_start", "created_at"]
    ordering = ["due_at", "pk"]

    def get_queryset(self):
        return assignment_selectors.assignments_visible_to(self.request.user).order_by("due_at", "pk")

    @extend_schema(
        summary="Reassign an open assignment",
        description="A manager, or the supervisor of the agent's team, hands an open assignment that has not "
        "been started to another evaluator: a QA auditor, a trainer or a supervisor of that team, never the "
        "agent, the current evaluator or someone who already holds the call.",
        request=ReassignInputSerializer,
        responses={
            200: AssignmentSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description='{"to": ["…"]} or {"assignment": ["…"]}'),
            403: OpenApiResponse(description="You may not reassign this assignment."),
            404: OpenApiResponse(description="No such assignment."),
        },
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        # Looked up among all assignments, not the requester's list: whether they may reassign
        # it is the service's decision (403), as on the page.
        assignment = get_object_or_404(
            Assignment.objects.select_related("call", "call__agent", "call__agent__team", "evaluator"), pk=pk
        )
        data = ReassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = get_user_model().objects.filter(username=data.validated_data["to"]).first()
        if to is None:
            raise exceptions.ValidationError({"to": [_("There is no user %(u)s.") % {"u": data.validated_data["to"]}]})
        try:
            updated = monitoring_services.assignment_reassign(assignment=assignment, to=to, by=request.user)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise exceptions.ValidationError(detail) from None
        except IntegrityError:  # a concurrent change gave `to` this call in the meantime
            return Response(
                {"detail": _("This call changed hands in the meantime; look again and retry.")},
                status=status.HTTP_409_CONFLICT,
            )
        fresh = Assignment.objects.select_related(
            "call", "call__agent", "call__agent__team", "call__line_of_business", "evaluator"
        ).get(pk=updated.pk)
        return Response(AssignmentSerializer(fresh).data)
