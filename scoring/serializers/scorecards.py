"""Serializers for the scorecard API (/api/v1/scorecards/, /api/v1/scorecard-versions/)."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.models import LineOfBusiness
from qa_platform.serializers import InputSerializer, StrictBooleanField, StrictCharField

from .. import services
from ..models import (
    Category,
    Criterion,
    CriterionKind,
    RootCause,
    Scorecard,
    ScorecardVersion,
    Section,
    VersionStatus,
)
from ..services.scorecards import MAX_ROOT_CAUSES

# --- output ------------------------------------------------------------------------------------


class ConditionSerializer(serializers.Serializer):
    """Shown only when an earlier criterion has this answer (1/0 for yes/no, 0..k for a scale)."""

    criterion = serializers.IntegerField(
        min_value=0,
        max_value=10_000,
        help_text=_("The earlier criterion's number in the form, from 0 (sections and criteria in order)."),
    )
    value = serializers.IntegerField(
        min_value=0, max_value=10, help_text=_("The answer that shows this criterion: 1 yes, 0 no, or 0..k.")
    )


class CriterionSerializer(serializers.ModelSerializer):
    shown_when = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = [
            "id",
            "text",
            "guidance",
            "kind",
            "scale_max",
            "points",
            "category",
            "allow_na",
            "critical",
            "position",
            "section_fail",
            "comment_on_loss",
            "auto_source",
            "shown_when",
        ]

    @extend_schema_field(ConditionSerializer(allow_null=True))
    def get_shown_when(self, criterion) -> dict | None:
        """The condition as the draft save takes it: the trigger by its form number (null: always shown)."""
        numbers = self.context.get("form_numbers")
        if numbers is None:
            numbers = _form_numbers(criterion.section.version)
            self.context["form_numbers"] = numbers
        trigger = numbers.get(criterion.shown_when_criterion_id)
        if trigger is None or criterion.shown_when_value is None:
            return None
        return {"criterion": trigger, "value": criterion.shown_when_value}


def _form_numbers(version) -> dict[int, int]:
    """Criterion id → its number in the form (0-based, sections and criteria in order)."""
    ids = [c.pk for s in version.sections.all() for c in s.criteria.all()]
    return {pk: n for n, pk in enumerate(ids)}


class SectionSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "weight", "position", "bonus", "criteria"]


class RootCauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = RootCause
        fields = ["id", "text", "agent_controllable"]


class VersionSerializer(serializers.ModelSerializer):
    """A version with its whole structure (sections → criteria), in order."""

    scorecard_name = serializers.CharField(source="scorecard.name", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    sections = SectionSerializer(many=True, read_only=True)
    total_weight = serializers.SerializerMethodField()
    bonus_weight = serializers.SerializerMethodField()
    root_causes = RootCauseSerializer(many=True, read_only=True)
    publish_problems = serializers.SerializerMethodField()

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "scorecard",
            "scorecard_name",
            "number",
            "status",
            "critical_zeroes",
            "notes",
            "created_at",
            "published_at",
            "published_by",
            "total_weight",
            "bonus_weight",
            "sections",
            "root_causes",
            "publish_problems",
        ]

    def to_representation(self, version):
        # One numbering of the criteria per version, for the conditions (from the prefetched rows).
        self.context["form_numbers"] = _form_numbers(version)
        return super().to_representation(version)

    def get_total_weight(self, version) -> int:
        """The weights that share the 100 (bonus sections aside); 100 to publish."""
        return sum(s.weight for s in version.sections.all() if not s.bonus)

    def get_bonus_weight(self, version) -> int:
        """The bonus sections' weights: a score may reach 100 plus this."""
        return sum(s.weight for s in version.sections.all() if s.bonus)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_publish_problems(self, version) -> list[str]:
        """What stops a draft from being published; empty for published and retired versions."""
        if version.status != VersionStatus.DRAFT:
            return []
        return services.scorecard_publish_problems(version)


class VersionSummarySerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    evaluation_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "scorecard",
            "number",
            "status",
            "notes",
            "created_at",
            "published_at",
            "published_by",
            "evaluation_count",
        ]


class ScorecardSerializer(serializers.ModelSerializer):
    lines_of_business = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    versions = VersionSummarySerializer(many=True, read_only=True)
    published_version = serializers.SerializerMethodField()
    draft_version = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "name",
            "description",
            "active",
            "lines_of_business",
            "created_at",
            "published_version",
            "draft_version",
            "versions",
        ]

    @staticmethod
    def _version_id(scorecard, status) -> int | None:
        return next((v.pk for v in scorecard.versions.all() if v.status == status), None)

    def get_published_version(self, scorecard) -> int | None:
        """Id of the version evaluations are scored on now (null before the first publish)."""
        return self._version_id(scorecard, VersionStatus.PUBLISHED)

    def get_draft_version(self, scorecard) -> int | None:
        """Id of the draft being edited, if any."""
        return self._version_id(scorecard, VersionStatus.DRAFT)


# --- input -------------------------------------------------------------------------------------


class ScorecardCreateSerializer(InputSerializer):
    """A code that names no line of business is a 404 on `lines_of_business`."""

    name = StrictCharField(max_length=120)
    description = StrictCharField(required=False, allow_blank=True, default="")
    # A list field (DRF's many=True takes any iterable, an object's keys too).
    lines_of_business = serializers.ListField(
        child=serializers.SlugRelatedField(
            slug_field="code",
            queryset=LineOfBusiness.objects.all(),
            error_messages={"does_not_exist": _("No line of business has code '{value}'.")},
        ),
        required=False,
        default=list,
        help_text=_("Codes of the lines of business scored on this scorecard."),
    )


# The builder shows these next to their inputs: the same words as `services.scorecard_draft_save`.
SCALE_NEEDS_K = _("A scale runs from 0 to k, with k from 1 to 10.")
WEIGHT_REFUSED = _("A weight is a whole number from 1 to 100.")
POINTS_REFUSED = lazy(
    lambda: gettext_now("Points must be a whole number from 1 to %(max)s.") % {"max": services.MAX_POINTS}, str
)()
NUMBER_KEYS = ("required", "null", "invalid", "min_value", "max_value", "max_string_length")


def _all(message, keys=NUMBER_KEYS) -> dict:
    return {key: message for key in keys}


class CriterionInputSerializer(serializers.Serializer):
    default_error_messages = {"invalid": _("Each criterion is an object.")}

    text = StrictCharField(
        max_length=255, error_messages=_all(_("A criterion needs a text."), ("required", "null", "blank"))
    )
    guidance = StrictCharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(
        choices=CriterionKind.choices,
        default=CriterionKind.YES_NO,
        error_messages=_all(_("Type is yes_no or scale."), ("invalid_choice", "null")),
    )
    scale_max = serializers.IntegerField(
        min_value=1,
        max_value=10,
        required=False,
        error_messages=_all(SCALE_NEEDS_K),
        help_text=_("k, for a scale 0..k (required for kind 'scale')."),
    )
    points = serializers.IntegerField(min_value=1, max_value=services.MAX_POINTS, error_messages=_all(POINTS_REFUSED))
    category = serializers.ChoiceField(
        choices=Category.choices,
        default=Category.OTHER,
        error_messages=_all(_("Unknown category '{input}'."), ("invalid_choice",)),
    )
    allow_na = serializers.BooleanField(default=False)
    critical = serializers.BooleanField(default=False)
    section_fail = StrictBooleanField(default=False, help_text=_("Answered no (or 0), the whole section scores 0."))
    comment_on_loss = StrictBooleanField(
        default=False, help_text=_("Submitting needs a comment on this criterion when it loses points.")
    )
    auto_source = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Pre-filled from the call's analysis: rule:<phrase rule code> or measure:<long_silence | long_hold | "
            "agent_interrupted | long_call>; yes / no criteria only. Blank: answered by people."
        ),
    )
    shown_when = ConditionSerializer(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": _("Send the condition as an object with criterion and value, or null.")},
        help_text=_("Shown only when an earlier criterion has this answer; null: always shown. Hidden, it is N/A."),
    )

    def validate(self, attrs):
        if attrs.get("kind") == CriterionKind.SCALE and attrs.get("scale_max") is None:
            raise serializers.ValidationError({"scale_max": [SCALE_NEEDS_K]})
        return attrs


