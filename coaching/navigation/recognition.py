"""Menu entries and page panels of the coaching app: recognition (see qa_platform/menu.py). Nothing
while the center has recognition switched off (`permissions.recognition.is_on`).

- "My recognition" for an agent with a login; "Recognition" (the team board) for supervisors,
  trainers, QA, managers and admins; "Recognition settings" for managers (always: it is where
  recognition is switched back on).
- An evaluation's page: "Kudos" (the kudos on the call and a form) for whoever may give kudos on
  it (`kudos_refusal`), with "suggest for the call library" for whoever may mark calls.
- An agent's page: their badges and kudos, for whoever may see their recognition details."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.models import Agent
from qa_platform.menu import COACHING, SETTINGS, NavItem, Panel
from qa_platform.roles import ADMIN, MANAGER, QA, SUPERVISOR, TRAINER, has_role
from scoring.models import Evaluation

from ..forms.recognition import KudosForm
from ..models import BadgeAward, Kudos
from ..permissions import recognition as rules
from ..permissions.library import can_mark
from ..permissions.plans import own_agent_id
from ..selectors.recognition import kudos_on_call

BOARD_ROLES = (SUPERVISOR, QA, TRAINER, MANAGER, ADMIN)


def items(user) -> list:
    if not rules.can_open_recognition(user) and not rules.can_edit_policy(user):
        return []
    out = []
    if rules.can_edit_policy(user):
        out.append(NavItem("coaching-recognition-settings", _("Recognition settings"), 147, group=SETTINGS))
    if not rules.is_on():
        return out
    if own_agent_id(user) is not None and rules.can_open_recognition(user):
        out.append(NavItem("coaching-recognition-mine", _("My recognition"), 147, group=COACHING))
    if has_role(user, *BOARD_ROLES):
        out.append(NavItem("coaching-recognition-board", _("Recognition"), 147, group=COACHING))
    return out


def _kudos_panel(user, evaluation: Evaluation) -> list:
    if rules.kudos_refusal(user, call=evaluation.call, evaluation=evaluation) is not None:
        return []
    given = list(kudos_on_call(evaluation.call_id))
    mine = any(k.given_by_id == user.pk for k in given)
    form = None if mine else KudosForm(library=can_mark(user))
    context = {
        "kudos": given,
        "kudos_form": form,
        "action": reverse("coaching-kudos-evaluation", args=[evaluation.pk]),
    }
    return [Panel("coaching/recognition/_kudos_panel.html", context, 45)]


def _agent_panel(user, agent: Agent) -> list:
    if not rules.may_see_details(user, agent):
        return []
    context = {
        "agent": agent,
        "own": own_agent_id(user) == agent.pk,
        "badges": BadgeAward.objects.filter(agent=agent).count(),
        "kudos": Kudos.objects.filter(agent=agent).count(),
        "new": BadgeAward.objects.filter(agent=agent, seen_at__isnull=True).count()
        if own_agent_id(user) == agent.pk
        else 0,
    }
    return [Panel("coaching/recognition/_agent_panel.html", context, 70)]


def page_panels(user, obj, *, month: str | None = None) -> list:
    if not isinstance(obj, Evaluation | Agent) or not rules.can_open_recognition(user) or not rules.is_on():
        return []
    if isinstance(obj, Evaluation):
        return _kudos_panel(user, obj)
    return _agent_panel(user, obj)


def library_kudos(user, entry) -> dict | None:
    """The kudos panel's context on a library entry's page (None: no panel)."""
    if not rules.is_on() or rules.kudos_refusal(user, call=entry.call, entry=entry) is not None:
        return None
    given = list(kudos_on_call(entry.call_id))
    mine = any(k.given_by_id == user.pk for k in given)
    shown = given if has_role(user, *BOARD_ROLES) or own_agent_id(user) == entry.call.agent_id else []
    return {
        "kudos": shown,
        "kudos_form": None if mine else KudosForm(),
        "action": reverse("coaching-kudos-entry", args=[entry.pk]),
    }
