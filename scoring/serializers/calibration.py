"""Serializers for the calibration session API (/api/v1/calibration-sessions/,
/api/v1/calibration-items/).

A session's detail is `selectors_calibration_sessions.session_overview` as JSON — the same
object the session page renders — so the rule "no answers or totals before the reveal" is the
selector's, once: before it, `scores`, `spread` and `consensus` are null for every call.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.models import LineOfBusiness
from monitoring.selectors import calls_visible_to
from qa_platform.serializers import InputSerializer, StrictCharField

from .. import formula
from ..models import CalibrationSession, ItemReason, Status
from ..selectors_calibration_sessions import DRAFT, NOT_STARTED, SUBMITTED, SessionOverview
from ..services.calibration import MAX_CALLS, MAX_PARTICIPANTS
from .evaluations import AnswersField

PROGRESS_CHOICES = [(NOT_STARTED, "not started"), (DRAFT, "draft"), (SUBMITTED, "submitted")]


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- output -----------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    """A session with its progress (`sessions_visible_to`'s annotations)."""

    line_of_business = serializers.CharField(source="line_of_business.code", allow_null=True, default=None)
    facilitator = serializers.CharField(source="facilitator.username", allow_null=True, default=None)
    n_items = serializers.IntegerField(help_text=_("Calls in the session."))
    n_participants = serializers.IntegerField()
    n_submitted = serializers.IntegerField(help_text=_("Scores submitted, of n_expected."))
    n_expected = serializers.IntegerField(help_text=_("Calls × participants."))
    is_participant = serializers.BooleanField(help_text=_("You take part."))
    my_submitted = serializers.IntegerField(help_text=_("Calls you have submitted."))

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "title",
            "status",
            "line_of_business",
            "week_start",
            "scheduled_at",
            "tolerance",
            "facilitator",
            "proposed_automatically",
            "notes",
            "n_items",
            "n_participants",
            "n_submitted",
            "n_expected",
            "is_participant",
            "my_submitted",
            "created_at",
            "started_at",
            "revealed_at",
            "closed_at",
        ]


class ParticipantSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField(help_text=_("The role they score in: qa, supervisor, trainer or manager."))
    submitted = serializers.IntegerField(help_text=_("Calls submitted."))


class ProgressSerializer(serializers.Serializer):
    participant = serializers.CharField(help_text=_("Username."))
    state = serializers.ChoiceField(choices=PROGRESS_CHOICES)


class ItemCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    agent = serializers.CharField(help_text=_("The agent's employee id."))
    line_of_business = serializers.CharField()
    start_time = serializers.DateTimeField()


class ItemVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scorecard = serializers.CharField()
    number = serializers.IntegerField()


class OwnEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=PROGRESS_CHOICES)


class RevealedAnswerSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True, help_text=_("Null when N/A or unanswered."))
    na = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class RevealedScoreSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField()
    evaluator = serializers.CharField(help_text=_("Username."))
    total = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    critical_failed = serializers.BooleanField()
    summary = serializers.CharField(allow_blank=True)
    answers = RevealedAnswerSerializer(many=True)


class CriterionSpreadSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    n = serializers.IntegerField(help_text=_("Answers with points (N/A left out)."))
    low = serializers.FloatField(allow_null=True, help_text=_("Lowest points earned on the criterion."))
    high = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True, help_text=_("Sample standard deviation; null below n = 2."))
    proposed = serializers.CharField(
        allow_blank=True, help_text=_('The consensus the form proposes: "1", "0", "3", "na"; "" for a tie.')
    )


class SpreadSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text=_("Submitted totals."))
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text=_("The mean's 95 % interval; null below n = 2.")
    )
    criteria = CriterionSpreadSerializer(many=True)


class ConsensusAnswerSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True)
    na = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class ConsensusSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=4, decimal_places=1)
    critical_failed = serializers.BooleanField()
    notes = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_null=True, help_text=_("Username."))
    at = serializers.DateTimeField()
    answers = ConsensusAnswerSerializer(many=True)


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=ItemReason.choices)
    call = ItemCallSerializer()
    version = ItemVersionSerializer()
    progress = ProgressSerializer(many=True)
    my_evaluation = OwnEvaluationSerializer(allow_null=True, help_text=_("Yours, when you have started it."))
    scores = RevealedScoreSerializer(
        many=True, allow_null=True, help_text=_("Every submitted score side by side: null until the reveal.")
    )
    spread = SpreadSerializer(allow_null=True, help_text=_("Null until the reveal."))
    consensus = ConsensusSerializer(allow_null=True, help_text=_("The agreed answers, once recorded."))


