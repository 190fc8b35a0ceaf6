"""Serializers of the training-needs and training-sessions API (coaching/api/needs.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.models import Agent
from qa_platform.serializers import InputSerializer, StrictCharField

from ..models import TrainingNeed, TrainingSession
from ..selectors.needs import needs_visible_to, week_label
from ..services.needs import MAX_ATTENDEES


class TrainingNeedSerializer(serializers.ModelSerializer):
    week = serializers.SerializerMethodField(help_text="ISO week, e.g. 2026-W47.")
    problem_label = serializers.CharField(read_only=True, help_text="The criterion's text, or the category's name.")
    is_individual = serializers.BooleanField(read_only=True, help_text="One agent's problem (a coaching plan).")
    rate = serializers.FloatField(read_only=True, help_text="Points lost / points possible, 0–1.")

    class Meta:
        model = TrainingNeed
        fields = [
            "id",
            "week_start",
            "week",
            "group_kind",
            "group_key",
            "group_label",
            "is_individual",
            "agent",
            "dimension",
            "category",
            "scorecard",
            "criterion_text",
            "problem_label",
            "agents_in_group",
            "agents_affected",
            "evaluations",
            "points_lost",
            "points_possible",
            "rate",
            "status",
            "computed_at",
        ]
        read_only_fields = fields

    def get_week(self, obj) -> str:
        return week_label(obj.week_start)


class EvidenceAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rate = serializers.FloatField(help_text="The agent's own loss rate on the problem in the group, 0–1.")
    evaluations = serializers.IntegerField(help_text="n: the agent's evaluations answering it in the group.")
    lost = serializers.FloatField()
    possible = serializers.FloatField()
    counted = serializers.BooleanField(help_text="Enough evaluations to count (the policy's fewest evaluations).")
    affected = serializers.BooleanField(help_text="Counted, and the agent's rate passes the threshold.")


class EvidenceSerializer(serializers.Serializer):
    agents = EvidenceAgentSerializer(many=True, help_text="The agents you may see, highest rate first.")
    hidden_agents = serializers.IntegerField(help_text="Agents of the evidence outside your scope (not named).")
    evaluation_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Evaluations that lost points on it, which you may open."
    )


class TrainingNeedDetailSerializer(TrainingNeedSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta(TrainingNeedSerializer.Meta):
        fields = [*TrainingNeedSerializer.Meta.fields, "evidence"]
        read_only_fields = fields

    def get_evidence(self, obj) -> EvidenceSerializer:
        evidence = self.context["evidence"]
        return EvidenceSerializer(
            {
                "agents": evidence.agents,
                "hidden_agents": evidence.hidden_agents,
                "evaluation_ids": [e.pk for e in evidence.evaluations],
            }
        ).data


class AttendanceSerializer(serializers.Serializer):
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.name")
    attended = serializers.BooleanField(allow_null=True, help_text="null until attendance is taken.")


class WindowSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    n = serializers.IntegerField(help_text="Evaluations of the group answering the problem.")
    agents = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text="Mean per-evaluation loss rate, percent.")
    ci = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, min_length=2, max_length=2, help_text="95 % interval."
    )


class RateChangeSerializer(serializers.Serializer):
    before = WindowSerializer()
    since = WindowSerializer()
    difference = serializers.FloatField(allow_null=True, help_text="since − before, percentage points.")
    difference_ci = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, min_length=2, max_length=2, help_text="Welch 95 % interval."
    )
    verdict = serializers.ChoiceField(choices=["fell", "rose", "no_change", "not_enough"])
    verdict_label = serializers.CharField()


class TrainingSessionSerializer(serializers.ModelSerializer):
    trainer_name = serializers.SerializerMethodField()
    has_attachment = serializers.SerializerMethodField()
    n_attendees = serializers.IntegerField(read_only=True)
    n_attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "need",
            "topic",
            "scheduled_for",
            "location",
            "trainer",
            "trainer_name",
            "materials",
            "has_attachment",
            "status",
            "created_at",
            "held_at",
            "n_attendees",
            "n_attended",
        ]
        read_only_fields = fields

    def get_trainer_name(self, obj) -> str:
        return obj.trainer.get_full_name() or obj.trainer.username

    def get_has_attachment(self, obj) -> bool:
        return bool(obj.attachment)


class TrainingSessionDetailSerializer(TrainingSessionSerializer):
    attendance = serializers.SerializerMethodField(help_text="The attendees you may see (an agent: their own).")
    rate_change = serializers.SerializerMethodField(
        help_text="The group's loss rate before and since the session (null for agents, or without a need)."
    )

    class Meta(TrainingSessionSerializer.Meta):
        fields = [*TrainingSessionSerializer.Meta.fields, "attendance", "rate_change"]
        read_only_fields = fields

    def get_attendance(self, obj) -> AttendanceSerializer(many=True):
        return AttendanceSerializer(self.context["attendance"], many=True).data

    def get_rate_change(self, obj) -> RateChangeSerializer(allow_null=True):
        change = self.context.get("rate_change")
        return None if change is None else RateChangeSerializer(change).data


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": MAX_ATTENDEES})
class AttendeeIds(serializers.ManyRelatedField):
    """Agent ids, at least one: the schema says so (DRF's own field documents no minimum)."""


class TrainingSessionCreateSerializer(InputSerializer):
    need = serializers.PrimaryKeyRelatedField(
        queryset=TrainingNeed.objects.none(),
        required=False,
        allow_null=True,
        help_text="A need common to a group that you may see; it becomes 'scheduled'.",
    )
    topic = StrictCharField(max_length=200)
    scheduled_for = serializers.DateTimeField()
    location = StrictCharField(max_length=120, required=False, allow_blank=True, default="")
    materials = StrictCharField(max_length=20_000, required=False, allow_blank=True, default="")
    attendees = AttendeeIds(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Agent.objects.all()),
        allow_empty=False,
        help_text="Agent ids; at least one, at most 500.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["need"].queryset = needs_visible_to(request.user)

    def validate_attendees(self, value):
        if len(value) > MAX_ATTENDEES:
            raise serializers.ValidationError(_("At most %(n)s attendees.") % {"n": MAX_ATTENDEES})
        return value


class AttendanceItemSerializer(serializers.Serializer):
    agent = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    attended = serializers.BooleanField()


class AttendanceInputSerializer(InputSerializer):
    attendance = AttendanceItemSerializer(
        many=True, max_length=MAX_ATTENDEES, help_text="Who came; an attendee left out did not."
    )
