"""The coaching app's pages, one module per area."""

from . import library, needs, overview, plans, reviews

urlpatterns = [
    *plans.urlpatterns,
    *needs.urlpatterns,
    *library.urlpatterns,
    *reviews.urlpatterns,
    *overview.urlpatterns,
]
