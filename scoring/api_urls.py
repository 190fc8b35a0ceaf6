"""/api/v1/evaluations/… and /api/v1/calibration-sessions/, /api/v1/calibration-items/… (included by
qa_platform/urls.py)."""

from rest_framework.routers import SimpleRouter

from .api.calibration import CalibrationItemViewSet, CalibrationSessionViewSet
from .api.evaluations import EvaluationViewSet

router = SimpleRouter()
router.register("evaluations", EvaluationViewSet, basename="api-evaluation")
router.register("calibration-sessions", CalibrationSessionViewSet, basename="api-calibration-session")
router.register("calibration-items", CalibrationItemViewSet, basename="api-calibration-item")

urlpatterns = router.urls
