"""Pages of the coaching app: the trainer's landing page and the coaching report."""

from django.urls import path

from ..views import overview

urlpatterns = [
    path("coaching/", overview.coaching_home, name="coaching-home"),
    path("coaching/report/", overview.coaching_report, name="coaching-report"),
]
