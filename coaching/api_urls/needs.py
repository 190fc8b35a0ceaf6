"""API of the coaching app under /api/v1/: needs."""

urlpatterns: list = []
