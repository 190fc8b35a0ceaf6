"""Scorecard pages, mounted at /scorecards/."""

from django.urls import path

from . import views_builder as views

urlpatterns = [
    path("", views.scorecard_list, name="scorecard-list"),
    path("<int:pk>/", views.scorecard_detail, name="scorecard-detail"),
    path("<int:pk>/new-draft/", views.scorecard_new_draft, name="scorecard-new-draft"),
    path("versions/<int:pk>/", views.version_detail, name="scorecard-version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="scorecard-version-edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="scorecard-version-publish"),
]
