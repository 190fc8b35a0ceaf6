"""API of the coaching app under /api/v1/: the call library."""

from rest_framework.routers import SimpleRouter

from ..api.library import LibraryCallViewSet

router = SimpleRouter()
router.register("library-calls", LibraryCallViewSet, basename="api-library-call")

urlpatterns = router.urls
