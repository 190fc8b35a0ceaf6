"""Quota progress and assignments in the API (/api/v1/).

- GET quota-progress/agents/?week=2026-W46 — the agent-week rows of the progress page,
  paginated, filterable by team, tier and behind; ordering as the page's sort keys.
- GET quota-progress/lines/?month=2026-11 — the line-month rows.
- GET quota-progress/evaluators/?week=2026-W46 — each evaluator's load (managers, admins, QA).
- GET assignments/ — scoped: managers and admins all, a supervisor their own and their teams'
  agents' calls, QA and trainers their own; filter by evaluator, status, reason, period_start.
- POST assignments/<id>/reassign/ {"to": username} — 200 with the assignment, 400
  {field: [reasons]}, 403 when the requester may not reassign it, 404 for no such assignment or
  no user `to` ({"to": [reason]}).

- GET/PUT/PATCH quota-policies/ — the center default and each line's override; managers and
  admins change them through the same service as the page.

Scope and numbers come from `selectors.progress`, the same functions the pages use; what
"behind" means is written there. Who may reassign is `permissions.reassign_refusal`, asked by
the service (a refusal is a 403 here and on the page). Errors go through the project's one
exception handler (qa_platform/errors.py): a service's ValidationError is a 400 {field: [reason]}.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from monitoring.models import MAX_ID, Assignment, AssignmentReason, AssignmentStatus
from qa_platform.permissions import HasRole
from qa_platform.schema import LOOKUP_ID, MONTH_PATTERN, WEEK_PATTERN, refusal

from .models import QuotaPolicy, Tier
from .periods import last_complete_week, month_of_week, parse_iso_week, parse_month
from .permissions import ASSIGNMENT_ROLES, LOAD_ROLES, PROGRESS_ROLES, CanReadOrEditPolicies
from .selectors import progress
from .selectors.assignments import assignment_for_page, assignments_visible_to
from .selectors.load import evaluator_load_rows
from .serializers import (
    AgentWeekSerializer,
    AssignmentSerializer,
    EvaluatorLoadSerializer,
    LineMonthSerializer,
    QuotaPolicySerializer,
    ReassignInputSerializer,
)
from .services import policies as policy_services
from .services.assignments import assignment_reassign

# --- progress ---------------------------------------------------------------------------------


def _week(request):
    raw = request.query_params.get("week")
    if not raw:
        return last_complete_week()
    week = parse_iso_week(raw)
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


class _RowsView(mixins.ListModelMixin, GenericAPIView):
    """A paginated list of selector rows (plain objects, not a queryset). `get` is each view's
    own; ListModelMixin tells the schema the answer is a page of rows (count, next, results)."""

    def paginated(self, rows):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


WEEK_PARAM = OpenApiParameter(
    "week",
    {"type": "string", "pattern": WEEK_PATTERN},
    description="ISO week of the years 2000-2100, e.g. 2026-W46 (W53 where the year has one; default: the last "
    "complete week)",
)


class AgentProgressView(_RowsView):
    permission_classes = [HasRole.of(*PROGRESS_ROLES)]
    serializer_class = AgentWeekSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Quota progress per agent-week",
        description="Target, assigned, done and behind-schedule flags for each agent the requester may see "
        "(supervisors: their teams' agents). Behind = an overdue open assignment, or (once the week is sampled) "
        "assigned + evaluations outside assignments < target, or done < the assignments already due (at most the "
        "target). A week not sampled yet, or whose work is not due yet, is not behind; `progress_state` and "
        "`progress_state_label` say what the progress page says.",
        parameters=[
            WEEK_PARAM,
            OpenApiParameter(
                "team", {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID}, description="A team id"
            ),
            OpenApiParameter("tier", str, enum=[*Tier.values, progress.NO_TIER]),
            OpenApiParameter("behind", bool),
            OpenApiParameter(
                "ordering",
                str,
                description=f"One of {', '.join(progress.AGENT_SORTS)}, with '-' for descending; any other value "
                f"sorts by the default, {progress.DEFAULT_AGENT_SORT}.",
            ),
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
    permission_classes = [HasRole.of(*PROGRESS_ROLES)]
    serializer_class = LineMonthSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Quota progress per line-month",
        description="Each line of business's monthly minimum and top-up limit, assigned, done and eligible calls "
        "so far. Behind = (once the month is sampled) assigned + evaluations outside assignments < minimum, or "
        "done < the line's assignments already due (at most the minimum). The top-up limit caps what line top-up "
        "sampling adds (top_up_added), not how many of the line's calls are evaluated; `progress_label`, "
        "`progress_state` and `progress_state_label` say what the progress page says.",
        parameters=[
            OpenApiParameter(
                "month",
                {"type": "string", "pattern": MONTH_PATTERN},
                description="e.g. 2026-11 (default: the month of the last complete week)",
            ),
            OpenApiParameter("behind", bool),
        ],
    )
    def get(self, request):
        raw = request.query_params.get("month")
        month = parse_month(raw) if raw else month_of_week(last_complete_week())
        if month is None:
            raise exceptions.ValidationError({"month": [_("Give a month like 2026-11.")]})
        rows = progress.line_month_rows(user=request.user, month=month)
        behind = _bool(request, "behind")
        if behind is not None:
            rows = [r for r in rows if r.behind == behind]
        return self.paginated(rows)


class EvaluatorLoadView(_RowsView):
    permission_classes = [HasRole.of(*LOAD_ROLES)]
    serializer_class = EvaluatorLoadSerializer
    filter_backends: list = []

    @extend_schema(summary="Evaluator load for a week", parameters=[WEEK_PARAM])
    def get(self, request):
        return self.paginated(evaluator_load_rows(week_start=_week(request), now=timezone.now()))


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
    lookup_value_regex = LOOKUP_ID
    serializer_class = AssignmentSerializer
    permission_classes = [HasRole.of(*ASSIGNMENT_ROLES)]
    filterset_class = AssignmentFilter
    ordering_fields = ["due_at", "period_start", "created_at"]
    ordering = ["due_at", "pk"]

    def get_queryset(self):
        return assignments_visible_to(self.request.user).order_by("due_at", "pk")

    @extend_schema(
        summary="Reassign an open assignment",
        description="A manager, or the supervisor of the agent's team, hands an open assignment that has not "
        "been started to another evaluator: a QA auditor, a trainer or a supervisor of that team, never the "
        "agent, the current evaluator or someone who already holds the call.",
        request=ReassignInputSerializer,
        responses={
            200: AssignmentSerializer,
            400: refusal(
                'Who may take it: {"to": ["…"]} (not QA, a trainer or a supervisor of the team; the current '
                'evaluator; someone who holds the call) or {"assignment": ["…"]} (not open, or started).',
                fields=True,
                detail=False,
            ),
            403: refusal("You may not reassign this assignment."),
            404: refusal('No such assignment ({"detail": …}), or no user named `to` ({"to": ["…"]}).', fields=True),
            409: refusal("The call changed hands in the meantime; look again and retry."),
        },
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        # Looked up among all assignments, not the requester's list: whether they may reassign
        # it is the service's decision (403), as on the page.
        assignment = assignment_for_page(pk)
        data = ReassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = get_user_model().objects.filter(username=data.validated_data["to"]).first()
        if to is None:
            raise exceptions.NotFound({"to": [_("There is no user %(u)s.") % {"u": data.validated_data["to"]}]})
        updated = assignment_reassign(assignment=assignment, to=to, by=request.user)
        return Response(AssignmentSerializer(assignment_for_page(updated.pk)).data)


# --- quota policies ---------------------------------------------------------------------------

UPDATE_DOC = (
    "Managers and administrators only (others: 403). Every number of the policy is validated as on the page: "
    "the QA, supervisor and trainer shares must add up to 100, the line top-up limit cannot be below the "
    "minimum, and the tier thresholds must fall (excellent > good > needs improvement). A broken rule answers "
    '400 with the field and the reason, e.g. {"share_qa": ["The QA, supervisor and trainer shares must add up '
    "to 100 %.\"]}, and nothing is saved. Every change is kept in the policy's history with who made it."
)


@extend_schema_view(
    list=extend_schema(summary="List quota policies", description="The center default and each line's override."),
    retrieve=extend_schema(summary="A quota policy"),
    update=extend_schema(
        summary="Replace a quota policy's numbers",
        description=UPDATE_DOC,
        responses={200: QuotaPolicySerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 403: None},
    ),
    partial_update=extend_schema(
        summary="Change some of a quota policy's numbers",
        description=UPDATE_DOC,
        responses={200: QuotaPolicySerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 403: None},
    ),
)
class QuotaPolicyViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = LOOKUP_ID
    serializer_class = QuotaPolicySerializer
    permission_classes = [CanReadOrEditPolicies]
    queryset = QuotaPolicy.objects.select_related("line_of_business").order_by("line_of_business__name", "pk")
    filterset_fields = ["line_of_business"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def perform_update(self, serializer) -> None:
        policy = QuotaPolicy.objects.select_related("line_of_business").get(pk=serializer.instance.pk)
        serializer.instance = policy_services.quota_policy_update(
            policy=policy, values=dict(serializer.validated_data), by=self.request.user
        )
