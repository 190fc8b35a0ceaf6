from django.urls import path

from .views import disputes, evaluations, reliability, start

urlpatterns = [
    path("calls/<int:call_id>/evaluate/", start.evaluation_start, name="evaluation-start"),
    path("calls/<int:call_id>/self-evaluate/", start.evaluation_self_start, name="evaluation-self-start"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/score/", start.evaluation_score, name="evaluation-score"),
    path("evaluations/<int:pk>/feedback/", evaluations.evaluation_feedback, name="evaluation-feedback"),
    path("evaluations/<int:pk>/acknowledge/", evaluations.evaluation_acknowledge, name="evaluation-acknowledge"),
    path("evaluations/<int:pk>/dispute/", evaluations.evaluation_dispute, name="evaluation-dispute"),
    path("evaluations/<int:pk>/resolve/", disputes.evaluation_resolve, name="evaluation-resolve"),
    path("disputes/", disputes.dispute_list, name="dispute-list"),
    path("reliability/", reliability.reliability, name="reliability"),
]
