"""Who may do what with training needs and group training sessions: each rule once, asked by the
pages, the API and the services.

- Needs (the flags and their evidence) are read by trainers, QA, managers and admins (the whole
  center), and by supervisors for their own teams: a need of a team they lead, and an individual
  need of one of their agents. A need of a shift, direction, service type or line of business
  spans teams; a supervisor sees it through the training sessions their agents attend. Agents and
  HR see no needs.
- Training sessions are read by the center-wide roles; a supervisor reads the sessions one of
  their agents is invited to (seeing their own agents' attendance only); an agent reads the
  sessions they are invited to (their own attendance, no figures); HR nothing.
- Trainers and managers create sessions and dismiss needs; attendance is taken by the session's
  trainer or a manager. The thresholds are changed by managers, trainers and admins.

Which needs and sessions a user sees is `selectors.needs.needs_visible_to` /
`sessions_visible_to` (outside them: 404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from qa_platform.roles import ADMIN, AGENT, CENTER_WIDE_ROLES, MANAGER, SUPERVISOR, TRAINER, has_role

NEED_READER_ROLES = tuple(sorted(CENTER_WIDE_ROLES | {SUPERVISOR}))
TRAINING_READER_ROLES = tuple(sorted(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT}))
TRAINING_MANAGER_ROLES = (TRAINER, MANAGER)
NEED_POLICY_ROLES = (MANAGER, TRAINER, ADMIN)

NO_NEEDS = _("Your role does not give access to training needs.")
NO_TRAINING = _("Your role does not give access to training sessions.")
ONLY_TRAINING_MANAGERS = _("Training sessions are created, and needs dismissed, by trainers and managers.")
ONLY_SESSION_TRAINER = _("Attendance is taken by the session's trainer or a manager.")
NO_NEED_POLICY = _("The training-need thresholds are changed by managers and trainers.")


def can_open_needs(user) -> bool:
    return bool(user.is_authenticated and has_role(user, *NEED_READER_ROLES))


def can_open_training(user) -> bool:
    return bool(user.is_authenticated and has_role(user, *TRAINING_READER_ROLES))


def sees_training_figures(user) -> bool:
    """The group's rate before and after a session, and the attendee list (scoped to the agents the
    user sees): not for an agent, who sees their own attendance only."""
    return has_role(user, *NEED_READER_ROLES)


def can_manage_training(user) -> bool:
    """Create a training session, dismiss a need."""
    return has_role(user, *TRAINING_MANAGER_ROLES)


def can_take_attendance(session, user) -> bool:
    return has_role(user, MANAGER) or (has_role(user, TRAINER) and session.trainer_id == user.pk)


def can_edit_need_policy(user) -> bool:
    return has_role(user, *NEED_POLICY_ROLES)


def require_manage_training(user) -> None:
    if not can_manage_training(user):
        raise PermissionDenied(ONLY_TRAINING_MANAGERS)


def require_take_attendance(session, user) -> None:
    if not can_take_attendance(session, user):
        raise PermissionDenied(ONLY_SESSION_TRAINER if can_manage_training(user) else ONLY_TRAINING_MANAGERS)


# --- the same rules for DRF ---------------------------------------------------------------------


class CanOpenNeeds(BasePermission):
    """Reading needs; dismissing one (any other method) is for trainers and managers."""

    message = NO_NEEDS

    def has_permission(self, request, view) -> bool:
        if not can_open_needs(request.user):
            return False
        if request.method not in SAFE_METHODS and not can_manage_training(request.user):
            self.message = ONLY_TRAINING_MANAGERS
            return False
        return True


class CanOpenTraining(BasePermission):
    """Reading sessions; creating one or taking attendance is for trainers and managers, and
    attendance, for the session's own trainer or a manager."""

    message = NO_TRAINING

    def has_permission(self, request, view) -> bool:
        if not can_open_training(request.user):
            return False
        if request.method not in SAFE_METHODS and not can_manage_training(request.user):
            self.message = ONLY_TRAINING_MANAGERS
            return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not can_take_attendance(obj, request.user):
            self.message = ONLY_SESSION_TRAINER
            return False
        return True
