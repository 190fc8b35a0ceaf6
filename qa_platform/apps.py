from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaPlatformConfig(AppConfig):
    name = "qa_platform"
    verbose_name = _("QA platform")

    def ready(self):
        from axes.signals import user_locked_out

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .security import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="qa_platform.log_lockout")
