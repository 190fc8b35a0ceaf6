"""/api/v1/ routes of the performance score, the HR export and the month close."""

from django.urls import path

from . import api

urlpatterns = [
    path("hr/export/", api.BonusExportView.as_view(), name="api-hr-export"),
    path("hr/months/<str:month>/close/", api.MonthCloseView.as_view(), name="api-month-close"),
    path("performance/components/values/", api.ComponentValuesView.as_view(), name="api-component-values"),
    path("performance/<int:agent_id>/", api.AgentPerformanceView.as_view(), name="api-agent-performance"),
]
