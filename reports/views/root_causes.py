"""Lost points by root cause (/reports/root-causes/): how much of the month's quality gap is the
agent's and how much the process's, per line of business and team, with the causes flagged as
process problems (`selectors.root_causes`). The dashboard's readers, scoped as it is: a
supervisor sees their teams; agents and HR are refused (403). A line or team outside the
reader's reach, or no such one, is a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qa_platform.permissions import role_required

from ..permissions import ROOT_CAUSE_ROLES, center_label, lines_visible_to, teams_visible_to
from ..selectors.periods import month_or_latest
from ..selectors.root_causes import FLAG_MIN_ANSWERS, FLAG_MIN_SHARE, root_cause_report


def _chosen(options: list, value: str | None):
    """The option whose pk is `value`; None for no value; 404 for one outside the options."""
    value = (value or "").strip()
    if not value:
        return None
    chosen = next((o for o in options if str(o.pk) == value), None)
    if chosen is None:
        raise Http404(_("No such line of business or team."))
    return chosen


@role_required(*ROOT_CAUSE_ROLES)
@require_GET
def root_causes(request):
    period = month_or_latest(request.GET.get("month"))
    lines = list(lines_visible_to(request.user).order_by("name", "pk"))
    teams = list(teams_visible_to(request.user).order_by("name", "pk"))
    line, team = _chosen(lines, request.GET.get("line")), _chosen(teams, request.GET.get("team"))
    report = root_cause_report(
        user=request.user,
        period=period,
        line_id=line.pk if line else None,
        team_id=team.pk if team else None,
    )
    return render(
        request,
        "reports/root_causes.html",
        {
            "period": period,
            "report": report,
            "lines": lines,
            "teams": teams,
            "line": line,
            "team": team,
            "center_label": center_label(request.user),
            "flag_min_answers": FLAG_MIN_ANSWERS,
            "flag_min_percent": round(FLAG_MIN_SHARE * 100),
        },
    )
