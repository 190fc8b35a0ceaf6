"""Reports' menu entries and the QA picture on monitoring's agent and team pages (see
qa_platform/menu.py), by the rules in permissions.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from monitoring.models import Agent, Team
from monitoring.selectors import Center
from qa_platform.menu import REPORTS, NavItem, Panel
from qa_platform.roles import ADMIN, MANAGER, QA, SUPERVISOR, has_role

from . import charts
from .permissions import (
    can_export_bonus,
    can_list_performance,
    can_list_reports,
    can_see_performance,
    can_view_all_appraisals,
    can_view_dashboard,
    can_view_own_appraisal,
    can_view_root_causes,
    can_view_scope,
    format_scope,
)
from .selectors.dashboard import qa_picture
from .selectors.periods import latest_scored_month, month_or_latest
from .selectors.qa import Scope
from .selectors.root_causes import process_problems


def _dashboard_order(user) -> int:
    """The dashboard comes first for a supervisor; after the overview for a manager, after the
    work queue and quota progress for those who score calls all day."""
    if has_role(user, MANAGER, ADMIN):
        return 12
    if has_role(user, QA):
        return 35
    if has_role(user, SUPERVISOR):
        return 5
    return 35


def items(user) -> list[NavItem]:
    out = []
    if can_view_dashboard(user):
        out.append(NavItem("dashboard", _("QA dashboard"), _dashboard_order(user)))
    if can_view_root_causes(user):
        out.append(NavItem("root-causes", _("Lost points by root cause"), 96, group=REPORTS))
    if can_view_dashboard(user):
        out.append(NavItem("call-flags", _("Automatic QA flags"), 96, group=REPORTS))
    out.extend(performance_items(user))
    out.extend(appraisal_items(user))
    if can_list_reports(user):
        out.append(NavItem("report-list", _("Reports"), 100))
    return out


def performance_items(user) -> list[NavItem]:
    """The performance scores (an agent: their own page), and the HR export — first for HR."""
    out = []
    if can_list_performance(user):
        out.append(NavItem("performance-list", _("Performance scores"), 95))
    elif can_see_performance(user) and getattr(user, "agent", None) is not None:
        out.append(NavItem("performance-detail", _("My performance"), 65, args=(user.agent.pk,)))
    if can_export_bonus(user):
        out.append(NavItem("hr-export", _("HR export"), 125 if has_role(user, MANAGER, ADMIN) else 8))
    return out


def appraisal_items(user) -> list[NavItem]:
    """Managers and admins: every evaluator's appraisal; an evaluator: their own."""
    if can_view_all_appraisals(user):
        return [NavItem("appraisal-list", _("Evaluator appraisal"), 97)]
    if can_view_own_appraisal(user):
        return [NavItem("appraisal-me", _("My appraisal"), 97)]
    return []


def dashboard_url(scope: Scope, month: str | None = None) -> str:
    query = {"scope": format_scope(scope)}
    if month:
        query["month"] = month
    return f"{reverse('dashboard')}?{urlencode(query)}"


def trend_items(trend) -> list[charts.Item]:
    return [charts.Item.of_mean(point.period.label, point.stats) for point in trend]


def latest_month() -> str | None:
    """The latest month with scored evaluations: where monitoring's month pages (the center
    overview, the teams) open, so their QA picture has figures (qa_platform/menu.py)."""
    period = latest_scored_month()
    return period.label if period else None


def page_panels(user, obj, *, month: str | None = None) -> list[Panel]:
    """The QA picture (the month's average with n and interval, the six-month trend, the weakest
    criteria) on the center overview and on an agent's or a team's page, for whoever may see
    that scope's dashboard; on the center overview a manager's process problems too."""
    panels = []
    if isinstance(obj, Center):
        scope = Scope(Scope.CENTER)
        panels = process_problem_panels(user, month)
    elif isinstance(obj, Agent):
        scope = Scope(Scope.AGENT, obj.pk)
    elif isinstance(obj, Team):
        scope = Scope(Scope.TEAM, obj.pk)
    else:
        return []
    if not can_view_scope(user, scope):
        return panels
    period = month_or_latest(month)
    picture = qa_picture(user=user, scope=scope, period=period)
    context = {
        "picture": picture,
        "trend_chart": charts.line_chart(trend_items(picture.trend), height=180),
        "dashboard_url": dashboard_url(scope, period.label),
        "chart_id": f"qa-picture-{scope.kind}-{scope.pk}",
    }
    return [Panel("reports/dashboard_panel.html", context, 10), *panels]


def process_problem_panels(user, month: str | None) -> list[Panel]:
    """The manager's "Process problems this month" on the center overview: the month's causes
    flagged as process problems (`selectors.root_causes`), each linking to the root-cause report
    of its line or team. One query."""
    if not has_role(user, MANAGER, ADMIN):
        return []
    period = month_or_latest(month)
    flags = process_problems(user=user, period=period)
    url = reverse("root-causes")
    rows = [
        {
            "flag": flag,
            "url": f"{url}?{urlencode({'month': period.label, flag.group.kind: flag.group.pk})}",
        }
        for flag in flags
    ]
    context = {"period": period, "rows": rows, "url": f"{url}?{urlencode({'month': period.label})}"}
    return [Panel("reports/process_problems_panel.html", context, 12)]
