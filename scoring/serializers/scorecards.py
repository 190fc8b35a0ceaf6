"""Serializers for the scorecard API (/api/v1/scorecards/, /api/v1/scorecard-versions/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.models import LineOfBusiness

from .. import services
from ..models import Category, Criterion, CriterionKind, Scorecard, ScorecardVersion, Section, VersionStatus

# --- output ------------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
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
        ]


class SectionSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "weight", "position", "criteria"]


class VersionSerializer(serializers.ModelSerializer):
    """A version with its whole structure (sections → criteria), in order."""

    scorecard_name = serializers.CharField(source="scorecard.name", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    total_weight = serializers.SerializerMethodField()
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
            "sections",
            "publish_problems",
        ]

    def get_total_weight(self, version) -> int:
        return sum(s.weight for s in version.sections.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_publish_problems(self, version) -> list[str]:
        """What stops a draft from being published; empty for published and retired versions."""
        if version.status != VersionStatus.DRAFT:
            return []
        return services.scorecard_publish_problems(version)


class VersionSummarySerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
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


class ScorecardCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lines_of_business = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=LineOfBusiness.objects.all(),
        help_text=_("Codes of the lines of business scored on this scorecard."),
    )


class CriterionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=255)
    guidance = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CriterionKind.choices, default=CriterionKind.YES_NO)
    scale_max = serializers.IntegerField(
        min_value=1, max_value=10, required=False, help_text=_("k, for a scale 0..k (required for kind 'scale').")
    )
    points = serializers.IntegerField(min_value=1, max_value=services.MAX_POINTS)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    allow_na = serializers.BooleanField(default=False)
    critical = serializers.BooleanField(default=False)


class SectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    weight = serializers.IntegerField(
        min_value=1, max_value=100, help_text=_("Percent; a version's weights add up to 100 to publish.")
    )
    criteria = CriterionInputSerializer(many=True)


class DraftInputSerializer(serializers.Serializer):
    """Documents the PUT body. Validation is `services.scorecard_draft_save`, which names each error
    by its path (sections.0.criteria.1.points) so the builder can show it next to the input."""

    critical_zeroes = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    sections = SectionInputSerializer(many=True, help_text=_("In order; replaces the draft's sections."))


class PathErrorsSerializer(serializers.Serializer):
    """400: {"sections.0.criteria.1.points": ["Points must be …"], …}."""

    path = serializers.ListField(child=serializers.CharField(), help_text=_("Messages keyed by the path of the input."))


class PublishProblemsSerializer(serializers.Serializer):
    sections = serializers.ListField(child=serializers.CharField())


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
