"""Reads for the people pages: each list costs a fixed number of queries, whatever its size."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from qa_platform.roles import AGENT, SUPERVISOR

from ..models import Agent, Team

User = get_user_model()
STATUSES = ("active", "inactive", "all")


def agents_for_management(*, query: str = "", team_id: int | None = None, status: str = "all") -> QuerySet[Agent]:
    qs = Agent.objects.select_related("team", "team__site", "user").order_by("team__name", "name")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(employee_id__icontains=query))
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if status in ("active", "inactive"):
        qs = qs.filter(active=status == "active")
    return qs


def teams_for_management() -> QuerySet[Team]:
    return (
        Team.objects.select_related("site")
        .prefetch_related("lines_of_business", Prefetch("supervisors", queryset=User.objects.order_by("username")))
        .annotate(active_agents=Count("agents", filter=Q(agents__active=True)))
        .order_by("name")
    )


def accounts_for_management(*, query: str = "", role: str = "", status: str = "all") -> QuerySet:
    qs = User.objects.select_related("agent").prefetch_related("groups").order_by("username")
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if role:
        qs = qs.filter(groups__name=role)
    if status in ("active", "inactive"):
        qs = qs.filter(is_active=status == "active")
    return qs


def login_choices(agent: Agent | None) -> QuerySet:
    """Accounts an agent may be linked to: holders of the Agent role that are no other agent's
    login (and the agent's current one)."""
    free = Q(agent__isnull=True, groups__name=AGENT)
    if agent is not None and agent.user_id:
        free |= Q(pk=agent.user_id)
    return User.objects.filter(free).distinct().order_by("username")


def supervisor_choices(team: Team | None) -> QuerySet:
    """Accounts that may lead a team: active holders of the Supervisor role (and the team's
    current supervisors, so an edit never drops one silently)."""
    allowed = Q(is_active=True, groups__name=SUPERVISOR)
    if team is not None and team.pk:
        allowed |= Q(pk__in=team.supervisors.values("pk"))
    return User.objects.filter(allowed).distinct().order_by("username")
