"""The agent's monthly report (座席月报): their QA average against their team's and the center's,
six months' trend, where points were lost, the comparisons, and the month's evaluations whose
feedback has reached them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.models import VISIBLE_TO_AGENT

from ..selectors.monthly import MonthFigures
from ..selectors.qa import Scope
from . import sections
from .base import heading, month_text, note, render_document


def render(figures: MonthFigures, agent_id: int) -> bytes:
    info = figures.agent_info[agent_id]
    mine = figures.of(Scope.AGENT, agent_id)
    team = figures.of(Scope.TEAM, info["team_id"])
    center = figures.center
    name = f"{info['name']} ({info['employee_id']})"
    # The agent reads this report: an evaluation is listed once its feedback has reached them, as
    # on their evaluations page (scoring's VISIBLE_TO_AGENT).
    evaluations = figures.agent_evaluations.get(agent_id, [])
    delivered = [e for e in evaluations if e["status"] in VISIBLE_TO_AGENT]
    pending = len(evaluations) - len(delivered)
    story = [
        *sections.no_data_note(mine),
        *sections.key_figures(
            mine,
            comparisons=[
                (_("Team average (%(team)s)") % {"team": info["team__name"]}, team.summary),
                (_("Center average"), center.summary),
            ],
        ),
        *sections.trend(
            figures.months,
            [(info["name"], mine.trend), (_("Team"), team.trend), (_("Center"), center.trend)],
        ),
        heading(_("Where points were lost")),
        *sections.pareto(mine.lost),
        *sections.distribution(mine),
        *sections.comparisons(mine, ("direction", "service_type", "shift", "method")),
        heading(_("This month's evaluations")),
        sections.evaluations_table(delivered),
        note(_("Counted: regular evaluations with a final score, of calls started in the month.")),
    ]
    if pending:
        story.append(
            note(
                ngettext(
                    "%(n)s more evaluation counts in the figures above but is not listed: its feedback has not "
                    "reached the agent yet.",
                    "%(n)s more evaluations count in the figures above but are not listed: their feedback has not "
                    "reached the agent yet.",
                    pending,
                )
                % {"n": pending}
            )
        )
    return render_document(
        story,
        title=_("Agent monthly report"),
        subtitle=_("%(agent)s – team %(team)s – %(month)s")
        % {"agent": name, "team": info["team__name"], "month": month_text(figures.period)},
        subject=name,
    )
