from django.urls import include, path

from . import views, views_analytics

urlpatterns = [
    path("overview/", views.center_overview, name="center-overview"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("agents/", views.agent_list, name="agent-list"),
    path("agents/<int:pk>/", views.agent_detail, name="agent-detail"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/import/", views.call_import, name="call-import"),
    path("calls/analysis/", views_analytics.line_list, name="call-analysis"),
    path("calls/analysis/<int:line_pk>/", views_analytics.line_detail, name="call-analysis-line"),
    path("calls/analysis/<int:line_pk>/reanalyse/", views_analytics.line_reanalyse, name="call-analysis-reanalyse"),
    path("calls/analysis/<int:line_pk>/rules/new/", views_analytics.rule_edit, name="call-analysis-rule-create"),
    path("calls/analysis/<int:line_pk>/rules/<int:pk>/", views_analytics.rule_edit, name="call-analysis-rule-edit"),
    path(
        "calls/analysis/<int:line_pk>/rules/<int:pk>/deactivate/",
        views_analytics.rule_set_active,
        {"active": False},
        name="call-analysis-rule-deactivate",
    ),
    path(
        "calls/analysis/<int:line_pk>/rules/<int:pk>/activate/",
        views_analytics.rule_set_active,
        {"active": True},
        name="call-analysis-rule-activate",
    ),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/recording", views.call_recording, name="call-recording"),
    path("people/", include("monitoring.people.urls")),
]
