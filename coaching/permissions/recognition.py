"""Who may do what with recognition (DESIGN.md §5): each rule once, asked by the pages, the menu
and the services alike.

- Everything is off while the center has recognition switched off (`is_on`): no page (404), no
  menu entry, no badge job, no kudos button.
- An agent's recognition details (badges, streaks, kudos, progress against their own baseline)
  are read by the agent, the supervisors of the agent's team and the center-wide roles (QA,
  trainers, managers, admins). A peer agent — or a supervisor of another team — never: the page
  is a 404 (`may_see_details`). HR: no recognition pages.
- The team board: the team's supervisors and the center-wide roles see every agent's improvement
  over their own baseline (`sees_whole_board`); the team's agents see only the agents who
  improved, and their own position privately. Nobody's raw score is on the board.
- Kudos on a call: supervisors (their teams' calls), QA, trainers and managers on a call with a
  scored regular evaluation they may see, never their own call. A peer agent gives kudos only on
  a curated exemplary entry of the call library (a call the center already holds up as an
  example), never on their own call. Whoever may mark a call for the library
  (`permissions.library.can_mark`) may also suggest the call for it with the kudos.
- The settings are changed by managers and admins.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from monitoring.selectors import led_team_ids
from qa_platform.roles import ADMIN, AGENT, CENTER_WIDE_ROLES, MANAGER, QA, SUPERVISOR, TRAINER, has_role, user_roles
from scoring.models import SCORED, Kind

from ..models import LibraryKind, RecognitionPolicy
from .plans import own_agent_id

RECOGNITION_ROLES = (AGENT, SUPERVISOR, QA, TRAINER, MANAGER, ADMIN)
# Staff who give kudos on an evaluated call.
KUDOS_STAFF_ROLES = (SUPERVISOR, QA, TRAINER, MANAGER)
POLICY_ROLES = (MANAGER, ADMIN)

SWITCHED_OFF = _("Recognition is switched off in this center.")
NO_RECOGNITION = _("Your role does not give access to recognition.")
NO_POLICY = _("The recognition settings are changed by managers.")
NOT_AN_AGENT = _("Your login is not an agent's: you have no recognition page of your own.")
NO_OWN_KUDOS = _("Nobody gives kudos on their own call.")


def is_on() -> bool:
    """The switch, in one query that writes nothing (on until a manager saves the settings), so
    that a page's menu costs the same on its first request as on every later one."""
    enabled = RecognitionPolicy.objects.filter(pk=1).values_list("enabled", flat=True).first()
    return True if enabled is None else enabled


def can_open_recognition(user) -> bool:
    """The recognition pages at all (the switch is `is_on`)."""
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *RECOGNITION_ROLES))


def can_edit_policy(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *POLICY_ROLES))


def is_center_wide(user) -> bool:
    return bool(user_roles(user) & CENTER_WIDE_ROLES)


def leads_team(user, team_id: int) -> bool:
    return SUPERVISOR in user_roles(user) and led_team_ids(user).filter(team_id=team_id).exists()


def may_see_details(user, agent) -> bool:
    """The one rule for an agent's badges, streaks, kudos and progress: the agent, the
    supervisors of their team, the center-wide roles. Not a peer."""
    if not can_open_recognition(user):
        return False
    if own_agent_id(user) == agent.pk:
        return True
    return is_center_wide(user) or leads_team(user, agent.team_id)


def sees_whole_board(user, team) -> bool:
    """Every agent's improvement on `team`'s board (else: the improvers and oneself only)."""
    return is_center_wide(user) or leads_team(user, team.pk)


def may_open_board(user, team) -> bool:
    if not can_open_recognition(user):
        return False
    if sees_whole_board(user, team):
        return True
    agent = getattr(user, "agent", None)
    return agent is not None and agent.team_id == team.pk


def kudos_refusal(user, *, call, evaluation=None, entry=None) -> str | None:
    """Why `user` may not give kudos on `call` (None when they may). The caller has found the
    evaluation in `evaluations_visible_to(user)` or the entry in `library_visible_to(user)`."""
    if not can_open_recognition(user):
        return str(NO_RECOGNITION)
    if own_agent_id(user) == call.agent_id:
        return str(NO_OWN_KUDOS)
    if has_role(user, *KUDOS_STAFF_ROLES):
        if evaluation is None and entry is not None:
            evaluation = entry.evaluation
        if evaluation is None or evaluation.kind != Kind.REGULAR or evaluation.status not in SCORED:
            return str(_("Kudos are given on a call whose regular evaluation is submitted."))
        return None
    if has_role(user, AGENT) and own_agent_id(user) is not None:
        if entry is None or not entry.curated or entry.kind != LibraryKind.EXEMPLARY:
            return str(_("Agents give kudos on the exemplary calls of the call library."))
        return None
    return str(NO_RECOGNITION)


def require(allowed: bool, refusal) -> None:
    if not allowed:
        raise PermissionDenied(str(refusal))
