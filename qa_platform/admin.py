from django.contrib import admin

from .models import OutboxJob


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    """What waits for the broker (qa_platform/jobs.py): read-only; the sweep sends and removes it."""

    list_display = ["task", "created_at", "attempts", "last_attempt_at", "last_error"]
    list_filter = ["task"]
    readonly_fields = ["task", "kwargs", "created_at", "available_at", "attempts", "last_attempt_at", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
