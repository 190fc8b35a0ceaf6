from django.urls import include, path

from . import views

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
    path("people/", include("monitoring.people.urls")),
]
