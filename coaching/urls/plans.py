"""Pages of the coaching app: plans."""

urlpatterns: list = []
