from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qa_platform.schema import SINGLE_LINE, SINGLE_LINE_REQUIRED

from .models import Agent, Call, LineOfBusiness, Shift, Team
from .redaction import transcript_for
from .validators import CALL_KEY_SCHEMA_PATTERN

# For the OpenAPI schema only (a JSON Schema pattern has no \A or \Z); ingest validates with
# validators.validate_call_key.
SCHEMA_KEY = RegexValidator(CALL_KEY_SCHEMA_PATTERN)


class LineOfBusinessSerializer(serializers.ModelSerializer):
    class Meta:
        model = LineOfBusiness
        fields = ["id", "code", "name", "active"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$",
        "description": "Wall-clock time in the site's time zone, without an offset, e.g. 08:00:00.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A shift's start or end: a local time of day (OpenAPI's `time` format would need an offset)."""


class ShiftSerializer(serializers.ModelSerializer):
    start = LocalTimeField(read_only=True)
    end = LocalTimeField(read_only=True)

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

    def to_representation(self, call):
        data = super().to_representation(call)
        # Personal data in the transcript is masked unless the reader may see originals.
        if "transcript" in data:
            request = self.context.get("request")
            data["transcript"] = transcript_for(getattr(request, "user", None), data["transcript"])
        return data

    def get_recording_url(self, call) -> str | None:
        if not call.recording:
            return None
        request = self.context.get("request")
        path = f"/api/v1/calls/{call.pk}/recording/"
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601, in the years 2000–2100 (any other year is refused as implausible); without "
        "an offset it is read in TIME_ZONE.",
        "example": "2026-11-20T09:30:00+08:00",
    }
)
class CallStartField(serializers.DateTimeField):
    """A call's start: an ISO 8601 date-time. (The years 2000–2100 are in the description, not a
    `pattern`: a pattern beside `format` leaves generators filtering nearly every date-time.)"""


@extend_schema_field(
    {
        "type": "array",
        "nullable": True,
        "description": "Timed segments, each with `start` and `text` (and `end`, `speaker` if known); times "
        "in seconds from 0 to 86400.",
        "items": {
            "type": "object",
            "required": ["start", "text"],
            "properties": {
                "start": {"type": "number", "minimum": 0, "maximum": 86_400},
                "end": {"type": "number", "minimum": 0, "maximum": 86_400},
                "speaker": {"type": "string"},
                "text": {"type": "string"},
            },
        },
    }
)
class TranscriptField(serializers.JSONField):
    """A call's transcript (`models.validate_transcript`)."""


class CallRowSerializer(serializers.Serializer):
    """Documents one row of the bulk upsert; validation itself is `monitoring.ingest`, shared
    with the CSV import."""

    source = serializers.CharField(
        required=False,
        max_length=32,
        validators=[SCHEMA_KEY],
        help_text=_("Source system; default 'default'. Letters A–Z, digits and . _ - : @ # +."),
    )
    external_id = serializers.CharField(
        max_length=64,
        validators=[SCHEMA_KEY],
        help_text=_(
            "Unique per source: the upsert key. Letters A–Z, digits and . _ - : @ # +, starting with "
            "a letter or a digit (e.g. CALL-2026-000123, genesys:3f2a9c, a UUID)."
        ),
    )
    # What the ingest checks, as the schema says it (the ingest is the validation; these document it).
    agent = serializers.RegexField(
        SINGLE_LINE_REQUIRED, max_length=32, help_text=_("The agent's employee id (an agent that exists).")
    )
    line_of_business = serializers.RegexField(
        SINGLE_LINE_REQUIRED, max_length=32, help_text=_("Line of business code (a line that exists).")
    )
    direction = serializers.ChoiceField(choices=["inbound", "outbound"])
    service_type = serializers.RegexField(SINGLE_LINE, max_length=64, required=False, allow_blank=True)
    start_time = CallStartField()
    talk_seconds = serializers.IntegerField(min_value=0, max_value=86_400)
    hold_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    acw_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    csat = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    nps = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    line = serializers.RegexField(SINGLE_LINE, max_length=32, required=False, allow_blank=True)
    transcript = TranscriptField(required=False, allow_null=True)


class CallRowSchema(OpenApiSerializerExtension):
    """A row with a field the ingest does not know is refused ("Unknown field."): the schema says so."""

    target_class = CallRowSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


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


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class AudioFileField(serializers.FileField):
    """The recording's bytes: not empty, audio by its content (sniffed: WAV, MP3, OGG, FLAC, M4A, AAC, AMR,
    WebM; the declared type is not trusted), at most RECORDING_MAX_BYTES."""


class RecordingUploadSerializer(serializers.Serializer):
    recording = AudioFileField(help_text=_("The audio file (multipart field `recording`)."))
