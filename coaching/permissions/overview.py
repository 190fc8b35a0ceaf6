"""Who opens the coaching overview pages: the trainer's landing page (`coaching-home`) and the
center-wide coaching report (`coaching-report`). What each page shows is scoped by the areas'
own selectors (`plans_visible_to`, `needs_visible_to`, `sessions_visible_to`): a supervisor sees
their teams' plans only.

- Landing page: trainers, supervisors, managers, admins (their coaching work).
- Report: trainers, managers, admins, QA, and supervisors (on their teams' plans).
- Agents and HR: 403 on both (HR sees no coaching content; an agent has "My plans").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qa_platform.roles import ADMIN, MANAGER, QA, SUPERVISOR, TRAINER, has_role

HOME_ROLES = (TRAINER, SUPERVISOR, MANAGER, ADMIN)
REPORT_ROLES = (TRAINER, MANAGER, ADMIN, QA, SUPERVISOR)

NO_HOME = _("The coaching page is for trainers, supervisors and managers.")
NO_REPORT = _("The coaching report is for trainers, supervisors, QA and managers.")


def can_open_home(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *HOME_ROLES))


def can_open_report(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *REPORT_ROLES))
