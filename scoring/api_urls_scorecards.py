"""Scorecard API routes, included under /api/v1/ (names prefixed "api-" to stay clear of the pages)."""

from rest_framework.routers import SimpleRouter

from .api.scorecards import ScorecardVersionViewSet, ScorecardViewSet

router = SimpleRouter()
router.register("scorecards", ScorecardViewSet, basename="api-scorecard")
router.register("scorecard-versions", ScorecardVersionViewSet, basename="api-scorecard-version")

urlpatterns = router.urls
