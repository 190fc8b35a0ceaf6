"""Monitoring's menu entries (see qa_platform/menu.py), by the rules in permissions.py."""

from django.urls import reverse
from django.utils.translation import gettext as _

from qa_platform.menu import SETTINGS, NavItem, Panel
from qa_platform.roles import HR, has_role

from .models import Agent, Team
from .permissions import (
    CALL_LIST_ROLES,
    OVERVIEW_ROLES,
    TEAM_ROLES,
    can_ingest_calls,
    can_manage_people,
    only_an_agent,
)
from .services_analytics_config import can_edit_analysis_config


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
    if can_edit_analysis_config(user):
        out.append(NavItem("call-analysis", _("Call analysis"), 125, group=SETTINGS))
    if can_manage_people(user):
        # People (managing the roster): next to the read-only roster at 100.
        out.append(NavItem("people-agents", _("Manage agents"), 102))
        out.append(NavItem("people-teams", _("Manage teams"), 103))
        out.append(NavItem("people-accounts", _("User accounts"), 104))
        out.append(NavItem("people-import", _("Import roster"), 105))
    return out


def page_panels(user, obj, *, month: str | None = None) -> list[Panel]:
    """An "Edit" link on an agent's or a team's page for those who manage people."""
    if not can_manage_people(user):
        return []
    if isinstance(obj, Agent):
        url, label = reverse("people-agent-edit", args=(obj.pk,)), _("Edit agent")
    elif isinstance(obj, Team):
        url, label = reverse("people-team-edit", args=(obj.pk,)), _("Edit team")
    else:
        return []
    return [Panel("monitoring/people/_edit_link.html", {"url": url, "label": label}, 0)]
