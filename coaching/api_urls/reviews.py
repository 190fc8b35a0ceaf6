"""API of the coaching app under /api/v1/: reviews."""

urlpatterns: list = []
