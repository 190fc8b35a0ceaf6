from django.urls import path

from .views import auto_agreement, calibration, calibration_policy, disputes, evaluations, reliability, start

urlpatterns = [
    path("calls/<int:call_id>/evaluate/", start.evaluation_start, name="evaluation-start"),
    path("calls/<int:call_id>/self-evaluate/", start.evaluation_self_start, name="evaluation-self-start"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/score/", start.evaluation_score, name="evaluation-score"),
    path("evaluations/<int:pk>/feedback/", evaluations.evaluation_feedback, name="evaluation-feedback"),
    path("evaluations/<int:pk>/acknowledge/", evaluations.evaluation_acknowledge, name="evaluation-acknowledge"),
    path("evaluations/<int:pk>/dispute/", evaluations.evaluation_dispute, name="evaluation-dispute"),
    path("evaluations/<int:pk>/appeal/", evaluations.evaluation_appeal, name="evaluation-appeal"),
    path("evaluations/<int:pk>/resolve/", disputes.evaluation_resolve, name="evaluation-resolve"),
    path("disputes/", disputes.dispute_list, name="dispute-list"),
    path("disputes/<int:pk>/reassign/", disputes.dispute_reassign, name="dispute-reassign"),
    path("reliability/", reliability.reliability, name="reliability"),
    path("auto-qa/agreement/", auto_agreement.auto_agreement, name="auto-agreement"),
    path("reliability/propose/", reliability.reliability_propose, name="reliability-propose"),
    path("calibration/policy/", calibration_policy.calibration_policy, name="calibration-policy"),
    path("calibration/", calibration.calibration_list, name="calibration-list"),
    path("calibration/new/", calibration.calibration_new, name="calibration-new"),
    path("calibration/<int:pk>/", calibration.calibration_detail, name="calibration-detail"),
    path("calibration/<int:pk>/edit/", calibration.calibration_edit, name="calibration-edit"),
    *(
        path(f"calibration/<int:pk>/{step}/", calibration.calibration_step, {"step": step}, name=f"calibration-{step}")
        for step in calibration.STEPS
    ),
    path("calibration/items/<int:pk>/score/", calibration.calibration_item_score, name="calibration-item-score"),
    path(
        "calibration/items/<int:pk>/consensus/",
        calibration.calibration_item_consensus,
        name="calibration-item-consensus",
    ),
]
