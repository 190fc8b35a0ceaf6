"""Who may see which report figures: each rule once, here, asked by the dashboard, the PDF and
export views and the API alike.

- Managers, admins, QA auditors and trainers see the whole center: every line, team and agent.
- A supervisor sees their own teams only (`monitoring.selectors.led_team_ids`): their "center"
  is their teams, a line is the line's calls *of their teams*, and a team or agent outside their
  teams does not exist for them (404, not a leak).
- Agents and HR have no dashboard (403): HR has the export only.

A scope is written `center`, `line:<id>`, `team:<id>` or `agent:<id>` (the `?scope=` value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from monitoring.models import MAX_ID, Agent, LineOfBusiness, Team
from monitoring.selectors import led_team_ids
from qa_platform.roles import ADMIN, AGENT, CENTER_WIDE_ROLES, HR, MANAGER, QA, SUPERVISOR, TRAINER, has_role

from .models import GeneratedReport, ReportKind
from .selectors.qa import Scope

# The dashboard (center-wide roles see everything; supervisors their teams).
DASHBOARD_ROLES = (MANAGER, ADMIN, QA, TRAINER, SUPERVISOR)

SCOPE_RE = re.compile(r"^(center)$|^(line|team|agent):(\d{1,19})$")


def can_view_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *DASHBOARD_ROLES))


def sees_whole_center(user) -> bool:
    """Managers, admins, QA and trainers: no restriction to teams."""
    return has_role(user, *CENTER_WIDE_ROLES)


def parse_scope(value: str | None) -> Scope | None:
    """'team:12' → Scope("team", 12); blank → the center; None when malformed."""
    value = (value or "").strip() or Scope.CENTER
    match = SCOPE_RE.match(value)
    if not match:
        return None
    if match[1]:
        return Scope(Scope.CENTER)
    pk = int(match[3])
    return Scope(match[2], pk) if 1 <= pk <= MAX_ID else None


def format_scope(scope: Scope) -> str:
    """The `?scope=` value of `scope` (the inverse of `parse_scope`)."""
    return scope.kind if scope.kind == Scope.CENTER else f"{scope.kind}:{scope.pk}"


def reach(user, prefix: str = "") -> Q:
    """The rows a user's figures may include, on a model reaching the agent through `prefix`
    ("" for Evaluation and Call, which have `agent`): everything for center-wide roles, the
    agents of their teams for a supervisor, nothing for anyone else."""
    if sees_whole_center(user):
        return Q()
    if has_role(user, SUPERVISOR):
        return Q(**{f"{prefix}agent__team_id__in": led_team_ids(user)})
    return Q(pk__in=[])


def _lines(user):
    qs = LineOfBusiness.objects.all()
    if sees_whole_center(user):
        return qs
    handled = Team.lines_of_business.through.objects.filter(team_id__in=led_team_ids(user)).values("lineofbusiness_id")
    return qs.filter(pk__in=handled)


def _teams(user):
    qs = Team.objects.all()
    return qs if sees_whole_center(user) else qs.filter(pk__in=led_team_ids(user))


def _agents(user):
    qs = Agent.objects.all()
    return qs if sees_whole_center(user) else qs.filter(team_id__in=led_team_ids(user))


def can_view_scope(user, scope: Scope) -> bool:
    """May `user` see the figures of `scope`? (One query for a line, team or agent.)"""
    if not can_view_dashboard(user):
        return False
    if scope.kind == Scope.CENTER:
        return True
    if scope.kind == Scope.LINE:
        return _lines(user).filter(pk=scope.pk).exists()
    if scope.kind == Scope.TEAM:
        return _teams(user).filter(pk=scope.pk).exists()
    if scope.kind == Scope.AGENT:
        return _agents(user).filter(pk=scope.pk).exists()
    return False


def require_scope(user, scope: Scope | None) -> Scope:
    """`scope` if the user may see it; else 403 for a role without dashboards, 404 for a line,
    team or agent outside their reach (or that does not exist, or a malformed value)."""
    if not can_view_dashboard(user):
        raise PermissionDenied(_("Your role has no dashboard."))
    if scope is None or not can_view_scope(user, scope):
        raise Http404(_("No such scope."))
    return scope


@dataclass(frozen=True)
class ScopeOption:
    scope: Scope
    label: str
    group: str

    @property
    def value(self) -> str:
        return format_scope(self.scope)


def center_label(user) -> str:
    return _("Whole center") if sees_whole_center(user) else _("My teams")


def dashboard_scopes(user) -> list[ScopeOption]:
    """The scopes `user` may pick, grouped (center, lines, teams, agents): three queries; empty
    for a role without dashboards."""
    if not can_view_dashboard(user):
        return []
    out = [ScopeOption(Scope(Scope.CENTER), center_label(user), "")]
    lines_group, teams_group, agents_group = _("Lines of business"), _("Teams"), _("Agents")
    for pk, name in _lines(user).order_by("name", "pk").values_list("pk", "name"):
        out.append(ScopeOption(Scope(Scope.LINE, pk), name, lines_group))
    for pk, name in _teams(user).order_by("name", "pk").values_list("pk", "name"):
        out.append(ScopeOption(Scope(Scope.TEAM, pk), name, teams_group))
    agents = _agents(user).filter(active=True).order_by("name", "pk").values_list("pk", "name", "employee_id")
    for pk, name, employee_id in agents:
        out.append(ScopeOption(Scope(Scope.AGENT, pk), f"{name} ({employee_id})", agents_group))
    return out


# --- performance score, HR export, month close ---------------------------------------------------
# HR gets the export and nothing else: numbers only, never comments or recordings.
HR_EXPORT_ROLES = (HR, MANAGER, ADMIN)
# An agent's performance page ("why this score"): the agent themself, their supervisor, QA,
# trainers and managers — scoped by `selectors.performance.performance_agents_visible_to`.
PERFORMANCE_ROLES = (MANAGER, ADMIN, QA, TRAINER, SUPERVISOR, AGENT)
# The list of agents' scores for a month (agents open their own page instead).
PERFORMANCE_LIST_ROLES = (MANAGER, ADMIN, QA, TRAINER, SUPERVISOR)
# Components, weights and bonus bands; closing a month; importing component values.
PERFORMANCE_SETTINGS_ROLES = (MANAGER, ADMIN)
MONTH_CLOSE_ROLES = (MANAGER, ADMIN)
COMPONENT_IMPORT_ROLES = (MANAGER, ADMIN)


def can_export_bonus(user) -> bool:
    return has_role(user, *HR_EXPORT_ROLES)


def can_see_performance(user) -> bool:
    return has_role(user, *PERFORMANCE_ROLES)


def can_list_performance(user) -> bool:
    return has_role(user, *PERFORMANCE_LIST_ROLES)


def can_edit_performance_settings(user) -> bool:
    return has_role(user, *PERFORMANCE_SETTINGS_ROLES)


def can_close_month(user) -> bool:
    return has_role(user, *MONTH_CLOSE_ROLES)


def can_import_components(user) -> bool:
    return has_role(user, *COMPONENT_IMPORT_ROLES)


# --- generated PDF reports (/reports/) ------------------------------------------------------------
# Everyone but HR (HR has the export only), each to their own reports: `reports_visible_to`.
REPORT_ROLES = (MANAGER, ADMIN, QA, TRAINER, SUPERVISOR, AGENT)
# "Generate now" on the reports page.
REPORT_GENERATOR_ROLES = (MANAGER, ADMIN)


def can_list_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *REPORT_ROLES))


def can_generate_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *REPORT_GENERATOR_ROLES))


def reports_visible_to(user):
    """The generated reports `user` may download: all for managers, admins, QA and trainers; for
    a supervisor their teams' reports, their teams' agents' and the center's QA analysis; for an
    agent their own agent reports; nothing for anyone else (HR)."""
    qs = GeneratedReport.objects.select_related("agent", "team", "line_of_business", "generated_by")
    if not can_list_reports(user):
        return qs.none()
    if sees_whole_center(user):
        return qs
    allowed = Q(pk__in=[])
    if has_role(user, SUPERVISOR):
        teams = led_team_ids(user)
        allowed |= Q(kind=ReportKind.TEAM, team_id__in=teams)
        allowed |= Q(kind=ReportKind.AGENT, agent__team_id__in=teams)
        allowed |= Q(kind=ReportKind.CENTER)
    if has_role(user, AGENT):
        allowed |= Q(kind=ReportKind.AGENT, agent__user_id=user.pk)
    return qs.filter(allowed)


# --- evaluator appraisal (/appraisal/) -----------------------------------------------------------
# Managers and admins see every evaluator's appraisal and edit the policy; an evaluator (QA,
# supervisor, trainer) sees their own page only; HR and agents have none.
APPRAISAL_ALL_ROLES = (MANAGER, ADMIN)
APPRAISAL_OWN_ROLES = (QA, SUPERVISOR, TRAINER)
APPRAISAL_POLICY_ROLES = (MANAGER, ADMIN)


def can_view_all_appraisals(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *APPRAISAL_ALL_ROLES))


def can_view_own_appraisal(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *APPRAISAL_OWN_ROLES))


def can_view_appraisal_of(user, subject_id: int) -> bool:
    """Managers and admins: anyone's; an evaluator: their own."""
    if can_view_all_appraisals(user):
        return True
    return can_view_own_appraisal(user) and user.pk == subject_id


def require_appraisal_of(user, subject_id: int) -> None:
    if not can_view_appraisal_of(user, subject_id):
        raise PermissionDenied(_("You may see your own appraisal only."))


def can_edit_appraisal_policy(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *APPRAISAL_POLICY_ROLES))


# --- lost points by root cause (/reports/root-causes/) -------------------------------------------
# The dashboard's readers, scoped as it is (`reach`): a supervisor their teams; agents and HR none.
ROOT_CAUSE_ROLES = DASHBOARD_ROLES


def can_view_root_causes(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *ROOT_CAUSE_ROLES))


def lines_visible_to(user):
    """The lines of business `user` may filter the reports by (a supervisor: their teams' lines)."""
    return _lines(user)


def teams_visible_to(user):
    """The teams `user` may filter the reports by (a supervisor: their own)."""
    return _teams(user)
