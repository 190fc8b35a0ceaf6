"""Scoring's menu entries (see qa_platform/menu.py), by the rules in permissions.py."""

from django.utils.translation import gettext as _

from qa_platform.menu import NavItem
from qa_platform.roles import AGENT, has_role, user_roles

from .models import Kind
from .permissions import (
    CALIBRATION_READER_ROLES,
    RESOLVER_ROLES,
    SCORECARD_READER_ROLES,
    can_open_calibration,
    can_run_calibration,
    can_see_evaluations,
    can_see_reliability,
    start_refusal,
)
from .selectors_calibration_sessions import takes_part_in_an_open_session


def items(user) -> list[NavItem]:
    out = []
    if can_see_evaluations(user):
        label = _("My evaluations") if user_roles(user) == {AGENT} else _("Evaluations")
        out.append(NavItem("evaluation-list", label, 60))
    if has_role(user, *RESOLVER_ROLES):
        out.append(NavItem("dispute-list", _("Disputes"), 70))
    if has_role(user, *SCORECARD_READER_ROLES):
        out.append(NavItem("scorecard-list", _("Scorecards"), 110))
    if can_see_reliability(user):
        out.append(NavItem("reliability", _("Scoring reliability"), 115))
        out.append(NavItem("auto-agreement", _("Automatic answers"), 117))
    if _calibration_in_menu(user):
        out.append(NavItem("calibration-list", _("Calibration"), 116))
    return out


def _calibration_in_menu(user) -> bool:
    """Those who run or read every session; anyone else while they take part in one under way."""
    if can_run_calibration(user) or has_role(user, *CALIBRATION_READER_ROLES):
        return True
    return can_open_calibration(user) and takes_part_in_an_open_session(user)


def call_actions(user, call) -> list[NavItem]:
    """On a call's page: evaluate it, or self-evaluate one's own call (`start_refusal`, the rule
    the start pages and the service apply)."""
    out = []
    if start_refusal(user, call=call, kind=Kind.REGULAR) is None:
        out.append(NavItem("evaluation-start", _("Evaluate this call"), 10, args=(call.pk,), primary=True))
    elif start_refusal(user, call=call, kind=Kind.SELF) is None:
        out.append(NavItem("evaluation-self-start", _("Self-evaluate this call"), 20, args=(call.pk,)))
    return out
