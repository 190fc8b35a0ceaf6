from django.urls import path

from . import views

urlpatterns = [
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
]
