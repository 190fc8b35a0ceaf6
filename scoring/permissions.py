"""DRF permissions for the evaluations API.

Which evaluations a user may see is `selectors.evaluations_visible_to` (outside it: 404). Who
may take each step is decided by the services (they raise PermissionDenied); the object
permissions below ask the same questions earlier, so a request from the wrong person is a 403
before its body is validated, and the pages' rules and the API's stay one rule.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from qa_platform.roles import AGENT, CENTER_WIDE_ROLES, SUPERVISOR, has_role

from . import services

# HR reads numbers through the export only: no evaluations, no comments (DESIGN.md §1).
EVALUATION_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT})


def can_see_evaluations(user) -> bool:
    return bool(user.is_authenticated and has_role(user, *EVALUATION_ROLES))


class CanSeeEvaluations(BasePermission):
    message = _("Your role does not give access to evaluations.")

    def has_permission(self, request, view) -> bool:
        return can_see_evaluations(request.user)


class IsEvaluator(BasePermission):
    """Drafts and submissions are the evaluator's alone."""

    message = _("Only the evaluator may change this evaluation.")

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.evaluator_id == request.user.pk


class IsEvaluatedAgent(BasePermission):
    """Acknowledging and disputing are the evaluated agent's."""

    message = _("Only the evaluated agent may do this.")

    def has_object_permission(self, request, view, obj) -> bool:
        agent = getattr(request.user, "agent", None)
        return agent is not None and agent.pk == obj.agent_id


class CanDeliverFeedback(BasePermission):
    message = _("Only the evaluator, the agent's supervisor or a manager delivers feedback.")

    def has_object_permission(self, request, view, obj) -> bool:
        return services.can_deliver_feedback(obj, request.user)


class CanResolveDispute(BasePermission):
    message = _("A dispute is resolved by QA or a manager other than the original evaluator.")

    def has_object_permission(self, request, view, obj) -> bool:
        return services.can_resolve(obj, request.user)
