from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Answer, Criterion, Dispute, Evaluation, Scorecard, ScorecardVersion, Section


@admin.register(Scorecard)
class ScorecardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active", "created_at"]
    list_filter = ["active", "lines_of_business"]
    filter_horizontal = ["lines_of_business"]
    search_fields = ["name"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    show_change_link = True


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(SimpleHistoryAdmin):
    list_display = ["scorecard", "number", "status", "critical_zeroes", "published_at"]
    list_filter = ["status", "scorecard"]
    inlines = [SectionInline]

    def has_change_permission(self, request, obj=None):
        # Published versions are immutable; drafts are edited in the builder (/scorecards/).
        if obj is not None and obj.status != "draft":
            return False
        return super().has_change_permission(request, obj)


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "weight", "position"]
    list_filter = ["version__scorecard"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.version.status != "draft":
            return False
        return super().has_change_permission(request, obj)


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "section", "kind", "points", "category", "allow_na", "critical"]
    list_filter = ["category", "kind", "critical", "section__version__scorecard"]
    search_fields = ["text"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.section.version.status != "draft":
            return False
        return super().has_change_permission(request, obj)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["criterion"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # answers change through the scoring page or a dispute resolution


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["id", "call", "agent", "evaluator", "kind", "status", "total", "critical_failed", "submitted_at"]
    list_filter = ["status", "kind", "method", "critical_failed", "evaluator_role"]
    search_fields = ["call__external_id", "agent__employee_id", "agent__name", "evaluator__username"]
    raw_id_fields = ["call", "agent", "evaluator", "assignment", "feedback_delivered_by"]
    list_select_related = ["call", "agent", "evaluator"]
    date_hierarchy = "created_at"
    inlines = [AnswerInline]
    # State, score and what was scored change only through the services (scoring page, API),
    # which keep the lifecycle rules and the history; the admin may fix the overall comment.
    readonly_fields = [
        "call", "agent", "evaluator", "evaluator_role", "method", "kind", "version", "assignment", "status",
        "total", "critical_failed", "started_at", "draft_saved_at", "submitted_at", "feedback_due_at",
        "feedback_delivered_at", "feedback_delivered_by", "feedback_reminded_at", "acknowledged_at",
        "disputed_at", "resolved_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    show_full_result_count = False


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["evaluation", "criterion", "value", "is_na", "time_offset"]
    raw_id_fields = ["evaluation", "criterion"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ["evaluation", "status", "raised_by", "raised_at", "resolved_by", "original_total", "adjusted_total"]
    list_filter = ["status"]
    raw_id_fields = ["evaluation", "raised_by", "resolved_by"]
