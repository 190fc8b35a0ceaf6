"""The weekly summary (周报): the week's QA average, quota progress as the plan counts it (each
team's agents against their weekly targets, the agents behind, the lines' monthly minimums),
feedback and disputes, and the week's findings — the criteria that lost the most points."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from planning.periods import week_label

from ..selectors.summaries import WeeklySummary
from . import charts, sections
from .base import (
    CONTENT_WIDTH,
    chart_block,
    count,
    facts,
    heading,
    mean_text,
    month_text,
    note,
    render_document,
    short_date,
    table,
)
from .daily import feedback_and_disputes

W = CONTENT_WIDTH
REASONS = {
    "overdue": lambda: _("overdue work"),
    "short": lambda: _("too little planned"),
    "pace": lambda: _("behind pace"),
}


def _quota(summary: WeeklySummary) -> list:
    t = summary.totals
    teams = summary.teams
    drawing = charts.grouped_bar_chart(
        [row.team for row in teams],
        [(_("target"), [row.target for row in teams]), (_("done"), [row.done for row in teams])],
    )
    team_rows = [
        [row.team, count(row.agents), count(row.target), count(row.done), f"{row.progress_pct} %", count(row.behind)]
        for row in teams
    ]
    behind_rows = [
        [
            f"{r.name} ({r.employee_id})",
            r.team,
            r.tier_label,
            count(r.target),
            count(r.planned),
            count(r.done),
            ", ".join(str(REASONS[k]()) for k in r.behind_reasons),
        ]
        for r in summary.behind
    ]
    line_rows = [
        [r.name, count(r.minimum), count(r.planned), count(r.done), r.progress_short, _("yes") if r.behind else ""]
        for r in summary.lines
    ]
    out = [
        heading(_("Quota progress")),
        facts(
            [
                (_("Agents with a weekly target"), count(t.rows)),
                (_("Monitored calls done / target"), f"{count(t.done)} / {count(t.target)}"),
                (_("Agents behind schedule"), count(t.behind)),
                (_("Overdue assignments"), count(t.overdue)),
            ]
        ),
        chart_block(_("Target and done by team"), drawing, empty=_("No weekly targets for this week.")),
        table(
            [_("Team"), _("Agents"), _("Target"), _("Done"), _("Progress"), _("Behind")],
            team_rows,
            widths=[W * 0.35, W * 0.11, W * 0.12, W * 0.12, W * 0.15, W * 0.15],
            numeric=(1, 2, 3, 4, 5),
        ),
        sections.subheading(_("Agents behind schedule")),
        table(
            [_("Agent"), _("Team"), _("Tier"), _("Target"), _("Planned"), _("Done"), _("Why")],
            behind_rows,
            widths=[W * 0.22, W * 0.18, W * 0.14, W * 0.08, W * 0.09, W * 0.08, W * 0.21],
            numeric=(3, 4, 5),
            empty=_("No agent is behind schedule."),
        ),
    ]
    if summary.behind_count > len(summary.behind):
        out.append(
            note(
                _("%(shown)s of %(n)s listed, least progress first.")
                % {"shown": len(summary.behind), "n": summary.behind_count}
            )
        )
    out += [
        sections.subheading(_("Lines of business, %(month)s (monthly minimum)") % {"month": month_text(summary.month)}),
        table(
            [_("Line of business"), _("Minimum"), _("Planned"), _("Done"), _("Progress"), _("Behind")],
            line_rows,
            widths=[W * 0.35, W * 0.12, W * 0.12, W * 0.12, W * 0.14, W * 0.15],
            numeric=(1, 2, 3, 4),
        ),
    ]
    return out


def render(summary: WeeklySummary) -> bytes:
    week_end = summary.week_start + dt.timedelta(days=6)
    story = [
        heading(_("The week's QA")),
        facts(
            [
                (_("QA average"), mean_text(summary.evaluations)),
                (_("Critical failures"), sections.critical_text(summary.evaluations)),
            ]
        ),
        sections.grouped_table(_("Team"), summary.by_team, empty=_("No evaluations of this week's calls.")),
        *_quota(summary),
        *feedback_and_disputes(summary.feedback, summary.disputes),
        heading(_("The week's findings")),
        *sections.pareto(summary.lost),
        *sections.pareto(summary.lost_by_category, by="category"),
        note(_("Counted: regular evaluations with a final score, of calls started in the week.")),
    ]
    return render_document(
        story,
        title=_("Weekly summary"),
        subtitle=_("%(week)s (%(start)s – %(end)s)")
        % {
            "week": week_label(summary.week_start),
            "start": short_date(summary.week_start),
            "end": short_date(week_end),
        },
        subject=_("Weekly summary"),
    )
