"""Menu entries and page panels of the coaching app: training needs and group training (see
qa_platform/menu.py). Each entry asks the rule its page asks (coaching/permissions/needs.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring.permissions import only_an_agent
from qa_platform.menu import COACHING, NavItem

from ..permissions import needs as rules


def items(user) -> list:
    out = []
    if rules.can_open_needs(user):
        out.append(NavItem("coaching-need-list", _("Training needs"), 142, group=COACHING))
    # An agent-only account reaches this from its "My coaching" page, which keeps its menu short.
    if rules.can_open_training(user) and not only_an_agent(user):
        label = _("Training sessions") if rules.sees_training_figures(user) else _("My training")
        out.append(NavItem("coaching-training-list", label, 143, group=COACHING))
    return out


def page_panels(user, obj, *, month: str | None = None) -> list:
    return []
