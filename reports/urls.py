from django.urls import path

from .views import appraisal, calibration, call_flags, dashboard, files, hr, performance, root_causes, settings

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("reports/root-causes/", root_causes.root_causes, name="root-causes"),
    path("reports/call-flags/", call_flags.call_flags, name="call-flags"),
    # Performance score, HR export, month close.
    path("performance/", performance.performance_list, name="performance-list"),
    path("performance/settings/", settings.performance_settings, name="performance-settings"),
    path("performance/<int:agent_id>/", performance.performance_detail, name="performance-detail"),
    path("hr/export/", hr.hr_export, name="hr-export"),
    path("hr/months/<str:month>/close/", hr.hr_month_close, name="hr-month-close"),
    # Evaluator appraisal.
    path("appraisal/", appraisal.appraisal_list, name="appraisal-list"),
    path("appraisal/me/", appraisal.appraisal_me, name="appraisal-me"),
    path("appraisal/settings/", appraisal.appraisal_settings, name="appraisal-settings"),
    path("appraisal/<int:user_id>/", appraisal.appraisal_detail, name="appraisal-detail"),
    # Generated PDF reports.
    path("reports/", files.report_list, name="report-list"),
    path("reports/generate/", files.report_generate, name="report-generate"),
    path("reports/<int:pk>/download/", files.report_download, name="report-download"),
    path("calibration/<int:pk>/report.pdf", calibration.calibration_report_pdf, name="calibration-report-pdf"),
]
