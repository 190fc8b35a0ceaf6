"""/api/v1/evaluations/… (included by qa_platform/urls.py)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("evaluations", api.EvaluationViewSet, basename="api-evaluation")

urlpatterns = router.urls
