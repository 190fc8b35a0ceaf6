from rest_framework.permissions import BasePermission

from qa_platform.roles import ADMIN, AGENT, CENTER_WIDE_ROLES, MANAGER, SUPERVISOR, has_role, user_roles

CALL_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT})
# The center overview.
OVERVIEW_ROLES = (MANAGER, ADMIN)
# Team pages (a supervisor sees only the teams they lead).
TEAM_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR})
# The call list (agents reach their own calls from their agent page).
CALL_LIST_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR})


def can_ingest_calls(user) -> bool:
    """Managers, admins, and integration accounts granted `monitoring.ingest_calls`."""
    return has_role(user, MANAGER, ADMIN) or user.has_perm("monitoring.ingest_calls")


def can_see_calls(user) -> bool:
    """Anyone but HR-only accounts; which calls is scoped by `calls_visible_to`."""
    return has_role(user, *CALL_ROLES)


class CanIngestCalls(BasePermission):
    message = "You may not ingest calls or recordings."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and can_ingest_calls(request.user))


class CanSeeCalls(BasePermission):
    message = "Your role does not give access to calls or recordings."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and can_see_calls(request.user))


def only_an_agent(user) -> bool:
    """The user holds no role but agent: the roster of others is not for them."""
    return user_roles(user) == {AGENT}
