"""The monitoring plan's menu entries (see qa_platform/menu.py), by permissions.py."""

from django.utils.translation import gettext as _

from qa_platform.menu import NavItem
from qa_platform.roles import has_role

from .permissions import POLICY_EDITORS, PROGRESS_ROLES, QUEUE_ROLES


def items(user) -> list[NavItem]:
    out = []
    if has_role(user, *QUEUE_ROLES):
        out.append(NavItem("work-queue", _("Work queue"), 20))
    if has_role(user, *PROGRESS_ROLES):
        out.append(NavItem("quota-progress", _("Quota progress"), 30))
    if has_role(user, *POLICY_EDITORS):
        out.append(NavItem("quota-policy-list", _("Quota policies"), 40))
    return out
