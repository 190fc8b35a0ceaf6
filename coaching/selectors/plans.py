"""Reads of coaching plans, scoped to the requesting user (`permissions.plans`): the list, a plan's
page, and what the create form offers (the agent's criteria and service types, the goals an
evaluation suggests, a training need's prefill). Each page costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from monitoring.models import Agent, Call
from monitoring.selectors import agents_visible_to, led_team_ids
from qa_platform.roles import SUPERVISOR, user_roles
from scoring.models import SCORED, Answer, Criterion, Evaluation, Kind
from scoring.selectors import evaluations_visible_to

from ..models import CoachingGoal, CoachingPlan, CoachingSession, GoalScope, LibraryCall, PlanStatus, TrainingNeed
from ..permissions.plans import (
    PLAN_EDITOR_ROLES,
    can_create_plan_for,
    can_see_all_plans,
    leads_agent,
    own_agent_id,
)


def plans_visible_to(user) -> QuerySet[CoachingPlan]:
    """Every plan for QA, trainers, managers, admins; a supervisor's teams' agents' plans (and the
    ones they own); an agent's own; nothing for anyone else (HR)."""
    qs = CoachingPlan.objects.select_related("agent", "agent__team", "owner")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if can_see_all_plans(user):
        return qs
    scope = Q(pk__in=[])
    if SUPERVISOR in user_roles(user):
        scope |= Q(agent__team_id__in=led_team_ids(user)) | Q(owner_id=user.pk)
    own = own_agent_id(user)
    if own is not None:
        scope |= Q(agent_id=own)
    return qs.filter(scope)


def plans_for_list(user, *, status="", owner=None, team=None, agent=None) -> QuerySet[CoachingPlan]:
    """The list page's rows, with their goal and session counts (one query, whatever the rows)."""
    qs = plans_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if team is not None:
        qs = qs.filter(agent__team_id=team)
    if agent is not None:
        qs = qs.filter(agent_id=agent)
    return qs.annotate(
        n_goals=Count("goals", distinct=True),
        n_sessions=Count("sessions", distinct=True),
        last_session=Max("sessions__held_at"),
    ).order_by("deadline", "pk")


def plan_for(user, pk: int) -> CoachingPlan:
    """One plan the user may see (else 404), with its goals, sessions and their library calls."""
    qs = plans_visible_to(user).prefetch_related(
        Prefetch("goals", queryset=CoachingGoal.objects.select_related("criterion", "scorecard")),
        Prefetch(
            "sessions",
            queryset=CoachingSession.objects.select_related("held_by").prefetch_related(
                Prefetch("library_calls", queryset=LibraryCall.objects.select_related("call"))
            ),
        ),
    )
    return get_object_or_404(qs, pk=pk)


def session_for(user, pk: int) -> CoachingSession:
    """A session of a plan the user may see (else 404)."""
    return get_object_or_404(
        CoachingSession.objects.select_related("plan", "plan__agent", "held_by").filter(
            plan__in=plans_visible_to(user)
        ),
        pk=pk,
    )


def sessions_visible_to(user) -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.filter(plan__in=plans_visible_to(user))
        .select_related("plan", "held_by")
        .prefetch_related("library_calls")
    )


def motivating_evaluations(user, plan: CoachingPlan) -> list[Evaluation]:
    """The plan's evaluations that the user may open (an agent: those delivered to them)."""
    return list(evaluations_visible_to(user).filter(coaching_plans=plan).order_by("-call__start_time"))


def statuses_with_counts(qs: QuerySet[CoachingPlan]) -> dict[str, int]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in PlanStatus.values}


# --- what the create form offers ----------------------------------------------------------------


def agents_for_new_plan(user) -> QuerySet[Agent]:
    """The agents `user` may create a plan for (trainers: all; supervisors: their teams')."""
    qs = agents_visible_to(user).filter(active=True)
    if not user_roles(user) & set(PLAN_EDITOR_ROLES):
        qs = qs.filter(team_id__in=led_team_ids(user)) if SUPERVISOR in user_roles(user) else qs.none()
    own = own_agent_id(user)
    return qs.exclude(pk=own) if own is not None else qs


