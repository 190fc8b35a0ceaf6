"""Whose progress a user follows on the plan's pages: the whole center for center-wide roles,
their teams' (`monitoring.selectors.led_team_ids`, the one supervisor scope) for a supervisor,
nothing otherwise.

Not `monitoring.selectors.agents_visible_to`, which gives HR every agent for the roster:
someone who is HR and a supervisor must still see only their teams here.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from monitoring.models import Agent, LineOfBusiness, Team
from monitoring.selectors import led_team_ids
from qa_platform.roles import CENTER_WIDE_ROLES, SUPERVISOR, user_roles


def progress_agents(user) -> QuerySet[Agent]:
    roles = user_roles(user)
    if roles & CENTER_WIDE_ROLES:
        return Agent.objects.all()
    if SUPERVISOR in roles:
        return Agent.objects.filter(team_id__in=led_team_ids(user))
    return Agent.objects.none()


def progress_teams(user) -> QuerySet[Team]:
    """The teams offered as a filter on the progress page, scoped like `progress_agents`."""
    roles = user_roles(user)
    if roles & CENTER_WIDE_ROLES:
        return Team.objects.all()
    if SUPERVISOR in roles:
        return Team.objects.filter(pk__in=led_team_ids(user))
    return Team.objects.none()


def lines_visible_to(user) -> QuerySet[LineOfBusiness]:
    """Lines a user follows: all for center-wide roles, the lines their teams handle for a
    supervisor (a line's numbers are the whole line's: a minimum is per line)."""
    roles = user_roles(user)
    qs = LineOfBusiness.objects.all()
    if roles & CENTER_WIDE_ROLES:
        return qs
    if SUPERVISOR in roles:
        handled = Team.lines_of_business.through.objects.filter(
            lineofbusiness_id=OuterRef("pk"), team_id__in=led_team_ids(user)
        )
        return qs.filter(Exists(handled))
    return qs.none()
