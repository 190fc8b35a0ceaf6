"""Who may do what with coaching plans: each rule once, asked by the pages, the API and the
services alike (a refusal is a 403 on every surface; a plan outside `plans_visible_to` is a 404).

- see: QA, trainers, managers and admins every plan; a supervisor the plans of their teams'
  agents (and the plans they own); an agent their own; HR none (the list is a 403).
- create: trainers (for any agent), supervisors (for their teams' agents), managers and admins;
  never for oneself.
- edit, record sessions, complete: the plan's owner, trainers, managers and admins, and the
  supervisors of the agent's team — never the agent, whatever other roles they hold.
- acknowledge the plan and its sessions: the plan's agent, and nobody else.
- own a plan: a trainer, or a supervisor of the agent's team.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from monitoring.selectors import led_team_ids
from qa_platform.roles import ADMIN, AGENT, MANAGER, QA, SUPERVISOR, TRAINER, has_role, user_roles

# Read every plan of the center.
PLAN_READER_ROLES = (QA, TRAINER, MANAGER, ADMIN)
# Open the plan pages and API at all (a supervisor and an agent see their own scope). HR: none.
PLAN_PAGE_ROLES = (*PLAN_READER_ROLES, SUPERVISOR, AGENT)
# Create, edit and run any agent's plan (supervisors: their teams' agents only).
PLAN_EDITOR_ROLES = (TRAINER, MANAGER, ADMIN)
PLAN_CREATOR_ROLES = (*PLAN_EDITOR_ROLES, SUPERVISOR)
# Who may own a plan (a supervisor only for their own teams' agents).
OWNER_ROLES = (TRAINER, SUPERVISOR)

NO_PLANS = _("Your role does not give access to coaching plans.")
NO_CREATE = _("Coaching plans are created by trainers, managers and the supervisors of the agent's team.")
NOT_FOR_SELF = _("Nobody creates or runs a coaching plan for themselves.")
ONLY_EDITORS = _("Only the plan's owner, a trainer, a manager or a supervisor of the agent's team may do this.")
ONLY_PLAN_AGENT = _("Only the coached agent acknowledges the plan and its sessions.")
NOT_AN_AGENT = _("Your login is not an agent's: you have no coaching plan of your own.")


def own_agent_id(user) -> int | None:
    agent = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    return agent.pk if agent is not None else None


def can_open_plans(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *PLAN_PAGE_ROLES))


def can_see_all_plans(user) -> bool:
    return has_role(user, *PLAN_READER_ROLES)


def leads_agent(user, agent) -> bool:
    """`user` is a supervisor of the agent's team."""
    return SUPERVISOR in user_roles(user) and led_team_ids(user).filter(team_id=agent.team_id).exists()


def can_create_plans(user) -> bool:
    """Whether to offer "Create a coaching plan" at all (the agent is checked on the form)."""
    return has_role(user, *PLAN_CREATOR_ROLES)


def can_create_plan_for(user, agent) -> bool:
    if own_agent_id(user) == agent.pk:
        return False
    if has_role(user, *PLAN_EDITOR_ROLES):
        return True
    return leads_agent(user, agent)


def can_edit_plan(plan, user) -> bool:
    """Edit, record a session, complete: the owner, trainers, managers, the agent's supervisors."""
    if own_agent_id(user) == plan.agent_id:
        return False
    if plan.owner_id == user.pk or has_role(user, *PLAN_EDITOR_ROLES):
        return True
    return leads_agent(user, plan.agent)


def can_acknowledge_plan(plan, user) -> bool:
    return own_agent_id(user) is not None and own_agent_id(user) == plan.agent_id


def can_own_plan_of(user, agent) -> bool:
    """`user` may be the owner of a plan for `agent`: a trainer, or a supervisor of their team."""
    if own_agent_id(user) == agent.pk or not getattr(user, "is_active", True):
        return False
    return TRAINER in user_roles(user) or leads_agent(user, agent)


REFUSALS: dict[Callable[..., bool], str] = {
    can_edit_plan: ONLY_EDITORS,
    can_acknowledge_plan: ONLY_PLAN_AGENT,
}


def require(rule: Callable[..., bool], plan, user) -> None:
    """PermissionDenied with the rule's refusal unless `rule(plan, user)` (for services)."""
    if not rule(plan, user):
        raise PermissionDenied(REFUSALS[rule])


def require_create(user, agent) -> None:
    if not can_create_plan_for(user, agent):
        raise PermissionDenied(NOT_FOR_SELF if own_agent_id(user) == agent.pk else NO_CREATE)


# --- the same rules for DRF ---------------------------------------------------------------------


class CanOpenPlans(BasePermission):
    message = NO_PLANS

    def has_permission(self, request, view) -> bool:
        if getattr(view, "detail", False):
            # One plan or session: its scope answers (outside it, HR's included, a 404).
            return bool(request.user and request.user.is_authenticated)
        if not can_open_plans(request.user):
            return False
        if request.method == "POST" and getattr(view, "action", None) == "create" and view.basename.endswith("plan"):
            if not can_create_plans(request.user):
                self.message = NO_CREATE
                return False
        return True


def _plan_of(obj):
    return getattr(obj, "plan", obj)


class CanEditPlan(BasePermission):
    """Unsafe methods on a plan (or a session: its plan) are the editors'."""

    message = ONLY_EDITORS

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or can_edit_plan(_plan_of(obj), request.user)


class CanAcknowledgePlan(BasePermission):
    message = ONLY_PLAN_AGENT

    def has_object_permission(self, request, view, obj) -> bool:
        return can_acknowledge_plan(_plan_of(obj), request.user)