def agent_scorecard_ids(agent_id: int) -> set[int]:
    """The scorecards the agent has been evaluated on (any version)."""
    return set(
        Evaluation.objects.filter(agent_id=agent_id)
        .values_list("version__scorecard_id", flat=True)
        .distinct()
        .order_by()
    )


def agent_criteria(agent_id: int) -> list[Criterion]:
    """The criteria a goal of this agent may name: one row per (scorecard, text) of the scorecards
    the agent was evaluated on, the latest version's row."""
    rows = (
        Criterion.objects.filter(section__version__scorecard_id__in=agent_scorecard_ids(agent_id))
        .select_related("section__version__scorecard")
        .order_by("section__version__scorecard__name", "-section__version__number", "section__position", "position")
    )
    seen, out = set(), []
    for c in rows:
        key = (c.section.version.scorecard_id, c.text)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def agent_service_types(agent_id: int) -> list[str]:
    """The service types the agent's calls have (what follow-up monitoring can sample)."""
    return sorted(
        Call.objects.filter(agent_id=agent_id)
        .exclude(service_type="")
        .values_list("service_type", flat=True)
        .distinct()
        .order_by()
    )


@dataclass(frozen=True)
class GoalSuggestion:
    scope: str
    criterion_id: int | None
    category: str
    label: str
    lost: float  # points lost on it in the evaluations


def lost_criteria(evaluation_ids) -> list[GoalSuggestion]:
    """The criteria the evaluations lost points on, most points lost first (goal suggestions)."""
    answers = Answer.objects.filter(
        evaluation_id__in=list(evaluation_ids), is_na=False, value__isnull=False
    ).select_related("criterion")
    lost: dict[int, tuple[Criterion, float]] = {}
    for a in answers:
        c = a.criterion
        missing = c.points * (1 - min(a.value, c.scale_max) / c.scale_max)
        if missing > 0:
            prior = lost.get(c.pk, (c, 0.0))[1]
            lost[c.pk] = (c, prior + missing)
    ranked = sorted(lost.values(), key=lambda cv: (-cv[1], cv[0].text))
    return [GoalSuggestion(GoalScope.CRITERION, c.pk, c.category, c.text, round(v, 1)) for c, v in ranked]


def evaluations_for_new_plan(user, ids) -> list[Evaluation]:
    """The scored regular evaluations named by `ids` that the user may see (a prefill)."""
    clean = [int(i) for i in ids if str(i).isdigit()]
    if not clean:
        return []
    return list(
        evaluations_visible_to(user)
        .filter(pk__in=clean, kind=Kind.REGULAR, status__in=SCORED)
        .order_by("-call__start_time")
    )


def agent_evaluations(agent_id: int, *, limit: int = 30) -> QuerySet[Evaluation]:
    """The agent's latest scored regular evaluations (the form's choice of motivating ones)."""
    return (
        Evaluation.objects.filter(agent_id=agent_id, kind=Kind.REGULAR, status__in=SCORED)
        .select_related("call")
        .order_by("-call__start_time")[:limit]
    )


def need_for_plan(user, pk) -> TrainingNeed:
    """A training need a plan may be made from: an individual need of an agent the user may plan
    for; a group need for whoever reads every plan's agent (trainers, managers). Else 404."""
    need = TrainingNeed.objects.select_related("agent", "agent__team", "scorecard").filter(pk=pk).first()
    if need is None:
        raise Http404
    if need.agent_id is not None:
        if not can_create_plan_for(user, need.agent):
            raise Http404
    elif not (can_see_all_plans(user) or SUPERVISOR in user_roles(user)):
        raise Http404
    return need


def criterion_for_need(need: TrainingNeed) -> Criterion | None:
    """The latest version's row of the need's criterion."""
    if not need.scorecard_id or not need.criterion_text:
        return None
    return (
        Criterion.objects.filter(section__version__scorecard_id=need.scorecard_id, text=need.criterion_text)
        .order_by("-section__version__number")
        .first()
    )


def curated_library_calls() -> QuerySet[LibraryCall]:
    return LibraryCall.objects.filter(curated=True).select_related("call").order_by("title", "pk")


def may_supervise(user, plan: CoachingPlan) -> bool:
    return leads_agent(user, plan.agent)
