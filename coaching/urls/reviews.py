"""Pages of the coaching app: reviews."""

urlpatterns: list = []
