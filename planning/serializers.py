"""Serializers of the monitoring plan's API: progress rows (plain selector objects), assignments,
reassignment input, quota policies."""

from __future__ import annotations

from rest_framework import serializers

from monitoring.models import Assignment
from qa_platform.serializers import StrictCharField

from .models import QuotaPolicy
from .periods import week_label
from .policies import POLICY_FIELDS
from .selectors.progress import STATES

STATE_HELP = (
    "behind (schedule), met (target or minimum reached), due (on track, work routed and not due yet: see "
    "due_by), not_sampled (the plan has not run for the week or month), on_track"
)


class AgentWeekSerializer(serializers.Serializer):
    agent_id = serializers.IntegerField()
    employee_id = serializers.CharField()
    name = serializers.CharField()
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    tier = serializers.CharField(allow_null=True, help_text="null when no tier was computed for the week")
    tier_reason = serializers.CharField(source="reason")
    average = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    evaluations = serializers.IntegerField(help_text="evaluations the trailing average is computed from")
    ci_low = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    ci_high = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    more_samples_advised = serializers.BooleanField(source="straddles")
    target = serializers.IntegerField()
    target_from_tier = serializers.BooleanField()
    assigned = serializers.IntegerField()
    outside_assignments = serializers.IntegerField(source="outside")
    done = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    expected_by_now = serializers.IntegerField(source="expected")
    due_window_start = serializers.DateTimeField(source="window_start", allow_null=True)
    due_window_end = serializers.DateTimeField(source="window_end", allow_null=True)
    progress = serializers.FloatField()
    short = serializers.BooleanField()
    behind_pace = serializers.BooleanField()
    behind = serializers.BooleanField()
    behind_reasons = serializers.ListField(child=serializers.CharField())
    sampled = serializers.BooleanField(help_text="whether the plan has run for the week")
    due_by = serializers.DateTimeField(allow_null=True, help_text="the latest due time of the open assignments")
    # "progress_state", not "state": the calibration API has a "state" of its own (one enum per name).
    progress_state = serializers.ChoiceField(source="state", choices=STATES, help_text=STATE_HELP)
    progress_state_label = serializers.CharField(
        source="state_label", help_text="the state as the progress page words it"
    )


class LineMonthSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    policy_id = serializers.IntegerField(allow_null=True)
    policy_is_default = serializers.BooleanField()
    minimum = serializers.IntegerField()
    top_up_limit = serializers.IntegerField(source="cap")
    eligible_calls = serializers.IntegerField(source="eligible")
    assigned = serializers.IntegerField()
    outside_assignments = serializers.IntegerField(source="outside")
    done = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    expected_by_now = serializers.IntegerField(source="expected")
    under_covered = serializers.BooleanField()
    behind_pace = serializers.BooleanField()
    behind = serializers.BooleanField()
    top_up_added = serializers.IntegerField(
        source="topup", help_text="line top-up assignments of the month (the top-up limit caps these, not the line)"
    )
    met = serializers.BooleanField(help_text="done has reached the minimum")
    to_go = serializers.IntegerField(help_text="done still missing to the minimum (0 once met)")
    progress_label = serializers.CharField(help_text='done against the minimum, e.g. "321 done · minimum 15 met"')
    sampled = serializers.BooleanField(help_text="whether the line top-up has run for the month")
    due_by = serializers.DateTimeField(allow_null=True, help_text="the latest due time of the open assignments")
    # "progress_state", not "state": the calibration API has a "state" of its own (one enum per name).
    progress_state = serializers.ChoiceField(source="state", choices=STATES, help_text=STATE_HELP)
    progress_state_label = serializers.CharField(
        source="state_label", help_text="the state as the progress page words it"
    )


class EvaluatorLoadSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    capacity = serializers.IntegerField()
    assigned = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done = serializers.IntegerField()
    double_scoring = serializers.IntegerField()
    over_capacity = serializers.BooleanField()


class AssignmentSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    call_external_id = serializers.CharField(source="call.external_id")
    agent = serializers.CharField(source="call.agent.employee_id")
    team = serializers.CharField(source="call.agent.team.name")
    line_of_business = serializers.CharField(source="call.line_of_business.code")
    evaluator = serializers.CharField(source="evaluator.username")
    week = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "call",
            "call_external_id",
            "agent",
            "team",
            "line_of_business",
            "evaluator",
            "evaluator_role",
            "reason",
            "inclusion_probability",
            "period_start",
            "week",
            "due_at",
            "is_overdue",
            "status",
            "created_at",
            "started_at",
            "completed_at",
        ]

    def get_week(self, obj: Assignment) -> str:
        return week_label(obj.period_start)


class ReassignInputSerializer(serializers.Serializer):
    to = StrictCharField(max_length=150, help_text="The username of the evaluator who takes the call.")


TARGET_FIELDS = ("target_excellent", "target_good", "target_needs_improvement", "target_at_risk", "target_no_history")
PERCENT_FIELDS = ("share_qa", "share_supervisor", "share_trainer", "double_scoring_percent")
SCORE_FIELDS = ("excellent_min", "good_min", "needs_improvement_min")
TARGET_REFUSED = "A weekly target is between 1 and 50."


class QuotaPolicySerializer(serializers.ModelSerializer):
    """The bounds of each number are in the schema; the rules across numbers (the shares add up to
    100, the thresholds fall, the top-up limit is not below the minimum) are the model's `clean`."""

    line_of_business = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # A method, not a field with a default: DRF leaves a defaulted field out of a PATCH's answer.
    line_of_business_name = serializers.SerializerMethodField()
    is_default = serializers.SerializerMethodField()

    class Meta:
        model = QuotaPolicy
        fields = ["id", "line_of_business", "line_of_business_name", "is_default", *POLICY_FIELDS, "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {
            **{
                name: {
                    "min_value": 1,
                    "max_value": 50,
                    "error_messages": {"min_value": TARGET_REFUSED, "max_value": TARGET_REFUSED},
                }
                for name in TARGET_FIELDS
            },
            **{name: {"max_value": 100} for name in (*PERCENT_FIELDS, *SCORE_FIELDS)},
        }

    def get_line_of_business_name(self, obj: QuotaPolicy) -> str | None:
        return obj.line_of_business.name if obj.line_of_business_id else None

    def get_is_default(self, obj: QuotaPolicy) -> bool:
        return obj.line_of_business_id is None
