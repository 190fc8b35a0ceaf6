from rest_framework.permissions import BasePermission

from qa_platform.roles import (
    ADMIN,
    AGENT,
    ALL_ROLES,
    CENTER_WIDE_ROLES,
    MANAGER,
    SUPERVISOR,
    has_role,
    user_roles,
)

CALL_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT})
# The center overview.
OVERVIEW_ROLES = (MANAGER, ADMIN)
# Team pages (a supervisor sees only the teams they lead).
TEAM_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR})
# The call list (agents reach their own calls from their agent page).
CALL_LIST_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR})


# Managing people (agents, teams, user accounts and their roles) and importing the roster.
PEOPLE_ROLES = (MANAGER, ADMIN)


def can_manage_people(user) -> bool:
    """Managers and admins create and edit agents, teams and user accounts (the /people/ pages,
    the roster import); everyone else is refused."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *PEOPLE_ROLES)


def grantable_roles(user) -> tuple[str, ...]:
    """The roles `user` may give or take away: an admin every role, a manager all but admin."""
    if not can_manage_people(user):
        return ()
    return ALL_ROLES if has_role(user, ADMIN) else tuple(r for r in ALL_ROLES if r != ADMIN)


def is_privileged_account(account) -> bool:
    """An account only an admin may change: a superuser, an admin, or one that opens the Django
    admin (its password would open whatever the admin grants it)."""
    if account.is_superuser or account.is_staff:
        return True
    # groups.all() rather than user_roles(): a list page prefetches the groups of every account.
    return any(group.name == ADMIN for group in account.groups.all())


def can_edit_account(user, account) -> bool:
    """A manager edits ordinary accounts; only an admin edits privileged ones."""
    if not can_manage_people(user):
        return False
    return has_role(user, ADMIN) or not is_privileged_account(account)


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
