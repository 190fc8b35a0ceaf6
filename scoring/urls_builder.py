"""Scorecard pages, mounted at /scorecards/."""

from django.urls import path

from .views import builder

urlpatterns = [
    path("", builder.scorecard_list, name="scorecard-list"),
    path("<int:pk>/", builder.scorecard_detail, name="scorecard-detail"),
    path("<int:pk>/new-draft/", builder.scorecard_new_draft, name="scorecard-new-draft"),
    path("versions/<int:pk>/", builder.version_detail, name="scorecard-version"),
    path("versions/<int:pk>/edit/", builder.version_edit, name="scorecard-version-edit"),
    path("versions/<int:pk>/publish/", builder.version_publish, name="scorecard-version-publish"),
]
