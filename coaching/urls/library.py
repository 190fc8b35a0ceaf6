"""Pages of the coaching app: library."""

urlpatterns: list = []
