"""Serializers of the call library API (/api/v1/library-calls/).

Output: an entry as its page shows it — an agent reading another agent's call gets `agent: null`
(`permissions.library.shows_agent_name`). Input: marking names the evaluation (one you may see,
else 404) and optionally a criterion of its scorecard; the moment is seconds into the call.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qa_platform.schema import SINGLE_LINE_REQUIRED
from qa_platform.serializers import (
    InputSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictFloatField,
    StrictRegexField,
)
from scoring.models import Category, Criterion, Evaluation
from scoring.selectors import evaluations_visible_to

from ..models import LibraryCall, LibraryKind
from ..permissions.library import shows_agent_name
from ..services.library import MAX_OFFSET, format_offset


class LibraryAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    employee_id = serializers.CharField()


class LibraryCallSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id", help_text=_("The call's id (its recording: recording_url)."))
    evaluation = serializers.IntegerField(source="evaluation_id", allow_null=True)
    agent = serializers.SerializerMethodField(help_text=_("Whose call; null for an agent reading another agent's."))
    line_of_business = serializers.CharField(source="call.line_of_business.code")
    has_recording = serializers.SerializerMethodField()
    moment = serializers.SerializerMethodField(help_text=_("The moment as m:ss (or h:mm:ss); blank when none."))
    marked_by = serializers.CharField(source="marked_by.username")
    curated_by = serializers.CharField(source="curated_by.username", allow_null=True, default=None)
    recording_url = serializers.SerializerMethodField(help_text=_("Where to listen (Range supported, listens logged)."))
    # Blank when the entry names no category (the model allows it): the schema says so too.
    category = serializers.ChoiceField(choices=Category.choices, allow_blank=True, read_only=True)

    class Meta:
        model = LibraryCall
        fields = [
            "id",
            "call",
            "evaluation",
            "agent",
            "line_of_business",
            "kind",
            "title",
            "note",
            "time_offset",
            "moment",
            "category",
            "criterion_text",
            "has_recording",
            "recording_url",
            "curated",
            "marked_by",
            "marked_at",
            "curated_by",
            "curated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LibraryAgentSerializer(allow_null=True))
    def get_agent(self, entry):
        user = self.context["request"].user
        if not shows_agent_name(entry, user):
            return None
        agent = entry.call.agent
        return {"id": agent.pk, "name": agent.name, "employee_id": agent.employee_id}

    def get_has_recording(self, entry) -> bool:
        return bool(entry.call.recording)

    def get_moment(self, entry) -> str:
        return format_offset(entry.time_offset)

    def get_recording_url(self, entry) -> str | None:
        from django.urls import reverse

        return reverse("coaching-library-recording", args=[entry.pk]) if entry.call.recording else None


class _EntryFields(InputSerializer):
    title = StrictRegexField(SINGLE_LINE_REQUIRED, max_length=160)
    note = StrictCharField(max_length=5000)
    time_offset = StrictFloatField(
        min_value=0,
        max_value=MAX_OFFSET,
        required=False,
        allow_null=True,
        help_text=_("Seconds into the call where the player starts; within the call's talk and hold time."),
    )
    category = serializers.ChoiceField(
        choices=Category.choices,
        allow_blank=True,
        required=False,
        help_text=_("Blank: the criterion's category, if a criterion is given."),
    )
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=Criterion.objects.select_related("section"),
        required=False,
        allow_null=True,
        help_text=_("A criterion of the evaluation's scorecard version."),
    )


class LibraryMarkSerializer(_EntryFields):
    evaluation = serializers.PrimaryKeyRelatedField(
        queryset=Evaluation.objects.none(), help_text=_("The evaluation the call is marked from (one you may see).")
    )
    kind = serializers.ChoiceField(choices=LibraryKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            visible = evaluations_visible_to(request.user)
            self.fields["evaluation"].queryset = visible.select_related("calibration_item__session")


class LibraryEditSerializer(_EntryFields):
    """PATCH: any of these; `curated` (trainers and managers) accepts the entry or takes it out."""

    kind = serializers.ChoiceField(choices=LibraryKind.choices, required=False)
    curated = StrictBooleanField(required=False, help_text=_("Trainers and managers: in the library or not."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "note"):
            self.fields[name].required = False
