"""The line of business's monthly report (每月每项业务): the line against the center, its trend,
the teams that handle it, lost points and comparisons."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..selectors.monthly import MonthFigures
from ..selectors.qa import Scope
from . import sections
from .base import heading, month_text, render_document


def render(figures: MonthFigures, line_id: int) -> bytes:
    info = figures.line_info[line_id]
    mine = figures.of(Scope.LINE, line_id)
    center = figures.center
    teams = sorted(
        (
            (figures.team_info.get(team_id, {}).get("name", str(team_id)), m)
            for team_id, m in figures.line_teams.get(line_id, [])
        ),
        key=lambda row: row[0],
    )
    story = [
        *sections.no_data_note(mine),
        *sections.key_figures(mine, comparisons=[(_("Center average"), center.summary)]),
        *sections.trend(figures.months, [(info["name"], mine.trend), (_("Center"), center.trend)]),
        heading(_("Teams on this line")),
        sections.grouped_table(_("Team"), teams, empty=_("No team's calls on this line were evaluated this month.")),
        heading(_("Where points were lost")),
        *sections.pareto(mine.lost),
        *sections.pareto(mine.lost_by_category, by="category"),
        *sections.distribution(mine),
        *sections.comparisons(mine, ("service_type", "direction", "shift", "method")),
    ]
    return render_document(
        story,
        title=_("Line of business monthly report"),
        subtitle=_("%(line)s – %(month)s") % {"line": info["name"], "month": month_text(figures.period)},
        subject=info["name"],
    )
