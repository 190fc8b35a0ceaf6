"""Who may do what with evaluations and scorecards: each question answered once, here, and asked
by the pages, the API and the services alike (a refusal is a 403 on every surface).

Which evaluations a user may see is `selectors.evaluations_visible_to` (outside it: 404). The
services refuse the wrong person with `require(rule, …)` (PermissionDenied with the rule's
refusal); the DRF permissions ask the same questions earlier, with the same refusal, so a request
from the wrong person is a 403 before its body is validated.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from monitoring.selectors import led_team_ids
from qa_platform.permissions import ReadOrWriteByRole
from qa_platform.roles import (
    ADMIN,
    AGENT,
    CENTER_WIDE_ROLES,
    EVALUATOR_ROLES,
    MANAGER,
    QA,
    SUPERVISOR,
    TRAINER,
    has_role,
    routing_role,
    user_roles,
)

from .models import Kind

# HR reads numbers through the export only: no evaluations, no comments (DESIGN.md §1).
EVALUATION_ROLES = tuple(CENTER_WIDE_ROLES | {SUPERVISOR, AGENT})
# Who scores calls: the evaluator roles, and managers.
SCORING_ROLES = tuple(EVALUATOR_ROLES | {MANAGER})
# Who resolves a dispute (never one about their own score or their own call).
RESOLVER_ROLES = (QA, MANAGER)
# Who builds and publishes scorecards, and who reads them (supervisors and trainers score on them).
SCORECARD_BUILDER_ROLES = (MANAGER, ADMIN, QA)
SCORECARD_READER_ROLES = (*SCORECARD_BUILDER_ROLES, SUPERVISOR, TRAINER)
# Who reads the double-scoring reliability figures (evaluator names side by side; DESIGN.md §4).
RELIABILITY_ROLES = (QA, MANAGER, ADMIN, TRAINER)
# Who creates calibration sessions and facilitates them (a manager or a QA lead; DESIGN.md §4).
CALIBRATION_RUNNER_ROLES = (QA, MANAGER, ADMIN)
# Who reads every calibration session (participants read their own).
CALIBRATION_READER_ROLES = tuple(CENTER_WIDE_ROLES)
# Who changes the calibration policy (tolerance, calls per session, reliability pairs…).
CALIBRATION_POLICY_ROLES = (MANAGER, ADMIN)
# Who opens the calibration pages and API: the readers, and whoever scores calls (a participant
# sees the sessions they take part in). HR and agents never take part.
CALIBRATION_ROLES = tuple(sorted(set(CALIBRATION_READER_ROLES) | set(SCORING_ROLES)))

NO_EVALUATIONS = _("Your role does not give access to evaluations.")
NO_SCORECARDS = _("Your role does not give access to scorecards.")
ONLY_EVALUATOR = _("Only the evaluator may change this evaluation.")
ONLY_FEEDBACK_GIVERS = _("Only the evaluator, the agent's supervisor or a manager delivers feedback.")
ONLY_EVALUATED_AGENT = _("Only the evaluated agent may do this.")
ONLY_RESOLVERS = _("A dispute is resolved by QA or a manager other than the original evaluator.")
NOT_INVOLVED = _("A dispute is decided by someone other than the original evaluator, and never by the agent.")
ONLY_REVIEWER = _("This dispute was routed to its own reviewer, who re-scores the call blind and decides it.")
ONLY_MANAGER_APPEAL = _("An appeal is decided by a manager who neither scored the call nor decided the dispute.")
ONLY_MANAGERS_REASSIGN = _("Only a manager who had no hand in the call hands a dispute to another reviewer.")
NO_CALIBRATION = _("Calibration sessions are created by QA and managers.")
NO_CALIBRATION_POLICY = _("The calibration policy is changed by managers.")
ONLY_FACILITATOR = _("Only the session's facilitator or a manager runs this session.")
ONLY_PARTICIPANTS = _("Only the session's participants score its calls.")
NO_SESSION = _("You are not taking part in this calibration session.")
NO_CALIBRATION_PAGES = _("Your role does not take part in calibration sessions.")


def own_agent_id(user) -> int | None:
    """The user's own agent record, when they take calls themselves."""
    agent = getattr(user, "agent", None)
    return agent.pk if agent is not None else None


