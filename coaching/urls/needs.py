"""Pages of the coaching app: needs."""

urlpatterns: list = []
