"""Admin for reports: everything read-only. The performance score's setup is changed on its
settings page (/performance/settings/), the appraisal policy on /appraisal/settings/, which
validate the set as a whole and record who;
closed months, frozen results and adjustments are what HR paid from and are never edited;
component values arrive through `import_components` or the API."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Adjustment,
    AgentMonthResult,
    AppraisalPolicy,
    BonusBand,
    ComponentValue,
    GeneratedReport,
    MonthClose,
    PerformanceComponent,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PerformanceComponent)
class PerformanceComponentAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["name", "code", "source", "weight", "target_seconds", "active", "position"]


@admin.register(AppraisalPolicy)
class AppraisalPolicyAdmin(ReadOnly, SimpleHistoryAdmin):
    """Changed on /appraisal/settings/ (weights adding up to 100, recorded with who)."""

    list_display = [
        "pk",
        "weight_on_time",
        "weight_feedback",
        "weight_alignment",
        "weight_severity",
        "weight_disputes",
        "drift_offset",
        "drift_alignment",
        "updated_at",
    ]


@admin.register(BonusBand)
class BonusBandAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["name", "min_score", "multiplier"]


@admin.register(ComponentValue)
class ComponentValueAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["agent", "component", "month", "value", "imported_at", "imported_by"]
    list_filter = ["component", "month"]
    search_fields = ["agent__employee_id", "agent__name"]
    list_select_related = ["agent", "component", "imported_by"]


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["month", "closed_at", "closed_by"]
    list_select_related = ["closed_by"]


@admin.register(AgentMonthResult)
class AgentMonthResultAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["agent", "close", "team_name", "evaluations", "qa_average", "total", "band", "multiplier"]
    list_filter = ["close"]
    search_fields = ["agent__employee_id", "agent__name"]
    list_select_related = ["agent", "close"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "agent",
        "of_month",
        "in_month",
        "total_before",
        "total_after",
        "multiplier_before",
        "multiplier_after",
    ]
    list_filter = ["in_month", "of_month"]
    search_fields = ["agent__employee_id", "agent__name"]
    list_select_related = ["agent"]


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["kind", "period_start", "period_end", "agent", "team", "line_of_business", "language", "size"]
    list_filter = ["kind", "period_start", "language"]
    list_select_related = ["agent", "team", "line_of_business"]
