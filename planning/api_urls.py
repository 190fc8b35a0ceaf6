"""/api/v1/ routes of the monitoring plan: quota policies, assignments, quota progress."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("quota-policies", api.QuotaPolicyViewSet, basename="quota-policy")
router.register("assignments", api.AssignmentViewSet, basename="api-assignment")

urlpatterns = [
    path("quota-progress/agents/", api.AgentProgressView.as_view(), name="api-quota-progress-agents"),
    path("quota-progress/lines/", api.LineProgressView.as_view(), name="api-quota-progress-lines"),
    path("quota-progress/evaluators/", api.EvaluatorLoadView.as_view(), name="api-quota-progress-evaluators"),
    *router.urls,
]
