from rest_framework.permissions import BasePermission

from qa_platform.roles import ADMIN, AGENT, CENTER_WIDE_ROLES, MANAGER, SUPERVISOR, has_role

CALL_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT})


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
