"""Writes for people: agents, teams, user accounts and their roles.

Every function takes the person acting (`by`) and refuses with PermissionDenied when they may
not (monitoring/permissions.py), or with a ValidationError whose keys are the form's field
names. Nothing is ever deleted: `active=False` ends an agent, `is_active=False` an account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qa_platform.roles import AGENT, ALL_ROLES, MANAGER, SUPERVISOR, ensure_role_groups

from ..models import Agent, LineOfBusiness, Site, Team
from ..permissions import can_edit_account, can_manage_people, grantable_roles

User = get_user_model()


def _require_manager(by) -> None:
    if not can_manage_people(by):
        raise PermissionDenied(_("Only managers and administrators manage people."))


# --- agents -----------------------------------------------------------------------------------


def _check_login(*, user, agent: Agent | None) -> None:
    """A newly linked account holds the agent role and is no other agent's login (a link made
    before is left alone, so an agent can still be edited or deactivated)."""
    if user is None or (agent is not None and agent.user_id == user.pk):
        return
    if not user.groups.filter(name=AGENT).exists():
        raise ValidationError(
            {
                "user": _("%(u)s does not have the Agent role; give it the role on the account's page first.")
                % {"u": user.username}
            }
        )
    other = Agent.objects.filter(user=user).exclude(pk=agent.pk if agent else None).first()
    if other is not None:
        raise ValidationError(
            {"user": _("%(u)s is already the login of %(agent)s.") % {"u": user.username, "agent": other}}
        )


def _save_agent(agent: Agent, *, by) -> Agent:
    agent.full_clean()
    agent._history_user = by  # the history row credits who did it, from a page or a command
    agent.save()
    return agent


@transaction.atomic
def agent_create(
    *,
    by,
    employee_id: str,
    name: str,
    team: Team,
    hire_date: dt.date,
    active: bool = True,
    user=None,
    monitoring_notified_on: dt.date | None = None,
) -> Agent:
    _require_manager(by)
    _check_login(user=user, agent=None)
    agent = Agent(
        employee_id=employee_id.strip(),
        name=name.strip(),
        team=team,
        hire_date=hire_date,
        active=active,
        user=user,
        monitoring_notified_on=monitoring_notified_on,
    )
    return _save_agent(agent, by=by)


@transaction.atomic
def agent_update(
    *,
    by,
    agent: Agent,
    employee_id: str,
    name: str,
    team: Team,
    hire_date: dt.date,
    active: bool,
    user=None,
    monitoring_notified_on: dt.date | None = None,
) -> Agent:
    """Change an agent. `active=False` is how someone leaves: their calls, evaluations and
    history stay, and they are no longer sampled."""
    _require_manager(by)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    _check_login(user=user, agent=agent)
    agent.employee_id = employee_id.strip()
    agent.name = name.strip()
    agent.team = team
    agent.hire_date = hire_date
    agent.active = active
    agent.user = user
    agent.monitoring_notified_on = monitoring_notified_on
    return _save_agent(agent, by=by)


# --- teams ------------------------------------------------------------------------------------


def _check_supervisors(supervisors: Iterable) -> list:
    supervisors = list(supervisors)
    holders = set(
        User.objects.filter(pk__in=[u.pk for u in supervisors], groups__name=SUPERVISOR).values_list("pk", flat=True)
    )
    lacking = [u.username for u in supervisors if u.pk not in holders]
    if lacking:
        raise ValidationError(
            {
                "supervisors": _("Without the Supervisor role: %(names)s. Give them the role first.")
                % {"names": ", ".join(sorted(lacking))}
            }
        )
    return supervisors


def _save_team(team: Team, *, lines_of_business: Iterable[LineOfBusiness], supervisors: Iterable) -> Team:
    supervisors = _check_supervisors(supervisors)
    team.full_clean()
    team.save()
    team.lines_of_business.set(list(lines_of_business))
    team.supervisors.set(supervisors)
    return team


@transaction.atomic
def team_create(
    *, by, name: str, site: Site, lines_of_business: Iterable[LineOfBusiness] = (), supervisors: Iterable = ()
) -> Team:
    _require_manager(by)
    return _save_team(Team(name=name.strip(), site=site), lines_of_business=lines_of_business, supervisors=supervisors)


@transaction.atomic
def team_update(
    *, by, team: Team, name: str, site: Site, lines_of_business: Iterable[LineOfBusiness], supervisors: Iterable
) -> Team:
    _require_manager(by)
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.name = name.strip()
    team.site = site
    return _save_team(team, lines_of_business=lines_of_business, supervisors=supervisors)


# --- user accounts ----------------------------------------------------------------------------


def _check_roles(*, by, roles: Iterable[str], account=None) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ALL_ROLES]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(r)s.") % {"r": ", ".join(unknown)}})
    if set(roles) - set(grantable_roles(by)):
        raise PermissionDenied(_("Only an administrator may give the Administrator role."))
    if account is not None and account.pk == by.pk and MANAGER in _roles_of(account) and MANAGER not in roles:
        raise ValidationError({"roles": _("You cannot take away your own Center manager role.")})
    return roles


def _roles_of(account) -> set[str]:
    return set(account.groups.values_list("name", flat=True))


def _check_username(username: str, *, account=None) -> str:
    username = username.strip()
    taken = User.objects.filter(username__iexact=username).exclude(pk=account.pk if account else None)
    if taken.exists():
        raise ValidationError({"username": _("An account with this username already exists.")})
    return username


def _set_password(account: AbstractUser, password: str) -> None:
    try:
        validate_password(password, user=account)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    account.set_password(password)


def _set_roles(account, roles: list[str]) -> None:
    groups: dict[str, Group] = ensure_role_groups()
    account.groups.set([groups[r] for r in roles])
    account.__dict__.pop("_qa_roles", None)  # user_roles() caches on the object


@transaction.atomic
def user_create(
    *,
    by,
    username: str,
    password: str,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
):
    """A new account with its roles and the initial password the manager sets (Django's
    password validators apply); the person changes it after logging in."""
    _require_manager(by)
    roles = _check_roles(by=by, roles=roles)
    account = User(
        username=_check_username(username),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_active=is_active,
    )
    _set_password(account, password)
    account.full_clean()
    account.save()
    _set_roles(account, roles)
    return account


@transaction.atomic
def user_update(
    *,
    by,
    account,
    username: str,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
    password: str = "",
):
    """Change an account; a blank `password` keeps the current one. Making it inactive stops
    its logins and keeps everything it did."""
    if not can_edit_account(by, account):
        raise PermissionDenied(_("Only an administrator may change an administrator's or a staff account."))
    account = User.objects.select_for_update().get(pk=account.pk)
    roles = _check_roles(by=by, roles=roles, account=account)
    if account.pk == by.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    account.username = _check_username(username, account=account)
    account.first_name = first_name.strip()
    account.last_name = last_name.strip()
    account.email = email.strip()
    account.is_active = is_active
    if password:
        _set_password(account, password)
    account.full_clean()
    account.save()
    _set_roles(account, roles)
    return account
