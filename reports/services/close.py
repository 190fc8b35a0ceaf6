"""Closing a month (DESIGN.md §6): HR pays from the figures it freezes.

`month_close` freezes every covered agent's figures — the live ones the export showed a moment
before — into `AgentMonthResult` rows, and stores the adjustments the month pays for earlier
closed months (see `selectors.adjustments` for when they are detected), in one transaction.
A month is closed once: a second close is a 409 that names the first. A month that is not over
cannot be closed (its figures are still moving).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.selectors import Period
from qa_platform.errors import IllegalTransition

from ..models import Adjustment, AgentMonthResult, BonusBand, MonthClose, PerformanceComponent
from ..permissions import can_close_month
from ..selectors.adjustments import pending_adjustments
from ..selectors.performance import components_json, current_config, first_day, month_results
from .performance import ensure_history

BATCH = 500


def already_closed(close: MonthClose) -> str:
    """The refusal naming an earlier close."""
    user = close.closed_by
    who = (user.get_full_name() or user.get_username()) if user else _("the system")
    return _("%(month)s was closed on %(when)s by %(who)s; a closed month is not closed again.") % {
        "month": f"{close.month:%Y-%m}",
        "when": formats.date_format(timezone.localtime(close.closed_at), "DATETIME_FORMAT"),
        "who": who,
    }


def month_close(*, month: Period, by) -> MonthClose:
    """Freeze `month`'s figures and store the adjustments it pays. Returns the close, with
    `results_count` and `adjustments_count` set."""
    if not can_close_month(by):
        raise PermissionDenied(_("Only managers and administrators close a month."))
    if month.end > timezone.now():
        # A well-formed month that time has not finished yet: the request is fine, the calendar says not yet.
        not_over = _("%(month)s is not over yet; close it once it has ended.") % {"month": month.label}
        raise IllegalTransition(not_over, details={"month": [not_over]})
    with transaction.atomic():
        existing = (
            MonthClose.objects.select_for_update(of=("self",)).select_related("closed_by").filter(month=first_day(month)).first()
        )
        if existing is not None:
            raise IllegalTransition(already_closed(existing))
        # The setup in force now must be readable later (adjustments recompute with it).
        ensure_history(PerformanceComponent, PerformanceComponent.objects.all())
        ensure_history(BonusBand, BonusBand.objects.all())
        results = month_results(month, config=current_config())
        adjustments = pending_adjustments(month)
        close = MonthClose.objects.create(month=first_day(month), closed_by=by)
        AgentMonthResult.objects.bulk_create(
            [
                AgentMonthResult(
                    close=close,
                    agent_id=r.agent_id,
                    team_name=r.team_name,
                    evaluations=r.evaluations,
                    qa_average=r.qa_average,
                    qa_figure=r.qa_figure,
                    critical_failures=r.critical_failures,
                    components=components_json(r.performance),
                    total=r.total,
                    band=r.band,
                    multiplier=r.multiplier,
                )
                for r in results
            ],
            batch_size=BATCH,
        )
        Adjustment.objects.bulk_create([line.as_model() for line in adjustments], batch_size=BATCH)
    close.results_count = len(results)
    close.adjustments_count = len(adjustments)
    return close
