"""API of the coaching app under /api/v1/: plans (/coaching-plans/, /coaching-sessions/)."""

from rest_framework.routers import SimpleRouter

from ..api.plans import CoachingPlanViewSet, CoachingSessionViewSet

router = SimpleRouter()
router.register("coaching-plans", CoachingPlanViewSet, basename="api-coaching-plan")
router.register("coaching-sessions", CoachingSessionViewSet, basename="api-coaching-session")

urlpatterns = router.urls
