"""The center's QA analysis report (质检分析报告, the seed's case): the month's QA average and
what it rests on, six months' trend, the Pareto of lost points by criterion and by category, the
comparisons (shift, direction, service type, method, line, team), each evaluator's count and
average, the state of coaching, and the month's notable calls."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..selectors.monthly import MonthFigures
from ..selectors.qa import Scope
from . import sections
from .base import (
    CONTENT_WIDTH,
    count,
    evaluator_name,
    facts,
    heading,
    interval,
    mean_cells,
    mean_text,
    month_text,
    note,
    num,
    para,
    render_document,
    subheading,
    table,
)

W = CONTENT_WIDTH


def _sampling(figures: MonthFigures) -> list:
    extra = figures.extra
    est = extra.random
    if est.n and est.mean is not None:
        estimate = _(
            "%(mean)s (n = %(n)s random picks standing for about %(calls)s calls, 95 %% interval %(interval)s)"
        ) % {
            "mean": num(est.mean),
            "n": count(est.n),
            "calls": count(round(est.weight_sum or 0)),
            "interval": interval(est.interval),
        }
    else:
        estimate = _("no randomly sampled evaluations with a recorded inclusion probability this month")
    return [
        subheading(_("What the average rests on")),
        facts(
            [
                (_("Estimate for all calls, from the random sample (weighted by 1/π)"), estimate),
                (_("Targeted picks (top-up, follow-up, by hand), summarised apart"), mean_text(extra.targeted)),
            ]
        ),
    ]


def _by_level(figures: MonthFigures, level: str, info: dict) -> list[tuple[str, object]]:
    rows = [(info.get(pk, {}).get("name", str(pk)), figures.of(level, pk).summary) for pk in figures.with_data(level)]
    return sorted(rows, key=lambda r: r[0])


def _evaluators(figures: MonthFigures):
    headers = [_("Evaluator"), _("Evaluations"), _("Average score"), _("95 % interval"), _("Critical")]
    rows = [[evaluator_name(r), *mean_cells(r["stats"])] for r in figures.extra.evaluators]
    return table(headers, rows, widths=[W * 0.4, W * 0.14, W * 0.16, W * 0.18, W * 0.12], numeric=(1, 2, 3, 4))


def _coaching(figures: MonthFigures) -> list:
    out = [
        heading(_("Coaching")),
        para(_("No coaching plans recorded: the platform does not hold coaching plans yet.")),
    ]
    flagged = figures.extra.coaching_flagged
    if flagged:
        out.append(
            note(
                ngettext(
                    "%(n)s active agent is marked by hand (in the agent's record) as having an open coaching plan.",
                    "%(n)s active agents are marked by hand (in the agent's record) as having an open coaching plan.",
                    flagged,
                )
                % {"n": count(flagged)}
            )
        )
    return out


def _notable(figures: MonthFigures) -> list:
    extra = figures.extra
    critical_total = figures.center.summary.critical
    out = [
        heading(_("Notable calls")),
        subheading(_("Highest scored")),
        sections.evaluations_table(extra.highest, with_agent=True),
        subheading(_("Lowest scored")),
        sections.evaluations_table(extra.lowest, with_agent=True),
        subheading(_("Critical failures (%(n)s)") % {"n": count(critical_total)}),
        sections.evaluations_table(extra.critical, with_agent=True),
    ]
    if critical_total > len(extra.critical):
        out.append(note(_("The first %(shown)s by call time are listed.") % {"shown": count(len(extra.critical))}))
    return out


def render(figures: MonthFigures) -> bytes:
    center = figures.center
    story = [
        *sections.no_data_note(center),
        *sections.key_figures(center),
        *_sampling(figures),
        *sections.trend(figures.months, [(_("Center"), center.trend)]),
        *sections.distribution(center),
        heading(_("Where points were lost")),
        *sections.pareto(center.lost),
        *sections.pareto(center.lost_by_category, by="category"),
        *sections.comparisons(center, ("shift", "direction", "service_type", "method")),
        subheading(_("By line of business")),
        sections.grouped_table(_("Line of business"), _by_level(figures, Scope.LINE, figures.line_info)),
        subheading(_("By team")),
        sections.grouped_table(_("Team"), _by_level(figures, Scope.TEAM, figures.team_info)),
        heading(_("Evaluators")),
        _evaluators(figures),
        *_coaching(figures),
        *_notable(figures),
    ]
    return render_document(
        story,
        title=_("Center QA analysis"),
        subtitle=month_text(figures.period),
        subject=_("Center QA analysis"),
    )
