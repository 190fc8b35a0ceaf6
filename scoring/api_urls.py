"""/api/v1/evaluations/…, assignments and quota progress (included by qa_platform/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_progress

router = SimpleRouter()
router.register("evaluations", api.EvaluationViewSet, basename="api-evaluation")
router.register("assignments", api_progress.AssignmentViewSet, basename="api-assignment")

urlpatterns = [
    path("quota-progress/agents/", api_progress.AgentProgressView.as_view(), name="api-quota-progress-agents"),
    path("quota-progress/lines/", api_progress.LineProgressView.as_view(), name="api-quota-progress-lines"),
    path("quota-progress/evaluators/", api_progress.EvaluatorLoadView.as_view(), name="api-quota-progress-evaluators"),
    *router.urls,
]
