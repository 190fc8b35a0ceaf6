"""API of the coaching app under /api/v1/: plans."""

urlpatterns: list = []
