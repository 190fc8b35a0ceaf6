"""Monitoring's menu entries (see qa_platform/menu.py), by the rules in permissions.py."""

from django.utils.translation import gettext as _

from qa_platform.menu import NavItem
from qa_platform.roles import HR, has_role

from .permissions import CALL_LIST_ROLES, OVERVIEW_ROLES, TEAM_ROLES, can_ingest_calls, only_an_agent


def items(user) -> list[NavItem]:
    out = []
    if has_role(user, *OVERVIEW_ROLES):
        out.append(NavItem("center-overview", _("Center overview"), 10))
    if has_role(user, *CALL_LIST_ROLES):
        out.append(NavItem("call-list", _("Calls"), 50))
    if has_role(user, *TEAM_ROLES):
        out.append(NavItem("team-list", _("Teams"), 80))
    agent = getattr(user, "agent", None)
    if agent is not None:
        out.append(NavItem("agent-detail", _("My calls"), 90, args=(agent.pk,)))
    if not only_an_agent(user):
        out.append(NavItem("agent-list", _("Staff roster") if has_role(user, HR) else _("Agents"), 100))
    if can_ingest_calls(user):
        out.append(NavItem("call-import", _("Import calls"), 120))
    return out