def is_own(user, call_or_evaluation) -> bool:
    """The call (or the evaluation of a call) is about the user's own work as an agent."""
    return own_agent_id(user) == call_or_evaluation.agent_id


def can_see_evaluations(user) -> bool:
    return bool(user.is_authenticated and has_role(user, *EVALUATION_ROLES))


def can_build_scorecards(user) -> bool:
    return has_role(user, *SCORECARD_BUILDER_ROLES)


def can_see_reliability(user) -> bool:
    return has_role(user, *RELIABILITY_ROLES)


def can_run_calibration(user) -> bool:
    return has_role(user, *CALIBRATION_RUNNER_ROLES)


def can_edit_calibration_policy(user) -> bool:
    return has_role(user, *CALIBRATION_POLICY_ROLES)


def can_facilitate(session, user) -> bool:
    """The session's facilitator, or a manager; a proposal nobody facilitates yet, any runner."""
    if has_role(user, MANAGER, ADMIN):
        return True
    if session.facilitator_id is None:
        return can_run_calibration(user)
    return session.facilitator_id == user.pk


def can_open_calibration(user) -> bool:
    return bool(user.is_authenticated and has_role(user, *CALIBRATION_ROLES))


def is_participant(session, user) -> bool:
    return session.participants.filter(user_id=user.pk).exists()


def can_see_session(session, user) -> bool:
    """Center-wide roles read every session; anyone else only one they take part in."""
    return has_role(user, *CALIBRATION_READER_ROLES) or is_participant(session, user)


def is_resolver(user) -> bool:
    return has_role(user, *RESOLVER_ROLES)


def evaluator_role_for(user) -> str | None:
    """The role an evaluation by `user` is recorded in when they hold several: the evaluator role
    work is routed by (QA, then supervisor, then trainer), else manager; None when they do not
    score calls."""
    roles = user_roles(user) & set(SCORING_ROLES)
    return routing_role(roles, leads_team=True) or next(iter(roles), None)


def start_refusal(user, *, call, kind: str) -> str | None:
    """Why `user` may not start an evaluation of `kind` on `call`, or None when they may. Nobody
    evaluates their own call except as a self-evaluation, which is only of one's own call."""
    own = is_own(user, call)
    if kind == Kind.SELF:
        return None if own else _("A self-evaluation is of one of your own calls.")
    if own:
        return _("Nobody evaluates their own calls; use a self-evaluation.")
    if evaluator_role_for(user) is None:
        return _("Your role does not evaluate calls.")
    return None


def can_score(evaluation, user) -> bool:
    """Drafts and submissions are the evaluator's alone."""
    return evaluation.evaluator_id == user.pk


def can_deliver_feedback(evaluation, user) -> bool:
    """The evaluator, a supervisor of the agent's team or a manager."""
    if is_own(user, evaluation):
        return False  # nobody handles their own evaluation, whatever roles they hold
    roles = user_roles(user)
    if evaluation.evaluator_id == user.pk or MANAGER in roles:
        return True
    return SUPERVISOR in roles and led_team_ids(user).filter(team_id=evaluation.agent.team_id).exists()


def can_acknowledge(evaluation, user) -> bool:
    """Acknowledging feedback is the evaluated agent's, whatever other roles they hold."""
    return is_own(user, evaluation)


def can_dispute(evaluation, user) -> bool:
    """Disputing a score is the evaluated agent's, whatever other roles they hold."""
    return is_own(user, evaluation)


def _open_dispute(evaluation):
    """The evaluation's open dispute (from prefetched disputes when there are any)."""
    return next((d for d in evaluation.disputes.all() if d.status == "open"), None)


def decide_refusal(evaluation, dispute, user) -> str | None:
    """Why `user` may not decide `dispute` of `evaluation` (None when they may). Never the
    evaluator or the agent. A level-1 dispute routed to a reviewer: that reviewer alone. An
    appeal (level 2): a manager who is not the first decision's reviewer or decider. A level-1
    dispute without a reviewer (nobody was eligible, or raised before routing): QA or a manager."""
    if evaluation.evaluator_id == user.pk or is_own(user, evaluation):
        return str(NOT_INVOLVED)
    if dispute is not None and dispute.level == 2:
        first = dispute.appeal_of
        if not has_role(user, MANAGER) or user.pk in (first.reviewer_id, first.resolved_by_id):
            return str(ONLY_MANAGER_APPEAL)
        return None
    if dispute is not None and dispute.reviewer_id is not None:
        return None if dispute.reviewer_id == user.pk else str(ONLY_REVIEWER)
    return None if is_resolver(user) else str(ONLY_RESOLVERS)