class SessionDetailSerializer(SessionSerializer):
    """`SessionDetailSerializer(overview=session_overview(session, user))`."""

    revealed = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "revealed", "participants", "items"]

    def __init__(self, instance=None, *, overview: SessionOverview | None = None, **kwargs):
        self.overview = overview
        super().__init__(overview.session if overview is not None else instance, **kwargs)

    @extend_schema_field(
        {"type": "boolean", "description": "Answers and totals are shown: the session is revealed or closed."}
    )
    def get_revealed(self, session) -> bool:
        return self.overview.revealed

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, session) -> list[dict]:
        return [
            {"username": p.user.username, "name": _name(p.user), "role": p.participant.role, "submitted": p.n_submitted}
            for p in self.overview.participants
        ]

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, session) -> list[dict]:
        return [item_data(self.overview, view) for view in self.overview.items]


def _value(key: str) -> int | None:
    return None if key in ("", formula.NA) else int(key)


def item_data(overview: SessionOverview, view) -> dict:
    item, call = view.item, view.item.call
    usernames = [p.user.username for p in overview.participants]
    data = {
        "id": item.pk,
        "position": item.position,
        "reason": item.reason,
        "call": {
            "id": call.pk,
            "external_id": call.external_id,
            "agent": call.agent.employee_id,
            "line_of_business": call.line_of_business.code,
            "start_time": call.start_time,
        },
        "version": {"id": item.version_id, "scorecard": item.version.scorecard.name, "number": item.version.number},
        "progress": [{"participant": u, "state": s} for u, s in zip(usernames, view.states, strict=True)],
        "my_evaluation": {"id": view.my_evaluation_id, "state": view.my_state} if view.my_evaluation_id else None,
        "scores": None,
        "spread": None,
        "consensus": None,
    }
    s = view.scores
    if s is None:  # before the reveal: progress only (selectors_calibration_sessions.scores_shown)
        return ItemSerializer(data).data
    rows = s.rows
    data["scores"] = [
        {
            "evaluation": col.evaluation_id,
            "evaluator": col.user.username,
            "total": col.total,
            "critical_failed": col.critical_failed,
            "summary": col.summary,
            "answers": [
                {
                    "criterion": r.criterion.pk,
                    "value": _value(r.cells[j].key),
                    "na": r.cells[j].key == formula.NA,
                    "comment": r.cells[j].comment,
                }
                for r in rows
                if r.cells[j].key
            ],
        }
        for j, col in enumerate(s.columns)
    ]
    data["spread"] = {
        "n": s.n,
        "low": s.low,
        "high": s.high,
        "sd": s.sd,
        "mean": s.mean,
        "interval": list(s.interval) if s.interval else None,
        "criteria": [
            {"criterion": r.criterion.pk, "n": r.n, "low": r.low, "high": r.high, "sd": r.sd, "proposed": r.prefill}
            for r in rows
        ],
    }
    if item.has_consensus:
        data["consensus"] = {
            "total": item.consensus_total,
            "critical_failed": item.consensus_critical_failed,
            "notes": item.consensus_notes,
            "by": item.consensus_by.username if item.consensus_by else None,
            "at": item.consensus_at,
            "answers": [
                {"criterion": c.criterion_id, "value": c.value, "na": c.is_na, "note": c.note}
                for c in item.consensus_answers.all()
            ],
        }
    return ItemSerializer(data).data


class ScoringStartedSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField(
        help_text=_("Your evaluation of the call: score it through /api/v1/evaluations/.")
    )
    status = serializers.ChoiceField(choices=Status.choices)
    score_page = serializers.CharField(help_text=_("The scoring page for it."))


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- input ------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class SessionCallField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("There is no call {pk_value} that you may see."),
        "incorrect_type": _("Send the call's id."),
    }

    def get_queryset(self):
        return calls_visible_to(self.context["request"].user)


class SessionCreateSerializer(InputSerializer):
    """A call or a person that does not exist (or a call you may not see) is a 404 naming it."""

    title = StrictCharField(max_length=160)
    line_of_business = serializers.SlugRelatedField(
        slug_field="code", queryset=LineOfBusiness.objects.all(), required=False, allow_null=True, default=None
    )
    week_start = serializers.DateField(help_text=_("Any day of the week the calls come from (filed under its Monday)."))
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    # A number (kept to one decimal, rounded half up): a DecimalField documents a string pattern
    # that "-" satisfies.
    tolerance = serializers.FloatField(
        min_value=0.5,
        max_value=50,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Points, kept to one decimal; absent: the calibration policy's."),
    )

    def validate_tolerance(self, value):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    notes = StrictCharField(required=False, allow_blank=True, max_length=10000, default="")
    calls = serializers.ListField(
        child=SessionCallField(), min_length=1, max_length=MAX_CALLS, help_text=_("Call ids, 1 to 10.")
    )
    participants = serializers.ListField(
        child=serializers.SlugRelatedField(
            slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
        ),
        min_length=2,
        max_length=MAX_PARTICIPANTS,
        help_text=_("Usernames of people who score calls, 2 to 12."),
    )


class ConsensusInputSerializer(serializers.Serializer):
    answers = AnswersField(
        help_text=_(
            "Every criterion of the call's scorecard, as the evaluation API takes answers; an answer's comment "
            "is the criterion's guidance note."
        )
    )
    notes = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=10000, default="")
