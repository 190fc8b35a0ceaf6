from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qa_platform.jobs import enqueue

from .models import (
    Agent,
    Call,
    LineOfBusiness,
    ListenLog,
    PrivateLine,
    Shift,
    Site,
    Team,
)
from .models_analytics import FLAG_FIELDS, AnalysisSettings, CallAnalysis, PhraseRule
from .tasks import rederive_shifts


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone"]
    search_fields = ["name"]


@admin.register(LineOfBusiness)
class LineOfBusinessAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site"]
    list_filter = ["site", "lines_of_business"]
    filter_horizontal = ["lines_of_business", "supervisors"]
    search_fields = ["name"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start", "end", "priority"]

    # Changing a window changes which shift past calls belong to: recompute them in the
    # background once the change is committed (kept in the outbox while the broker is down).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue(rederive_shifts)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        enqueue(rederive_shifts)

    def delete_queryset(self, request, queryset):  # the list's "delete selected"
        super().delete_queryset(request, queryset)
        enqueue(rederive_shifts)


@admin.register(Agent)
class AgentAdmin(SimpleHistoryAdmin):
    list_display = ["employee_id", "name", "team", "hire_date", "active", "user"]
    list_filter = ["active", "team"]
    search_fields = ["employee_id", "name"]
    raw_id_fields = ["user"]
    list_select_related = ["team", "user"]


@admin.register(PrivateLine)
class PrivateLineAdmin(SimpleHistoryAdmin):
    list_display = ["line", "reason", "active"]
    list_filter = ["active"]
    search_fields = ["line"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "source",
        "agent",
        "line_of_business",
        "direction",
        "start_time",
        "shift",
        "talk_seconds",
    ]
    list_filter = ["line_of_business", "direction", "shift", "source"]
    search_fields = ["external_id", "agent__employee_id", "agent__name"]
    raw_id_fields = ["agent"]
    date_hierarchy = "start_time"
    list_select_related = ["agent", "line_of_business", "shift"]
    show_full_result_count = False


@admin.register(ListenLog)
class ListenLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "call", "byte_range", "ip_address"]
    raw_id_fields = ["call", "user"]
    list_select_related = ["user", "call"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False  # an audit trail is not edited


# Automatic QA: each line's thresholds and phrase rules, kept in history; the analyses, read only.
@admin.register(AnalysisSettings)
class AnalysisSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["line_of_business", "agent_channel", "silence_seconds", "hold_long_seconds", "long_call_seconds"]


@admin.register(PhraseRule)
class PhraseRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "line_of_business", "kind", "speaker", "window", "window_seconds", "threshold", "active"]
    list_filter = ["line_of_business", "kind", "active"]


@admin.register(CallAnalysis)
class CallAnalysisAdmin(admin.ModelAdmin):
    list_display = ["call", "status", "source", *FLAG_FIELDS, "analyzed_at"]
    list_filter = ["status", *FLAG_FIELDS]
    raw_id_fields = ["call"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
