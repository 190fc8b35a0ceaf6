"""Pages of the coaching app: training needs and group training sessions."""

from django.urls import path

from ..views import needs

urlpatterns = [
    path("coaching/needs/", needs.need_list, name="coaching-need-list"),
    path("coaching/needs/thresholds/", needs.need_policy, name="coaching-need-policy"),
    path("coaching/needs/<int:pk>/", needs.need_detail, name="coaching-need-detail"),
    path("coaching/needs/<int:pk>/dismiss/", needs.need_dismiss, name="coaching-need-dismiss"),
    path("coaching/training/", needs.training_list, name="coaching-training-list"),
    path("coaching/training/new/", needs.training_create, name="coaching-training-create"),
    path("coaching/training/<int:pk>/", needs.training_detail, name="coaching-training-detail"),
    path("coaching/training/<int:pk>/attendance/", needs.training_attendance, name="coaching-training-attendance"),
    path("coaching/training/<int:pk>/attachment/", needs.training_attachment, name="coaching-training-attachment"),
]
