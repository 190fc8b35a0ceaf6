from django.urls import path

from . import views

urlpatterns = [
    path("", views.people_home, name="people-home"),
    path("agents/", views.agent_list, name="people-agents"),
    path("agents/new/", views.agent_edit, name="people-agent-create"),
    path("agents/<int:pk>/edit/", views.agent_edit, name="people-agent-edit"),
    path("teams/", views.team_list, name="people-teams"),
    path("teams/new/", views.team_edit, name="people-team-create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="people-team-edit"),
    path("users/", views.account_list, name="people-accounts"),
    path("users/new/", views.account_edit, name="people-account-create"),
    path("users/<int:pk>/edit/", views.account_edit, name="people-account-edit"),
    path("import/", views.roster_import, name="people-import"),
]
