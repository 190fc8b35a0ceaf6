from django.urls import path

from . import views, views_progress

urlpatterns = [
    path("queue/", views.work_queue, name="work-queue"),
    path("assignments/<int:pk>/open/", views.assignment_open, name="assignment-open"),
    path("calls/<int:call_id>/evaluate/", views.evaluation_start, name="evaluation-start"),
    path("calls/<int:call_id>/self-evaluate/", views.evaluation_self_start, name="evaluation-self-start"),
    path("evaluations/", views.evaluation_list, name="evaluation-list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/score/", views.evaluation_score, name="evaluation-score"),
    path("evaluations/<int:pk>/feedback/", views.evaluation_feedback, name="evaluation-feedback"),
    path("evaluations/<int:pk>/acknowledge/", views.evaluation_acknowledge, name="evaluation-acknowledge"),
    path("evaluations/<int:pk>/dispute/", views.evaluation_dispute, name="evaluation-dispute"),
    path("evaluations/<int:pk>/resolve/", views.evaluation_resolve, name="evaluation-resolve"),
    path("disputes/", views.dispute_list, name="dispute-list"),
    path("quotas/progress/", views_progress.quota_progress, name="quota-progress"),
    path("quotas/progress/sample/", views_progress.quota_progress_sample, name="quota-progress-sample"),
    path("assignments/<int:pk>/reassign/", views_progress.assignment_reassign, name="assignment-reassign"),
]
