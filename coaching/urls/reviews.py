"""Pages of the coaching app: development reviews."""

from django.urls import path

from ..views import reviews

urlpatterns = [
    path("coaching/reviews/", reviews.review_list, name="coaching-review-list"),
    path("coaching/reviews/new/", reviews.review_create, name="coaching-review-create"),
    path("coaching/reviews/schedule/", reviews.review_schedule_half_year, name="coaching-review-schedule"),
    path("coaching/reviews/<int:pk>/", reviews.review_detail, name="coaching-review-detail"),
    path("coaching/reviews/<int:pk>/edit/", reviews.review_edit, name="coaching-review-edit"),
    path("coaching/reviews/<int:pk>/steps/", reviews.review_step_add, name="coaching-review-step-add"),
    path("coaching/reviews/steps/<int:pk>/done/", reviews.review_step_done, name="coaching-review-step-done"),
]
