"""API of the coaching app under /api/v1/: library."""

urlpatterns: list = []
