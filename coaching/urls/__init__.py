"""The coaching app's pages, one module per area."""

from . import library, needs, overview, plans, recognition, reviews

urlpatterns = [
    *plans.urlpatterns,
    *needs.urlpatterns,
    *library.urlpatterns,
    *reviews.urlpatterns,
    *recognition.urlpatterns,
    *overview.urlpatterns,
]
