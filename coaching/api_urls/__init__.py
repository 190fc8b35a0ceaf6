"""The coaching app's API under /api/v1/, one module per area."""

from . import library, needs, plans, reviews

urlpatterns = [*plans.urlpatterns, *needs.urlpatterns, *library.urlpatterns, *reviews.urlpatterns]
