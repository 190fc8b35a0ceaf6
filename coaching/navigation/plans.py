"""Menu entries and page panels of the coaching app: plans (see qa_platform/menu.py).

- "Coaching plans" (trainers, QA, managers, admins; "Team plans" for a supervisor) and "My
  coaching" (an agent with a login), in the Coaching group;
- on an agent's page and on an evaluation's page: the agent's plans under way that the user may
  see, and "Create a coaching plan" for whoever may create one for that agent."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.models import Agent
from qa_platform.menu import COACHING, NavItem, Panel
from qa_platform.roles import SUPERVISOR, user_roles
from scoring.models import SCORED, Evaluation, Kind

from ..models import ACTIVE_PLAN_STATUSES
from ..permissions import plans as rules
from ..selectors.plans import plans_visible_to


def items(user) -> list[NavItem]:
    out = []
    if rules.can_see_all_plans(user):
        out.append(NavItem("coaching-plan-list", _("Coaching plans"), 141, group=COACHING))
    elif SUPERVISOR in user_roles(user):
        out.append(NavItem("coaching-plan-list", _("Team plans"), 141, group=COACHING))
    if rules.own_agent_id(user) is not None and rules.can_open_plans(user):
        out.append(NavItem("coaching-my-plans", _("My coaching"), 141, group=COACHING))
    return out


def page_panels(user, obj, *, month: str | None = None) -> list[Panel]:
    if isinstance(obj, Agent):
        agent, query = obj, {"agent": obj.pk}
    elif isinstance(obj, Evaluation):
        agent = obj.agent
        query = {"evaluation": obj.pk}
        if obj.kind != Kind.REGULAR or obj.status not in SCORED:
            query = {"agent": obj.agent_id}
    else:
        return []
    if not rules.can_open_plans(user) or rules.own_agent_id(user) == agent.pk:
        return []  # the agent sees their own plans under My coaching
    plans = list(plans_visible_to(user).filter(agent_id=agent.pk, status__in=ACTIVE_PLAN_STATUSES))
    may_create = rules.can_create_plan_for(user, agent)
    if not plans and not may_create:
        return []
    create_url = f"{reverse('coaching-plan-create')}?{urlencode(query)}" if may_create else None
    return [Panel("coaching/plans/_panel.html", {"plans": plans, "create_url": create_url, "agent": agent}, 30)]
