from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaPlatformConfig(AppConfig):
    name = "qa_platform"
    verbose_name = _("QA platform")
