"""Menu entries of the coaching overview pages (see qa_platform/menu.py): the landing page first in
the Coaching group, the report after the areas' pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qa_platform.menu import COACHING, NavItem

from ..permissions.overview import can_open_home, can_open_report


def items(user) -> list:
    out = []
    if can_open_home(user):
        out.append(NavItem("coaching-home", _("Coaching overview"), 140, group=COACHING))
    if can_open_report(user):
        out.append(NavItem("coaching-report", _("Coaching report"), 146, group=COACHING))
    return out


def page_panels(user, obj, *, month: str | None = None) -> list:
    return []
