"""API of the coaching app under /api/v1/: development reviews."""

from rest_framework.routers import SimpleRouter

from ..api.reviews import DevelopmentReviewViewSet

router = SimpleRouter()
router.register("development-reviews", DevelopmentReviewViewSet, basename="api-development-review")

urlpatterns = router.urls
