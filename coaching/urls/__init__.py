"""The coaching app's pages, one module per area."""

from . import library, needs, plans, reviews

urlpatterns = [*plans.urlpatterns, *needs.urlpatterns, *library.urlpatterns, *reviews.urlpatterns]
