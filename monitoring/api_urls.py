from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("lines-of-business", api.LineOfBusinessViewSet, basename="line-of-business")
router.register("teams", api.TeamViewSet, basename="team")
router.register("shifts", api.ShiftViewSet, basename="shift")
router.register("agents", api.AgentViewSet, basename="agent")
router.register("calls", api.CallViewSet, basename="call")

urlpatterns = [
    path("calls/bulk/", api.CallBulkUpsertView.as_view(), name="call-bulk-upsert"),
    path("calls/<int:pk>/recording/", api.CallRecordingView.as_view(), name="api-call-recording"),
    *router.urls,
]
