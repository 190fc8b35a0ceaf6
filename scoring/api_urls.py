"""/api/v1/evaluations/… (included by qa_platform/urls.py)."""

from rest_framework.routers import SimpleRouter

from .api.evaluations import EvaluationViewSet

router = SimpleRouter()
router.register("evaluations", EvaluationViewSet, basename="api-evaluation")

urlpatterns = router.urls
