"""The team's monthly report (班组月报, the supervisor's month-end operations analysis): the team
against the center, six months' trend, each agent's average, lost points and comparisons."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qa_platform.names import person_name

from ..selectors.monthly import MonthFigures
from ..selectors.qa import Scope
from . import charts, sections
from .base import (
    CONTENT_WIDTH,
    chart_block,
    count,
    heading,
    mean_cells,
    mean_headers,
    month_text,
    num,
    render_document,
    seconds,
    table,
)

W = CONTENT_WIDTH


def agent_rows(figures: MonthFigures, agent_ids: list[int]) -> tuple[list[str], list[list[str]]]:
    headers = [_("Agent"), *mean_headers(), _("Calls"), _("Avg handle"), _("CSAT")]
    rows = []
    for pk in agent_ids:
        info = figures.agent_info[pk]
        f = figures.of(Scope.AGENT, pk)
        k = f.kpis or {}
        rows.append(
            [
                f"{info['name']} ({info['employee_id']})",
                *mean_cells(f.summary),
                count(k.get("calls") or 0),
                seconds(k.get("avg_handle")),
                num(k.get("avg_csat"), 2),
            ]
        )
    return headers, rows


def render(figures: MonthFigures, team_id: int) -> bytes:
    info = figures.team_info[team_id]
    mine = figures.of(Scope.TEAM, team_id)
    center = figures.center
    agent_ids = figures.agents_of_team(team_id)
    headers, rows = agent_rows(figures, agent_ids)
    ranked = sorted(
        (pk for pk in agent_ids if figures.of(Scope.AGENT, pk).summary.n),
        key=lambda pk: -(figures.of(Scope.AGENT, pk).summary.mean or 0),
    )
    ranking = charts.ranking_chart(
        [figures.agent_info[pk]["name"] for pk in ranked],
        [figures.of(Scope.AGENT, pk).summary.mean for pk in ranked],
        reference=center.summary.mean,
    )
    supervisors = ", ".join(
        person_name(s["user__first_name"], s["user__last_name"], s["user__username"]) for s in info["supervisors"]
    )
    story = [
        *sections.no_data_note(mine),
        *sections.key_figures(mine, comparisons=[(_("Center average"), center.summary)]),
        *sections.trend(figures.months, [(info["name"], mine.trend), (_("Center"), center.trend)]),
        heading(_("Agents")),
        chart_block(
            _("Each agent's QA average this month"), ranking, empty=_("No agent of the team was evaluated this month.")
        ),
        table(
            headers,
            rows,
            widths=[W * 0.27, W * 0.07, W * 0.09, W * 0.15, W * 0.09, W * 0.09, W * 0.13, W * 0.11],
            numeric=range(1, 8),
        ),
        heading(_("Where points were lost")),
        *sections.pareto(mine.lost),
        *sections.pareto(mine.lost_by_category, by="category"),
        *sections.distribution(mine),
        *sections.comparisons(mine, ("shift", "direction", "service_type", "method")),
    ]
    return render_document(
        story,
        title=_("Team monthly report"),
        subtitle=_("%(team)s – supervisors: %(supervisors)s – %(month)s")
        % {"team": info["name"], "supervisors": supervisors or "–", "month": month_text(figures.period)},
        subject=info["name"],
    )
