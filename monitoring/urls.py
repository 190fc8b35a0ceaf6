from django.urls import path

from . import views, views_quota

urlpatterns = [
    path("overview/", views.center_overview, name="center-overview"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("agents/", views.agent_list, name="agent-list"),
    path("agents/<int:pk>/", views.agent_detail, name="agent-detail"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/import/", views.call_import, name="call-import"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/recording", views.call_recording, name="call-recording"),
    path("quotas/policies/", views_quota.policy_list, name="quota-policy-list"),
    path("quotas/policies/new/", views_quota.policy_create, name="quota-policy-create"),
    path("quotas/policies/<int:pk>/edit/", views_quota.policy_edit, name="quota-policy-edit"),
    path("quotas/policies/<int:pk>/delete/", views_quota.policy_delete, name="quota-policy-delete"),
]
