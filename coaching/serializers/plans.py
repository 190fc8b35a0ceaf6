"""Serializers for the coaching plan API (/api/v1/coaching-plans/, /api/v1/coaching-sessions/).

Input serializers parse and name what they refer to (an agent, an owner, an evaluation, a plan or
a library call you may not see is a 404 naming the field); the rules are the service's
(`services.plans`), whose refusals come back as 400 {field: [reason]} or 403."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.selectors import agents_visible_to
from qa_platform.names import person_name
from qa_platform.serializers import InputSerializer, StrictCharField
from scoring.models import Category, Criterion
from scoring.selectors import evaluations_visible_to

from ..models import CoachingGoal, CoachingPlan, CoachingSession, GoalScope, SessionKind, TrainingNeed
from ..selectors.plans import curated_library_calls, plans_visible_to
from ..services.plans import MAX_GOALS, GoalInput


def _name(user) -> str | None:
    return person_name(user.first_name, user.last_name, user.username) if user is not None else None


# --- output -----------------------------------------------------------------------------------


class CoachingGoalSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text=_("The criterion's text or the category's name."))
    service_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CoachingGoal
        fields = [
            "id",
            "scope",
            "criterion",
            "scorecard",
            "criterion_text",
            "category",
            "label",
            "target",
            "deadline",
            "service_types",
            "notes",
        ]


class CoachingPlanSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    goals = CoachingGoalSerializer(many=True, read_only=True)
    evaluations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    page = serializers.SerializerMethodField(help_text=_("The plan's page."))

    class Meta:
        model = CoachingPlan
        fields = [
            "id",
            "agent",
            "agent_name",
            "owner",
            "owner_name",
            "title",
            "proposal",
            "status",
            "deadline",
            "need",
            "evaluations",
            "goals",
            "created_by",
            "created_at",
            "started_at",
            "completed_at",
            "overdue_at",
            "reminded_at",
            "acknowledged_at",
            "outcome",
            "page",
        ]
        read_only_fields = fields

    def get_owner_name(self, plan) -> str:
        return _name(plan.owner) or ""

    def get_page(self, plan) -> str:
        return reverse("coaching-plan-detail", args=[plan.pk])


class CoachingSessionSerializer(serializers.ModelSerializer):
    held_by_name = serializers.SerializerMethodField()
    attachment = serializers.SerializerMethodField(
        help_text=_("Where to download the attachment (a page for whoever may see the plan), or null.")
    )
    library_calls = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "plan",
            "kind",
            "held_at",
            "held_by",
            "held_by_name",
            "notes",
            "attachment",
            "library_calls",
            "acknowledged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_held_by_name(self, session) -> str:
        return _name(session.held_by) or ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_attachment(self, session) -> str | None:
        return reverse("coaching-session-attachment", args=[session.pk]) if session.attachment else None


# --- input ------------------------------------------------------------------------------------


class _ScopedField(serializers.PrimaryKeyRelatedField):
    """An id among what the requesting user may see (else 404 naming the field)."""

    what = "object"

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "does_not_exist", _("There is no %s {pk_value} that you may see.") % self.what
        )
        kwargs["error_messages"].setdefault("incorrect_type", _("Send the %s's id.") % self.what)
        super().__init__(**kwargs)

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class AgentField(_ScopedField):
    what = "agent"

    def scoped(self, user):
        return agents_visible_to(user)


@extend_schema_field(OpenApiTypes.INT)
class UserField(_ScopedField):
    what = "user"

    def scoped(self, user):
        return get_user_model().objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class EvaluationField(_ScopedField):
    what = "evaluation"

    def scoped(self, user):
        return evaluations_visible_to(user)


@extend_schema_field(OpenApiTypes.INT)
class CriterionField(_ScopedField):
    what = "criterion"

    def scoped(self, user):
        return Criterion.objects.select_related("section__version")


@extend_schema_field(OpenApiTypes.INT)
class NeedField(_ScopedField):
    what = "training need"

    def scoped(self, user):
        return TrainingNeed.objects.all()


@extend_schema_field(OpenApiTypes.INT)
class PlanField(_ScopedField):
    what = "coaching plan"

    def scoped(self, user):
        return plans_visible_to(user)


@extend_schema_field(OpenApiTypes.INT)
class LibraryCallField(_ScopedField):
    what = "library call"

    def scoped(self, user):
        return curated_library_calls()


class CoachingGoalInputSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=GoalScope.choices)
    criterion = CriterionField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("With scope criterion: a criterion of a scorecard the agent has been evaluated on."),
    )
    category = serializers.ChoiceField(
        choices=Category.choices, required=False, allow_blank=True, default="", help_text=_("With scope category.")
    )
    target = serializers.FloatField(min_value=0, max_value=100, help_text=_("Target score, 0–100."))
    deadline = serializers.DateField(help_text=_("Today or later."))
    service_types = serializers.ListField(
        child=StrictCharField(max_length=64),
        required=False,
        default=list,
        max_length=20,
        help_text=_("Service types of the agent's calls that follow-ups sample; empty: where the points were lost."),
    )
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=4000)


class CoachingPlanCreateSerializer(InputSerializer):
    agent = AgentField()
    owner = UserField(help_text=_("A trainer, or a supervisor of the agent's team."))
    title = StrictCharField(max_length=160)
    proposal = StrictCharField(required=False, allow_blank=True, default="", max_length=10000)
    goals = CoachingGoalInputSerializer(many=True, min_length=1, max_length=MAX_GOALS)
    evaluations = serializers.ListField(
        child=EvaluationField(), required=False, default=list, max_length=50, help_text=_("The agent's evaluations.")
    )
    need = NeedField(required=False, allow_null=True, default=None)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["goals"] = [GoalInput(**g) for g in data["goals"]]
        return data


class CoachingPlanUpdateSerializer(InputSerializer):
    title = StrictCharField(max_length=160, required=False)
    proposal = StrictCharField(required=False, allow_blank=True, max_length=10000)
    owner = UserField(required=False, help_text=_("A trainer, or a supervisor of the agent's team."))


class CoachingPlanCompleteSerializer(InputSerializer):
    outcome = StrictCharField(max_length=10000, help_text=_("What the agent achieved, and what remains."))


class CoachingSessionCreateSerializer(InputSerializer):
    plan = PlanField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    held_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=_("Default: now."))
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=10000)
    library_calls = serializers.ListField(
        child=LibraryCallField(), required=False, default=list, max_length=20, help_text=_("Curated library calls.")
    )
