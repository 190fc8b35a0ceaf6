"""Serializers of the development review API (/api/v1/development-reviews/).

`DevelopmentReviewRecordSerializer` is what HR gets: that a review happened (agent, half-year, reviewer,
due, held on, status), no text. `DevelopmentReviewSerializer` adds the text and the next steps for those who
may read them (`ReviewAccess.reads_text`); for anyone else the text fields are left out of that
review, so a field is absent rather than blank. The text fields are declared optional in the
schema for that reason.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.models import Agent
from monitoring.selectors import agents_visible_to
from qa_platform.schema import SINGLE_LINE_REQUIRED
from qa_platform.serializers import InputSerializer, StrictBooleanField, StrictCharField, StrictRegexField

from ..models import DevelopmentReview, ReviewStep
from ..permissions.reviews import access_for

PERIOD_PATTERN = r"^(20[0-9]{2}|2100)-H[12]$"
TEXT = ("interests", "skills", "career_direction", "summary", "steps")


class ReviewStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewStep
        fields = ["id", "text", "due_on", "done_on"]
        read_only_fields = fields


class DevelopmentReviewRecordSerializer(serializers.ModelSerializer):
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.name")
    employee_id = serializers.CharField(source="agent.employee_id")
    team = serializers.CharField(source="agent.team.name")
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = DevelopmentReview
        fields = [
            "id",
            "agent",
            "agent_name",
            "employee_id",
            "team",
            "period",
            "reviewer",
            "due_on",
            "held_on",
            "status",
        ]
        read_only_fields = fields


class DevelopmentReviewSerializer(DevelopmentReviewRecordSerializer):
    # Output only; not read-only so that the schema can call them optional (absent for HR).
    interests = serializers.CharField(required=False, help_text=_("Absent unless you may read the review's text."))
    skills = serializers.CharField(required=False, help_text=_("Absent unless you may read the review's text."))
    career_direction = serializers.CharField(required=False, help_text=_("Absent unless you may read the text."))
    summary = serializers.CharField(required=False, help_text=_("Absent unless you may read the review's text."))
    steps = ReviewStepSerializer(many=True, required=False, help_text=_("The agreed next steps; absent like the text."))

    class Meta(DevelopmentReviewRecordSerializer.Meta):
        fields = [*DevelopmentReviewRecordSerializer.Meta.fields, *TEXT]
        read_only_fields = DevelopmentReviewRecordSerializer.Meta.fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not access_for(self.context["request"].user).reads_text(instance):
            for name in TEXT:
                data.pop(name, None)
        return data


class ReviewScheduleSerializer(InputSerializer):
    agent = serializers.PrimaryKeyRelatedField(queryset=Agent.objects.none(), help_text=_("An agent you may see."))
    period = StrictRegexField(PERIOD_PATTERN, max_length=7, help_text=_("The half-year, e.g. 2026-H2."))
    due_on = serializers.DateField(required=False, allow_null=True, help_text=_("Default: the 15th of its last month."))
    reviewer = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Username; default: the team's supervisor."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["agent"].queryset = agents_visible_to(request.user)
        self.fields["reviewer"].queryset = get_user_model().objects.filter(is_active=True)


class ReviewUpdateSerializer(InputSerializer):
    """PATCH: any of these. A `held_on` date records the conversation (status held); null makes
    it scheduled again."""

    reviewer = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.none(), required=False
    )
    due_on = serializers.DateField(required=False)
    held_on = serializers.DateField(required=False, allow_null=True)
    interests = StrictCharField(required=False, allow_blank=True, max_length=10000)
    skills = StrictCharField(required=False, allow_blank=True, max_length=10000)
    career_direction = StrictCharField(required=False, allow_blank=True, max_length=10000)
    summary = StrictCharField(required=False, allow_blank=True, max_length=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = get_user_model().objects.filter(is_active=True)


class ReviewStepInputSerializer(InputSerializer):
    text = StrictRegexField(SINGLE_LINE_REQUIRED, max_length=255)
    due_on = serializers.DateField()


class ReviewStepUpdateSerializer(InputSerializer):
    text = StrictRegexField(SINGLE_LINE_REQUIRED, max_length=255, required=False)
    due_on = serializers.DateField(required=False)
    done = StrictBooleanField(required=False, help_text=_("true: done today (kept if already done)."))


class ReviewHalfYearSerializer(InputSerializer):
    period = StrictRegexField(PERIOD_PATTERN, max_length=7, required=False, help_text=_("Default: this half-year."))
    due_on = serializers.DateField(required=False, allow_null=True)


class ReviewsScheduledSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("Reviews scheduled."))
    period = serializers.CharField()
