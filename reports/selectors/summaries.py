"""The daily and weekly summaries (the seed's reporting rhythm: 日报, 周报), for the whole center.

Daily: the evaluations *submitted* that day (the day's QA work), the feedback that fell due on
them — by the dashboard's rule: submitted in the period with a deadline, met when delivered on
or before it — and the disputes raised and resolved that day.

Weekly: the week's figures by `selectors.qa`'s rule (calls started in the ISO week), its quota
progress as planning counts it (`planning.selectors.progress`: agent-weeks and the month's
line minimums) and its findings, the criteria that lost the most points.

A fixed number of grouped queries each, however many evaluations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from monitoring.selectors import Period
from planning.periods import month_of_week, week_bounds
from planning.selectors.progress import (
    AgentWeekRow,
    LineMonthRow,
    Totals,
    agent_totals,
    agent_week_rows,
    line_month_rows,
)
from qa_platform.roles import CENTER_WIDE_ROLES, MANAGER, user_roles
from scoring.models import SCORED, Dispute, DisputeStatus, Evaluation, Kind

from .dashboard import FEEDBACK_SLA_COUNTS, DisputeFigures, FeedbackSla, feedback_due
from .qa import SCORE_STATS, Mean, Scope, evaluations_in, lost_points, mean_from, summary

FINDINGS = 10
BEHIND_LISTED = 40


class CenterViewer:
    """Whom a scheduled summary reads planning's progress as: the whole center, as a manager
    would (planning's selectors take a user; a beat job has none). `user_roles` reads the roles
    it caches on the user object."""

    is_authenticated = True
    is_superuser = False
    pk = None
    _qa_roles = frozenset({MANAGER})


def center_viewer(by=None):
    """`by` when they see the whole center, else a `CenterViewer`: a summary is the center's."""
    return by if by is not None and user_roles(by) & CENTER_WIDE_ROLES else CenterViewer()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def feedback_between(start: dt.datetime, end: dt.datetime) -> FeedbackSla:
    """Regular evaluations submitted in [start, end) with a feedback deadline: met (delivered on
    or before it), late, waiting. One query."""
    return FeedbackSla(**Evaluation.objects.filter(feedback_due(start, end)).aggregate(**FEEDBACK_SLA_COUNTS))


def disputes_between(start: dt.datetime, end: dt.datetime) -> DisputeFigures:
    """Disputes raised in [start, end) and those resolved in it (overturned = ADJUSTED). One query."""
    raised = Q(raised_at__gte=start, raised_at__lt=end)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end) & ~Q(status=DisputeStatus.OPEN)
    row = Dispute.objects.filter(raised | resolved).aggregate(
        opened=Count("pk", filter=raised),
        resolved=Count("pk", filter=resolved),
        adjusted=Count("pk", filter=resolved & Q(status=DisputeStatus.ADJUSTED)),
        still_open=Count("pk", filter=raised & Q(status=DisputeStatus.OPEN)),
    )
    return DisputeFigures(**row)


def _by_team(evaluations: QuerySet[Evaluation]) -> list[tuple[str, Mean]]:
    rows = evaluations.values("call__agent__team__name").annotate(**SCORE_STATS).order_by("call__agent__team__name")
    return [(row["call__agent__team__name"], mean_from(row)) for row in rows]


@dataclass
class DailySummary:
    day: dt.date
    evaluations: Mean
    by_team: list[tuple[str, Mean]]
    feedback: FeedbackSla
    disputes: DisputeFigures
    open_disputes: int  # open now, whenever raised
    lost: list[dict]


def daily_summary(day: dt.date) -> DailySummary:
    start, end = day_bounds(day)
    submitted = Evaluation.objects.filter(
        kind=Kind.REGULAR, status__in=SCORED, submitted_at__gte=start, submitted_at__lt=end
    )
    return DailySummary(
        day=day,
        evaluations=summary(submitted),
        by_team=_by_team(submitted),
        feedback=feedback_between(start, end),
        disputes=disputes_between(start, end),
        open_disputes=Dispute.objects.filter(status=DisputeStatus.OPEN).count(),
        lost=lost_points(submitted)[:FINDINGS],
    )


@dataclass
class TeamProgress:
    team: str
    agents: int
    behind: int
    target: int
    done: int

    @property
    def progress_pct(self) -> int:
        return round(100 * self.done / self.target) if self.target else 100


@dataclass
class WeeklySummary:
    week_start: dt.date
    month: Period
    evaluations: Mean
    by_team: list[tuple[str, Mean]]
    totals: Totals
    teams: list[TeamProgress]
    behind: list[AgentWeekRow]
    behind_count: int
    lines: list[LineMonthRow]
    feedback: FeedbackSla
    disputes: DisputeFigures
    lost: list[dict]
    lost_by_category: list[dict]


def weekly_summary(week_start: dt.date, *, by=None, now: dt.datetime | None = None) -> WeeklySummary:
    start, end = week_bounds(week_start)
    viewer = center_viewer(by)
    now = now or timezone.now()
    evaluations = evaluations_in(Scope(Scope.CENTER), start=start, end=end)
    rows = agent_week_rows(user=viewer, week_start=week_start, now=now)
    teams: dict[str, TeamProgress] = {}
    for r in rows:
        t = teams.setdefault(r.team, TeamProgress(team=r.team, agents=0, behind=0, target=0, done=0))
        t.agents += 1
        t.behind += int(r.behind)
        t.target += r.target
        t.done += r.done
    behind = sorted((r for r in rows if r.behind), key=lambda r: (r.progress, r.team, r.name, r.agent_id))
    month = month_of_week(week_start)
    return WeeklySummary(
        week_start=week_start,
        month=month,
        evaluations=summary(evaluations),
        by_team=_by_team(evaluations),
        totals=agent_totals(rows),
        teams=sorted(teams.values(), key=lambda t: t.team),
        behind=behind[:BEHIND_LISTED],
        behind_count=len(behind),
        lines=line_month_rows(user=viewer, month=month, now=now),
        feedback=feedback_between(start, end),
        disputes=disputes_between(start, end),
        lost=lost_points(evaluations)[:FINDINGS],
        lost_by_category=lost_points(evaluations, by="category"),
    )
