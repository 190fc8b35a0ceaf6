"""The daily summary (日报): the day's evaluations, feedback against its deadline, disputes, and
the criteria that lost the most points."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..selectors.dashboard import Share
from ..selectors.summaries import DailySummary
from . import charts, sections
from .base import chart_block, count, date_text, facts, heading, mean_text, pct, pct_interval, render_document


def share_text(share: Share) -> str:
    """ "9 of 10 (90 %, 95 % interval 60–98 %)"."""
    if not share.n:
        return _("none due")
    return _("%(k)s of %(n)s (%(rate)s, 95 %% interval %(interval)s)") % {
        "k": count(share.k),
        "n": count(share.n),
        "rate": pct(share.rate),
        "interval": pct_interval(share.interval),
    }


def feedback_and_disputes(feedback, disputes, *, open_now: int | None = None) -> list:
    pairs = [
        (_("Feedback due on them"), count(feedback.due)),
        (_("Feedback SLA met (delivered by the deadline)"), share_text(feedback.share)),
        (_("Delivered late / not delivered yet"), f"{count(feedback.late)} / {count(feedback.waiting)}"),
        (_("Disputes opened"), count(disputes.opened)),
        (
            _("Disputes resolved (score adjusted)"),
            _("%(resolved)s (%(adjusted)s adjusted)")
            % {"resolved": count(disputes.resolved), "adjusted": count(disputes.adjusted)},
        ),
    ]
    if open_now is not None:
        pairs.append((_("Disputes open now"), count(open_now)))
    return [heading(_("Feedback and disputes")), facts(pairs)]


def render(summary: DailySummary) -> bytes:
    by_team = charts.bar_chart(
        [name[:14] for name, _m in summary.by_team],
        [m.n for _name, m in summary.by_team],
        value_label=_("evaluations"),
        height=130,
    )
    story = [
        heading(_("Evaluations submitted")),
        facts(
            [
                (_("Evaluations submitted"), count(summary.evaluations.n)),
                (_("Their average score"), mean_text(summary.evaluations)),
                (_("Critical failures"), sections.critical_text(summary.evaluations)),
            ]
        ),
        chart_block(_("Evaluations by team"), by_team, empty=_("No evaluation was submitted that day.")),
        sections.grouped_table(_("Team"), summary.by_team, empty=_("No evaluation was submitted that day.")),
        *feedback_and_disputes(summary.feedback, summary.disputes, open_now=summary.open_disputes),
        heading(_("Findings")),
        *sections.pareto(summary.lost),
    ]
    return render_document(
        story,
        title=_("Daily summary"),
        subtitle=date_text(summary.day),
        subject=_("Daily summary"),
    )
