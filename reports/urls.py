from django.urls import path

from .views import dashboard, files, hr, performance, settings

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Performance score, HR export, month close.
    path("performance/", performance.performance_list, name="performance-list"),
    path("performance/settings/", settings.performance_settings, name="performance-settings"),
    path("performance/<int:agent_id>/", performance.performance_detail, name="performance-detail"),
    path("hr/export/", hr.hr_export, name="hr-export"),
    path("hr/months/<str:month>/close/", hr.hr_month_close, name="hr-month-close"),
    # Generated PDF reports.
    path("reports/", files.report_list, name="report-list"),
    path("reports/generate/", files.report_generate, name="report-generate"),
    path("reports/<int:pk>/download/", files.report_download, name="report-download"),
]
