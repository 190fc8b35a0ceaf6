"""Roles (DESIGN.md §1) are Django groups; a user may hold several."""

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

AGENT = "agent"
SUPERVISOR = "supervisor"
QA = "qa"
TRAINER = "trainer"
MANAGER = "manager"
HR = "hr"
ADMIN = "admin"

ROLE_LABELS = {
    AGENT: _("Agent"),
    SUPERVISOR: _("Supervisor"),
    QA: _("QA auditor"),
    TRAINER: _("Trainer"),
    MANAGER: _("Center manager"),
    HR: _("HR"),
    ADMIN: _("Administrator"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Roles that see every call and recording in the center.
CENTER_WIDE_ROLES = frozenset({QA, TRAINER, MANAGER, ADMIN})
# Roles that evaluate calls.
EVALUATOR_ROLES = frozenset({SUPERVISOR, QA, TRAINER})


def user_roles(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_qa_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {ADMIN}
        user._qa_roles = cached
    return cached


def routing_role(roles, *, leads_team: bool) -> str | None:
    """The evaluator role work is routed to someone by: QA first, then supervisor (only for a
    team they lead), then trainer; None when they evaluate in none of those roles."""
    if QA in roles:
        return QA
    if SUPERVISOR in roles and leads_team:
        return SUPERVISOR
    if TRAINER in roles:
        return TRAINER
    return None


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups (idempotent); used by the migration and seed_demo."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
