"""Scorecard API routes, included under /api/v1/ (names prefixed "api-" to stay clear of the pages)."""

from rest_framework.routers import SimpleRouter

from . import api_scorecards

router = SimpleRouter()
router.register("scorecards", api_scorecards.ScorecardViewSet, basename="api-scorecard")
router.register("scorecard-versions", api_scorecards.ScorecardVersionViewSet, basename="api-scorecard-version")

urlpatterns = router.urls
