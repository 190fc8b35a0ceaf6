"""The monitoring plan's pages (paths and names as they always were)."""

from django.urls import path

from .views import progress, queue, quota

urlpatterns = [
    path("queue/", queue.work_queue, name="work-queue"),
    path("assignments/<int:pk>/open/", queue.assignment_open, name="assignment-open"),
    path("assignments/<int:pk>/reassign/", queue.assignment_reassign, name="assignment-reassign"),
    path("quotas/progress/", progress.quota_progress, name="quota-progress"),
    path("quotas/progress/sample/", progress.quota_progress_sample, name="quota-progress-sample"),
    path("quotas/policies/", quota.policy_list, name="quota-policy-list"),
    path("quotas/policies/new/", quota.policy_create, name="quota-policy-create"),
    path("quotas/policies/<int:pk>/edit/", quota.policy_edit, name="quota-policy-edit"),
    path("quotas/policies/<int:pk>/delete/", quota.policy_delete, name="quota-policy-delete"),
]
