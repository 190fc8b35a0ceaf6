"""The center's QA analysis report (质检分析报告, the seed's case): the month's QA average and
what it rests on, six months' trend, the Pareto of lost points by criterion and by category, the
comparisons (shift, direction, service type, method, line, team), each evaluator's count and
average, the state of coaching, and the month's notable calls."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ..selectors.monthly import MonthFigures
from ..selectors.qa import Scope
from . import sections
from .base import (
    CONTENT_WIDTH,
    count,
    date_text,
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
                (_("Targeted picks (top-up, follow-up, flagged, by hand), summarised apart"), mean_text(extra.targeted)),
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


def _share_text(share, template: str) -> str:
    """ "3 of 4 goals with evidence (75 %, 95 % interval 30–95 %)": a share always with its n."""
    if not share.n:
        return _("none has enough evidence yet (n = 0)")
    low, high = share.percent_interval
    return template % {
        "k": count(share.k),
        "n": count(share.n),
        "pct": num(share.percent, 0),
        "low": num(low, 0),
        "high": num(high, 0),
    }


def _coaching(figures: MonthFigures) -> list:
    """The center's coaching plans as they stand when the report is made, the month's movement,
    and whether the goals improved (coaching/selectors/report.py defines each share)."""
    coaching = figures.extra.coaching
    report = coaching.report
    out = [heading(_("Coaching"))]
    if not report.plans_total:
        out.append(
            para(
                _(
                    "No coaching plans recorded yet: plans are created from an evaluation, an agent's page or a "
                    "flagged training need."
                )
            )
        )
        return out
    out.append(
        facts(
            [
                (
                    _("Plans (as of %(date)s)") % {"date": date_text(timezone.localtime(report.now).date())},
                    _(
                        "%(total)s: %(active)s active (%(open)s open, %(progress)s in progress, %(overdue)s overdue), "
                        "%(completed)s completed"
                    )
                    % {
                        "total": count(report.plans_total),
                        "active": count(report.active),
                        "open": count(report.status_count("open")),
                        "progress": count(report.status_count("in_progress")),
                        "overdue": count(report.status_count("overdue")),
                        "completed": count(report.status_count("completed")),
                    },
                ),
                (_("Agents on an active plan"), count(report.agents_on_plans)),
                (
                    _("This month"),
                    _("%(created)s plans created, %(completed)s completed")
                    % {"created": count(coaching.created_in_period), "completed": count(coaching.completed_in_period)},
                ),
                (_("Past their deadline, not completed"), count(len(report.overdue))),
                (
                    _("Goals improved (met or improved)"),
                    _share_text(
                        report.goals,
                        _("%(k)s of %(n)s goals with evidence (%(pct)s %%, 95 %% interval %(low)s–%(high)s %%)"),
                    ),
                ),
                (
                    _("Plans with every goal improved"),
                    _share_text(
                        report.plans_improved,
                        _("%(k)s of %(n)s plans with evidence (%(pct)s %%, 95 %% interval %(low)s–%(high)s %%)"),
                    ),
                ),
            ]
        )
    )
    out.append(
        note(
            _(
                "A goal has evidence once it has 2 evaluations before the plan and 2 since; it improved when the 95 % "
                "interval of its score since the plan lies at or above the target, or that of the difference above zero."
            )
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
