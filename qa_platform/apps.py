from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaPlatformConfig(AppConfig):
    name = "qa_platform"
    verbose_name = _("QA platform")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.models import User

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            language,  # noqa: F401  (loads the saved language at login)
        )
        from .names import person_name

        # One name rule on every page, export, e-mail and PDF (qa_platform/names.py): Django's
        # "first last" would write a Chinese name given name first, with a space (桂英 徐).
        User.get_full_name = lambda user: person_name(user.first_name, user.last_name)
        from .security import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="qa_platform.log_lockout")