class CriterionInputSchema(OpenApiSerializerExtension):
    """A scale criterion needs its k: `anyOf` yes/no (kind absent or yes_no), or kind scale with scale_max."""

    target_class = CriterionInputSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["anyOf"] = [
            {"properties": {"kind": {"enum": [CriterionKind.YES_NO.value]}}},
            {"properties": {"kind": {"enum": [CriterionKind.SCALE.value]}}, "required": ["kind", "scale_max"]},
        ]
        return schema


class SectionInputSerializer(serializers.Serializer):
    default_error_messages = {"invalid": _("Each section is an object.")}

    title = StrictCharField(
        max_length=120, error_messages=_all(_("A section needs a title."), ("required", "null", "blank"))
    )
    weight = serializers.IntegerField(
        min_value=1,
        max_value=100,
        error_messages=_all(WEIGHT_REFUSED),
        help_text=_("Percent; a version's weights add up to 100 to publish."),
    )
    bonus = StrictBooleanField(
        default=False,
        help_text=_("A bonus section's weight adds points on top of the 100 instead of sharing it."),
    )
    criteria = CriterionInputSerializer(
        many=True,
        required=False,
        error_messages={"not_a_list": _("Send a list of criteria.")},
        help_text=_("In order; none is allowed in a draft."),
    )


ROOT_CAUSES_REFUSED = lazy(
    lambda: gettext_now("Send a list of at most %(n)s root causes.") % {"n": MAX_ROOT_CAUSES}, str
)()


class RootCauseInputSerializer(serializers.Serializer):
    default_error_messages = {"invalid": _("A root cause needs a text.")}

    text = StrictCharField(
        max_length=160, error_messages=_all(_("A root cause needs a text."), ("required", "null", "blank"))
    )
    agent_controllable = StrictBooleanField(
        default=True,
        help_text=_("Within the agent's control: the agent score counts the loss; if not, it is the process's."),
    )


class DraftInputSerializer(serializers.Serializer):
    """The PUT body. The API checks its shape with this serializer, its errors keyed by path
    (sections.0.criteria.1.points) so the builder can show each next to its input; then
    `services.scorecard_draft_save` checks it again (it is also the page's way in) and saves."""

    default_error_messages = {"invalid": _("Send an object with the draft's sections.")}

    critical_zeroes = serializers.BooleanField(
        required=False, error_messages=_all(_("Send true or false."), ("invalid", "null"))
    )
    notes = StrictCharField(required=False, allow_blank=True)
    sections = SectionInputSerializer(
        many=True,
        error_messages={"not_a_list": _("Send a list of sections."), "required": _("Send a list of sections.")},
        help_text=_("In order; replaces the draft's sections."),
    )
    root_causes = RootCauseInputSerializer(
        many=True,
        required=False,
        max_length=MAX_ROOT_CAUSES,
        error_messages={
            "not_a_list": ROOT_CAUSES_REFUSED,
            "max_length": ROOT_CAUSES_REFUSED,
        },
        help_text=_("Why points were lost, offered to the evaluator; replaces the draft's list."),
    )


class PathErrorsSerializer(serializers.Serializer):
    """400: {"sections.0.criteria.1.points": ["Points must be …"], …}."""

    path = serializers.ListField(child=serializers.CharField(), help_text=_("Messages keyed by the path of the input."))


class PublishProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    sections = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("What stops publishing (a draft only).")
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
