"""Serializers for the evaluations API (/api/v1/evaluations/)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from monitoring.selectors import calls_visible_to
from qa_platform.schema import NOT_BLANK
from qa_platform.serializers import InputSerializer, StrictCharField, StrictRegexField

from .. import formula
from ..models import Answer, Dispute, DisputeChange, DisputeStatus, Evaluation, Kind, Method
from ..services import evaluation_score
from ..services.answers import MAX_OFFSET_SECONDS
from .score import ExplainSerializer, explain


def _summary_field() -> serializers.CharField:
    """The overall comment, as sent (whitespace kept); absent or null leaves it unchanged."""
    return StrictCharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        help_text=_("Absent or null: unchanged."),
    )


# --- output -----------------------------------------------------------------------------------


class EvaluationCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    agent = serializers.CharField(source="agent.employee_id")
    line_of_business = serializers.CharField(source="line_of_business.code")
    start_time = serializers.DateTimeField()


class EvaluationAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_id = serializers.CharField()
    name = serializers.CharField()


class EvaluationVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scorecard = serializers.CharField(source="scorecard.name")
    scorecard_id = serializers.IntegerField()
    number = serializers.IntegerField()


class EvaluationAnswerSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    na = serializers.BooleanField(source="is_na")
    root_cause = serializers.IntegerField(
        source="root_cause_id",
        allow_null=True,
        help_text=_("Why the points were lost: a root cause of the scorecard version (only on a lost answer)."),
    )
    auto_value = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text=_("The answer the call's analysis suggested (1 yes, 0 no); null when it was not pre-filled."),
    )
    auto_source = serializers.CharField(
        read_only=True, help_text=_("Where the automatic answer came from (rule:<code> or measure:<flag>), or blank.")
    )

    class Meta:
        model = Answer
        fields = ["criterion", "value", "na", "comment", "time_offset", "root_cause", "auto_value", "auto_source"]


class DisputeChangeSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")

    class Meta:
        model = DisputeChange
        fields = ["criterion", "before_value", "before_na", "after_value", "after_na"]


class DisputeSerializer(serializers.ModelSerializer):
    """A dispute (level 1) or an appeal of its decision (level 2, `appeal_of`). `reviewer` is the
    auditor a level-1 dispute was routed to (null: nobody was eligible, a manager decides);
    `changes` are the answers the decision changed."""

    raised_by = serializers.CharField(source="raised_by.username")
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True, default=None)
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, default=None)
    appeal_of = serializers.IntegerField(source="appeal_of_id", allow_null=True)
    changes = DisputeChangeSerializer(source="criterion_changes", many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "level",
            "appeal_of",
            "status",
            "reason",
            "proposed_total",
            "raised_by",
            "raised_at",
            "reviewer",
            "review_due_at",
            "resolution",
            "resolved_by",
            "resolved_at",
            "original_total",
            "adjusted_total",
            "changes",
        ]


class EvaluationListSerializer(serializers.ModelSerializer):
    """One row of the list: what a table shows, without answers or the explain block."""

    call = EvaluationCallSerializer()
    agent = EvaluationAgentSerializer()
    evaluator = serializers.CharField(source="evaluator.username")
    version = EvaluationVersionSerializer()
    feedback_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "call",
            "agent",
            "evaluator",
            "evaluator_role",
            "method",
            "kind",
            "status",
            "version",
            "total",
            "agent_score",
            "critical_failed",
            "summary",
            "submitted_at",
            "feedback_due_at",
            "feedback_delivered_at",
            "feedback_late",
            "acknowledged_at",
            "disputed_at",
            "resolved_at",
        ]
        extra_kwargs = {
            "total": {"help_text": _("The interaction's quality: every lost point counts.")},
            "agent_score": {
                "help_text": _(
                    "The agent's score: lost points whose root cause is outside the agent's control count as N/A."
                )
            },
        }


class EvaluationDetailSerializer(EvaluationListSerializer):
    """An evaluation with its answers, its explain block and its disputes.

    Expects `selectors.with_scorecard()`: answers, sections, criteria and disputes prefetched,
    so the number of queries does not depend on the size of the scorecard.
    """

    answers = EvaluationAnswerSerializer(many=True)
    score = serializers.SerializerMethodField()
    disputes = DisputeSerializer(many=True)

    class Meta(EvaluationListSerializer.Meta):
        fields = [*EvaluationListSerializer.Meta.fields, "answers", "score", "disputes"]

    @extend_schema_field(ExplainSerializer)
    def get_score(self, evaluation: Evaluation) -> dict:
        return explain(evaluation_score(evaluation))


class DraftSavedSerializer(serializers.Serializer):
    saved_at = serializers.DateTimeField(help_text=_("With the center's offset (TIME_ZONE)."))
    saved_time = serializers.SerializerMethodField(
        help_text=_("The saved time as the scoring page shows it (H:i:s), in the center's time zone.")
    )
    score = ExplainSerializer()

    def get_saved_time(self, data: dict) -> str:
        # The page's own "Saved 07:50:56" (templates/scoring/score.html, |time:"H:i:s"), written by
        # the server so the browser's time zone never enters: every time shown is the center's.
        return formats.time_format(timezone.localtime(data["saved_at"]), "H:i:s")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- input ------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [formula.NA]}],
        "nullable": True,
        "description": 'A whole number (yes/no: 1 or 0; scale: 0…k), "na", or null for unanswered.',
    }
)
class AnswerValueField(serializers.JSONField):
    pass


class AnswerInputSerializer(serializers.Serializer):
    """Documents one answer; `services.parse_answers` validates them (one rule for pages and API)."""

    criterion = serializers.IntegerField()
    value = AnswerValueField(allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    time_offset = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_OFFSET_SECONDS,
        help_text=_("Seconds into the recording, 0 to 86400."),
    )
    root_cause = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("A root cause of the scorecard version, for a lost answer (ignored on one that lost nothing)."),
    )


@extend_schema_field(AnswerInputSerializer(many=True))
class AnswersField(serializers.JSONField):
    """Passed through as sent; the view hands it to `services.parse_answers`, whose errors name
    the answer (`answers.0`) or the criterion (`criterion.12`)."""


@extend_schema_field(OpenApiTypes.INT)
class VisibleCallField(serializers.PrimaryKeyRelatedField):
    """A call the requesting user may see (`calls_visible_to`); any other id is a 400 on `call`."""

    default_error_messages = {
        "does_not_exist": _("There is no call {pk_value} that you may evaluate."),
        "incorrect_type": _("Send the call's id."),
    }

    def get_queryset(self):
        return calls_visible_to(self.context["request"].user)


class EvaluationStartSerializer(InputSerializer):
    """A call that does not exist or that you may not see is a 404 on `call`."""

    call = VisibleCallField()
    method = serializers.ChoiceField(choices=Method.choices, default=Method.RECORDING)
    kind = serializers.ChoiceField(
        choices=[(Kind.REGULAR, Kind.REGULAR.label), (Kind.SELF, Kind.SELF.label)], default=Kind.REGULAR
    )


class DraftInputSerializer(serializers.Serializer):
    answers = AnswersField(required=False, default=list)
    summary = _summary_field()


class SubmitInputSerializer(serializers.Serializer):
    answers = AnswersField(
        required=False, allow_null=True, default=None, help_text=_("Answers to store before submitting (optional).")
    )
    summary = _summary_field()
    deliver_feedback = serializers.BooleanField(
        default=True,
        help_text=_("Deliver the feedback to the agent now (default): the written evaluation is the feedback."),
    )


DISPUTE_REASON_MIN = 10
# At least DISPUTE_REASON_MIN characters once the surrounding whitespace is stripped.
DISPUTE_REASON_PATTERN = f"{NOT_BLANK}[\\s\\S]{{{DISPUTE_REASON_MIN - 2},}}{NOT_BLANK}"


class DisputeInputSerializer(serializers.Serializer):
    # Every refusal says what the service says: why, and how long.
    reason = StrictRegexField(
        DISPUTE_REASON_PATTERN,
        min_length=DISPUTE_REASON_MIN,
        error_messages={
            key: _("Say why you dispute this score (at least 10 characters).")
            for key in ("required", "blank", "invalid", "min_length", "null")
        },
        help_text=_("Why the score is wrong: at least 10 characters."),
    )
    # A number (the service keeps one decimal, rounded half up): a DecimalField would document a
    # string pattern that "-" satisfies.
    proposed_total = serializers.FloatField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("The score the agent thinks is right, 0–100, kept to one decimal (optional)."),
    )


class ReassignReviewerInputSerializer(serializers.Serializer):
    reviewer = StrictCharField(help_text=_("Username of an eligible QA auditor (no hand in the call)."))


def _resolve_reason() -> serializers.CharField:
    return StrictCharField(
        error_messages={key: _("Give the reason for the decision.") for key in ("required", "blank", "null")},
        help_text=_("Why the score stands or changes."),
    )


class ResolveInputSerializer(serializers.Serializer):
    """Validates the body; the schema shows it as one of its two shapes (`RESOLVE_INPUT`)."""

    outcome = serializers.ChoiceField(choices=[DisputeStatus.UPHELD, DisputeStatus.ADJUSTED])
    reason = _resolve_reason()
    answers = AnswersField(
        required=False, allow_null=True, default=None, help_text=_("With 'adjusted': the answers that change.")
    )


class UpheldInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[DisputeStatus.UPHELD])
    reason = _resolve_reason()


@extend_schema_field({"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/AnswerInputRequest"}})
class ChangedAnswersField(serializers.JSONField):
    pass


class AdjustedInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[DisputeStatus.ADJUSTED])
    reason = _resolve_reason()
    answers = ChangedAnswersField(help_text=_("The answers that change: at least one; the result is re-scored."))


# Upheld, or adjusted with at least one changed answer.
RESOLVE_INPUT = PolymorphicProxySerializer(
    component_name="ResolveInput",
    serializers={
        DisputeStatus.UPHELD.value: UpheldInputSerializer,
        DisputeStatus.ADJUSTED.value: AdjustedInputSerializer,
    },
    resource_type_field_name="outcome",
)
