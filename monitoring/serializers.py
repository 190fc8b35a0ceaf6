from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Agent, Call, LineOfBusiness, Shift, Team


class LineOfBusinessSerializer(serializers.ModelSerializer):
    class Meta:
        model = LineOfBusiness
        fields = ["id", "code", "name", "active"]


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shift
        fields = ["id", "code", "name", "start", "end", "priority"]


class TeamSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.name")
    lines_of_business = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "site", "lines_of_business"]


class AgentSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name")

    class Meta:
        model = Agent
        fields = ["id", "employee_id", "name", "team", "hire_date", "active", "monitoring_notified_on"]


class CallSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.employee_id")
    line_of_business = serializers.CharField(source="line_of_business.code")
    shift = serializers.CharField(source="shift.code", allow_null=True, default=None)
    has_recording = serializers.BooleanField(read_only=True)
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "source",
            "external_id",
            "agent",
            "line_of_business",
            "direction",
            "service_type",
            "start_time",
            "shift",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
            "csat",
            "nps",
            "line",
            "has_recording",
            "recording_url",
            "transcript",
        ]

    def get_recording_url(self, call) -> str | None:
        if not call.recording:
            return None
        request = self.context.get("request")
        path = f"/api/v1/calls/{call.pk}/recording/"
        return request.build_absolute_uri(path) if request else path


class CallRowSerializer(serializers.Serializer):
    """Documents one row of the bulk upsert; validation itself is `monitoring.ingest`, shared
    with the CSV import."""

    source = serializers.CharField(required=False, help_text=_("Source system; default 'default'."))
    external_id = serializers.CharField(help_text=_("Unique per source: the upsert key."))
    agent = serializers.CharField(help_text=_("The agent's employee id."))
    line_of_business = serializers.CharField(help_text=_("Line of business code."))
    direction = serializers.ChoiceField(choices=["inbound", "outbound"])
    service_type = serializers.CharField(required=False)
    start_time = serializers.DateTimeField()
    talk_seconds = serializers.IntegerField(min_value=0)
    hold_seconds = serializers.IntegerField(min_value=0, required=False)
    acw_seconds = serializers.IntegerField(min_value=0, required=False)
    csat = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    nps = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    line = serializers.CharField(required=False)
    transcript = serializers.JSONField(required=False, allow_null=True)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    reason = serializers.CharField()


class BulkUpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class BulkUpsertErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = RowErrorSerializer(many=True)


class RecordingUploadSerializer(serializers.Serializer):
    recording = serializers.FileField()