def resolve_refusal(evaluation, user) -> str | None:
    return decide_refusal(evaluation, _open_dispute(evaluation), user)


def can_resolve(evaluation, user) -> bool:
    """Who decides the evaluation's open dispute: `decide_refusal` (one rule for pages, API and
    services; with no open dispute, any resolver, and the state check answers)."""
    return resolve_refusal(evaluation, user) is None


def can_appeal(evaluation, user) -> bool:
    """Appealing a dispute's decision is the evaluated agent's, like disputing."""
    return is_own(user, evaluation)


def can_reassign_reviewer(evaluation, user) -> bool:
    """A manager (not the evaluator, not the agent) hands a dispute's re-score to someone else."""
    return has_role(user, MANAGER, ADMIN) and evaluation.evaluator_id != user.pk and not is_own(user, evaluation)


# What each rule about an evaluation answers the wrong person, on every surface.
REFUSALS: dict[Callable[..., bool], str] = {
    can_score: ONLY_EVALUATOR,
    can_deliver_feedback: ONLY_FEEDBACK_GIVERS,
    can_acknowledge: ONLY_EVALUATED_AGENT,
    can_dispute: ONLY_EVALUATED_AGENT,
    can_resolve: ONLY_RESOLVERS,
    can_appeal: ONLY_EVALUATED_AGENT,
    can_reassign_reviewer: ONLY_MANAGERS_REASSIGN,
}
# Rules whose refusal depends on the case: the specific reason is answered.
_REFUSAL_OF: dict[Callable[..., bool], Callable[..., str | None]] = {can_resolve: resolve_refusal}


def require(rule: Callable[..., bool], evaluation, user) -> None:
    """PermissionDenied with the rule's refusal unless `rule(evaluation, user)` (for services)."""
    if not rule(evaluation, user):
        explain = _REFUSAL_OF.get(rule)
        raise PermissionDenied((explain(evaluation, user) if explain else None) or REFUSALS[rule])


# --- the same rules for DRF ---------------------------------------------------------------------


class CanSeeEvaluations(BasePermission):
    message = NO_EVALUATIONS

    def has_permission(self, request, view) -> bool:
        return can_see_evaluations(request.user)


class CanOpenCalibration(BasePermission):
    message = NO_CALIBRATION_PAGES

    def has_permission(self, request, view) -> bool:
        return can_open_calibration(request.user)


CanReadOrBuildScorecards = ReadOrWriteByRole.of(
    "CanReadOrBuildScorecards", readers=SCORECARD_READER_ROLES, writers=SCORECARD_BUILDER_ROLES, message=NO_SCORECARDS
)


def _on_evaluation(name: str, rule: Callable[..., bool]) -> type[BasePermission]:
    """A DRF object permission that asks `rule(evaluation, user)` and refuses as the service does."""

    def has_object_permission(self, request, view, obj) -> bool:
        allowed = rule(obj, request.user)
        explain = _REFUSAL_OF.get(rule)
        if not allowed and explain is not None:
            self.message = explain(obj, request.user) or REFUSALS[rule]
        return allowed

    return type(name, (BasePermission,), {"message": REFUSALS[rule], "has_object_permission": has_object_permission})


IsEvaluator = _on_evaluation("IsEvaluator", can_score)
CanDeliverFeedback = _on_evaluation("CanDeliverFeedback", can_deliver_feedback)
CanAcknowledge = _on_evaluation("CanAcknowledge", can_acknowledge)
CanDispute = _on_evaluation("CanDispute", can_dispute)
CanResolveDispute = _on_evaluation("CanResolveDispute", can_resolve)
CanAppeal = _on_evaluation("CanAppeal", can_appeal)
CanReassignReviewer = _on_evaluation("CanReassignReviewer", can_reassign_reviewer)
