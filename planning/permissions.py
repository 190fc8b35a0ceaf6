"""Who may do what in the monitoring plan: each question answered once, here, and asked by the
page, the API and the service alike (a refusal is a 403 on both surfaces).

Which rows a user sees (a supervisor only their teams) is a selector: `selectors.scope`.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qa_platform.permissions import ReadOrWriteByRole
from qa_platform.roles import ADMIN, MANAGER, QA, SUPERVISOR, TRAINER, has_role, user_roles
from scoring.permissions import SCORING_ROLES

# Quota progress (agent-week and line-month rows; supervisors see only their teams).
PROGRESS_ROLES = (MANAGER, ADMIN, QA, TRAINER, SUPERVISOR)
# Each evaluator's load for the week.
LOAD_ROLES = (MANAGER, ADMIN, QA)
# Running the week's plan on demand ("Sample now").
SAMPLING_ROLES = (MANAGER, ADMIN, QA)
# The assignments API (scoped by `selectors.assignments.assignments_visible_to`).
ASSIGNMENT_ROLES = (MANAGER, ADMIN, SUPERVISOR, QA, TRAINER)
# A work queue of one's own (/queue/): whoever scores calls.
QUEUE_ROLES = SCORING_ROLES
# Opening another evaluator's queue (/queue/?evaluator=<username>).
QUEUE_VIEWERS_OF_OTHERS = (MANAGER,)
# Quota policies: managers and admins change them, every evaluating role reads them.
POLICY_EDITORS = (MANAGER, ADMIN)
POLICY_READERS = (MANAGER, ADMIN, SUPERVISOR, QA, TRAINER)


def can_edit_policies(user) -> bool:
    return has_role(user, *POLICY_EDITORS)


def can_open_queue_of_others(user) -> bool:
    return has_role(user, *QUEUE_VIEWERS_OF_OTHERS)


def reassign_refusal(user, *, team_supervisor_ids: Collection[int]) -> str | None:
    """Why `user` may not reassign work on a call of a team led by `team_supervisor_ids`, or None
    when they may: a manager always, a supervisor only on the teams they lead."""
    roles = user_roles(user)
    if MANAGER in roles:
        return None
    if SUPERVISOR in roles:
        if user.pk in team_supervisor_ids:
            return None
        return _("You may only reassign work on your own teams' calls.")
    return _("Only a manager, or the agent's supervisor, reassigns work.")


def may_reassign_anything(user) -> bool:
    """Whether the user could reassign anything at all (a page offers no controls otherwise)."""
    return has_role(user, MANAGER, SUPERVISOR)


CanReadOrEditPolicies = ReadOrWriteByRole.of(
    "CanReadOrEditPolicies",
    readers=POLICY_READERS,
    writers=POLICY_EDITORS,
    message=_lazy("Managers and administrators change quota policies; supervisors, QA and trainers read them."),
)
