"""Reads for scoring, scoped to the requesting user.

agent → own evaluations once feedback has reached them, and own self-evaluations;
supervisor → scored evaluations of their teams' agents, plus their own;
qa, trainer, manager, admin → all; hr → none (HR sees numbers through the export only).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from monitoring.models import Assignment, AssignmentStatus
from qa_platform.roles import CENTER_WIDE_ROLES, SUPERVISOR, user_roles

from .models import SCORED, VISIBLE_TO_AGENT, Answer, Criterion, Evaluation, Kind, Section


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    roles = user_roles(user)
    qs = Evaluation.objects.select_related(
        "call", "call__line_of_business", "agent", "agent__team", "evaluator", "version", "version__scorecard"
    )
    agent = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    # Whatever other roles they hold, about their own calls a person sees only what an agent
    # may: delivered regular evaluations and their own self-evaluations.
    own_rule = Q(agent=agent) & ~(Q(kind=Kind.REGULAR, status__in=VISIBLE_TO_AGENT) | Q(kind=Kind.SELF, evaluator=user))
    # Blind scoring: while someone still has an open assignment on a call (double scoring, or
    # the first score of it), they see nobody else's evaluation of that call.
    qs = qs.alias(
        scoring_blind=Exists(
            Assignment.objects.filter(call=OuterRef("call_id"), evaluator=user.pk, status=AssignmentStatus.OPEN)
        )
    ).filter(Q(scoring_blind=False) | Q(evaluator=user.pk))
    if roles & CENTER_WIDE_ROLES:
        return qs.exclude(own_rule) if agent is not None else qs
    scope = Q(evaluator=user) if roles else Q(pk__in=[])
    if SUPERVISOR in roles:
        scope |= Q(agent__team__supervisors=user, status__in=SCORED, kind=Kind.REGULAR)
    if agent is not None:
        scope |= Q(agent=agent, kind=Kind.REGULAR, status__in=VISIBLE_TO_AGENT)
        scope |= Q(agent=agent, kind=Kind.SELF)
        return qs.filter(scope).exclude(own_rule).distinct()
    return qs.filter(scope).distinct()


def with_scorecard(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Everything a scoring or evaluation page needs, in a fixed number of queries."""
    return qs.select_related("call__shift", "call__agent__team", "assignment", "feedback_delivered_by").prefetch_related(
        Prefetch("version__sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("version__sections__criteria", queryset=Criterion.objects.order_by("position", "pk")),
        Prefetch("answers", queryset=Answer.objects.all()),
        "disputes__raised_by",
        "disputes__resolved_by",
    )


def unfinished_drafts(user) -> QuerySet[Evaluation]:
    """The evaluator's evaluations started but not submitted, latest saved first."""
    return (
        Evaluation.objects.filter(evaluator=user, status__in=["assigned", "in_progress"])
        .select_related("call", "agent", "call__line_of_business")
        .order_by("-draft_saved_at", "-created_at")
    )
