"""API of the coaching app under /api/v1/: training needs and group training sessions."""

from rest_framework.routers import SimpleRouter

from ..api.needs import TrainingNeedViewSet, TrainingSessionViewSet

router = SimpleRouter()
router.register("training-needs", TrainingNeedViewSet, basename="api-training-need")
router.register("training-sessions", TrainingSessionViewSet, basename="api-training-session")

urlpatterns = router.urls
