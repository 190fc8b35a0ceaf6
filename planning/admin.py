"""Admin for the monitoring plan: assignments (with history), quota policies (with history),
computed tiers and sampling runs (read-only where computed)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from monitoring.models import Assignment

from .models import AgentTier, QuotaPolicy, SamplingRun


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["call", "evaluator", "evaluator_role", "reason", "status", "period_start", "due_at"]
    list_filter = ["status", "reason", "evaluator_role", "period_start"]
    raw_id_fields = ["call", "evaluator", "created_by"]
    list_select_related = ["call", "evaluator"]
    search_fields = ["call__external_id", "evaluator__username"]


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "target_excellent",
        "target_good",
        "target_needs_improvement",
        "target_at_risk",
        "line_month_floor",
        "line_month_cap",
        "share_qa",
        "share_supervisor",
        "share_trainer",
    ]


@admin.register(AgentTier)
class AgentTierAdmin(admin.ModelAdmin):
    list_display = [
        "agent",
        "week_start",
        "tier",
        "target",
        "average",
        "evaluations",
        "ci_low",
        "ci_high",
        "straddles_boundary",
    ]
    list_filter = ["week_start", "tier", "straddles_boundary", "new_hire", "open_coaching_plan"]
    search_fields = ["agent__name", "agent__employee_id"]
    raw_id_fields = ["agent"]
    list_select_related = ["agent"]

    def has_change_permission(self, request, obj=None):
        return False  # computed by the weekly plan


@admin.register(SamplingRun)
class SamplingRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "period_start", "runs", "last_run_at", "last_added", "last_seconds", "seed"]
    list_filter = ["kind"]
    readonly_fields = ["last_report"]
