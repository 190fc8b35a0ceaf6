"""Quota progress (DESIGN.md §3): done / target per agent-week and line-month, each evaluator's
load, and the assignment lists behind the work queue and reassignment.

Every function takes the requesting user (where scope applies) and the period, and returns plain
rows computed from a fixed number of grouped queries (values / annotate), however many agents,
calls or evaluations there are; the Python that follows is linear in the rows.

Scope: managers, admins, QA and trainers see every agent; a supervisor only their teams' agents
(`selectors.scope.progress_agents`, which — unlike `monitoring.selectors.agents_visible_to` — gives HR nothing, so a
person who is both HR and a supervisor sees only their teams); agents and HR nothing (the views
answer 403).

Counting, for an agent-week (calls whose start falls in the ISO week, Monday 00:00 to Monday
00:00 in the center's time zone):

- target: the agent's `AgentTier.target` for the week (written by `services.plan.plan_week`); when no
  tier was computed for that week, the no-history target of the agent's policy, marked as such.
- assigned: primary assignments on the agent's calls of the week (reason other than double
  scoring, status other than cancelled).
- outside: distinct calls of the week evaluated (regular, any status) without an assignment
  and with no primary assignment (`selectors.done.outside_evaluations`). The sampler counts them
  toward the target, so they count as planned work here too; a call counts once however many
  people scored it, and not at all when an assignment already counts it.
- done: those calls with a regular evaluation that has a final score (status in
  `scoring.models.SCORED`). The second, blind score of a double-scored call is a calibration
  evaluation and never counts (nor would a regular one fulfilling a double-scoring
  assignment); a call scored twice counts once.

A week is **sampled** once the plan has run for it (a `SamplingRun` of kind agent_week with at
least one run); a month once its line top-up has (kind line_month). The sampler only runs on a
complete week, so the current week is never sampled.

An agent-week is **behind schedule** when any of these holds:

1. *overdue*: one of its primary assignments is still open after its due time;
2. *short* (sampled weeks only): assigned + outside < target — the plan routed too little to
   meet the target (too few eligible calls, or no evaluator had capacity). Before the week is
   sampled nothing has been routed yet, which is not a shortfall;
3. *behind pace*: done < the number of its primary assignments already due by now (at most the
   target). Work is expected when it falls due, not before: a week whose assignments are not
   due yet is on track, whatever share of the due window has passed.

A line-month (calls whose start falls in the calendar month) is **behind** when, once sampled,
assigned + outside < the line's monthly minimum (under-covered), or *behind pace*: done < the
number of the line's primary assignments already due by now (capped at the minimum). Work is
routed the Monday after each week and due some days later, so the calendar share of the month
would call nearly every line behind for most of the month; the assignments' due times say what
is expected.

Each row has one **state** for the page, the dashboard and the API alike (`state`,
`state_label`; the API's `progress_state`, `progress_state_label`): behind; target (minimum) met; on track, due <the latest due time of its open
work>; not sampled yet; on track. A line's top-up limit is not a ceiling on the line: it caps
what the line top-up adds (the top-up only fills a line up to its minimum), while the calls
sampled for agents' weekly targets count toward the line without limit — so a large line is
often far above both, and its progress reads "321 done · minimum 15 met", never "2140 %".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from monitoring.models import SECONDARY_REASONS, Agent, Assignment, AssignmentReason, AssignmentStatus, Call
from monitoring.selectors import Period, active_private_line_exists
from scoring.models import SCORED, Evaluation, Kind

from ..models import AgentTier, SamplingKind, SamplingRun, Tier
from ..periods import monday, week_bounds
from ..policies import PolicyBook
from .done import outside_calls_by
from .scope import lines_visible_to, progress_agents

PRIMARY_REASONS = tuple(r for r in AssignmentReason.values if r not in SECONDARY_REASONS)
TIER_ORDER = {Tier.AT_RISK: 0, Tier.NEEDS_IMPROVEMENT: 1, Tier.NO_HISTORY: 2, Tier.GOOD: 3, Tier.EXCELLENT: 4}
NO_TIER = "none"

# A row's state, one of these (see the module docstring); the page, the dashboard and the API
# all read it from the row.
BEHIND, MET, DUE, NOT_SAMPLED, ON_TRACK = "behind", "met", "due", "not_sampled", "on_track"
STATES = (BEHIND, MET, DUE, NOT_SAMPLED, ON_TRACK)


def _date(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def week_sampled(week_start: dt.date) -> bool:
    """Whether the plan has run for the week (agent quotas)."""
    return SamplingRun.objects.filter(
        kind=SamplingKind.AGENT_WEEK, period_start=monday(week_start), runs__gt=0
    ).exists()


def month_sampled(month: Period) -> bool:
    """Whether the line top-up has run for the month (it runs with every week the month touches)."""
    start = dt.date(month.year, month.month, 1)
    return SamplingRun.objects.filter(kind=SamplingKind.LINE_MONTH, period_start=start, runs__gt=0).exists()


# --- rows -------------------------------------------------------------------------------------


@dataclass
class AgentWeekRow:
    agent_id: int
    employee_id: str
    name: str
    team_id: int
    team: str
    tier: str | None
    reason: str
    average: Decimal | None
    evaluations: int
    ci_low: Decimal | None
    ci_high: Decimal | None
    straddles: bool
    target: int
    target_from_tier: bool
    assigned: int = 0
    outside: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    due_by: dt.datetime | None = None
    expected: int = 0
    sampled: bool = True

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier else str(_("not computed"))

    @property
    def planned(self) -> int:
        return self.assigned + self.outside

    @property
    def short(self) -> bool:
        return self.sampled and self.planned < self.target

    @property
    def behind_pace(self) -> bool:
        return self.done < self.expected

    @property
    def behind(self) -> bool:
        return self.overdue > 0 or self.short or self.behind_pace

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def state(self) -> str:
        return _state(self)

    @property
    def state_label(self) -> str:
        if self.state == MET:
            return gettext("target met")
        return _state_label(self)

    @property
    def progress(self) -> float:
        """done / target as a share (can exceed 1)."""
        return self.done / self.target if self.target else 1.0

    @property
    def progress_pct(self) -> int:
        return round(100 * self.progress)

    @property
    def bar_pct(self) -> int:
        return min(100, self.progress_pct)

    @property
    def behind_reasons(self) -> list[str]:
        out = []
        if self.overdue:
            out.append("overdue")
        if self.short:
            out.append("short")
        if self.behind_pace:
            out.append("pace")
        return out


@dataclass
class LineMonthRow:
    line_id: int
    code: str
    name: str
    policy_id: int | None
    policy_is_default: bool
    minimum: int
    cap: int
    assigned: int = 0
    outside: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    eligible: int = 0
    expected: int = 0
    topup: int = 0
    due_by: dt.datetime | None = None
    sampled: bool = True

    @property
    def planned(self) -> int:
        return self.assigned + self.outside

    @property
    def under_covered(self) -> bool:
        return self.sampled and self.planned < self.minimum

    @property
    def behind_pace(self) -> bool:
        return self.done < self.expected

    @property
    def behind(self) -> bool:
        return self.under_covered or self.behind_pace

    @property
    def met(self) -> bool:
        return self.done >= self.minimum

    @property
    def to_go(self) -> int:
        return max(0, self.minimum - self.done)

    @property
    def progress_pct(self) -> int:
        """done / minimum as a percentage, at most 100: past the minimum the line is "met", and
        how far past is the count done, not a percentage of a floor."""
        return min(100, round(100 * self.done / self.minimum)) if self.minimum else 100

    @property
    def bar_pct(self) -> int:
        return self.progress_pct

    @property
    def progress_short(self) -> str:
        """The percentage of the minimum, or "met" once it is reached."""
        return gettext("met") if self.met else f"{self.progress_pct} %"

    @property
    def progress_label(self) -> str:
        """Done against the minimum: "321 done · minimum 15 met", "7 done · minimum 15 · 8 to go"."""
        values = {"done": self.done, "minimum": self.minimum, "to_go": self.to_go}
        if self.met:
            return gettext("%(done)s done · minimum %(minimum)s met") % values
        return (
            ngettext(
                "%(done)s done · minimum %(minimum)s · %(to_go)s to go",
                "%(done)s done · minimum %(minimum)s · %(to_go)s to go",
                self.to_go,
            )
            % values
        )

    @property
    def topup_label(self) -> str:
        """What the line top-up added this month against its limit: "3 added · limit 20"."""
        return gettext("%(n)s added · limit %(cap)s") % {"n": self.topup, "cap": self.cap}

    @property
    def state(self) -> str:
        return _state(self)

    @property
    def state_label(self) -> str:
        if self.state == MET:
            return gettext("minimum met")
        return _state_label(self)


def _state(row: AgentWeekRow | LineMonthRow) -> str:
    """Behind first (an overdue assignment is news even past the target), then met; work still
    to come is "due <date>"; a week or month the plan has not run for is "not sampled yet"."""
    if row.behind:
        return BEHIND
    if row.met:
        return MET
    if row.due_by is not None:
        return DUE
    if not row.sampled:
        return NOT_SAMPLED
    return ON_TRACK


def _state_label(row: AgentWeekRow | LineMonthRow) -> str:
    state = row.state
    if state == BEHIND:
        return gettext("behind schedule")
    if state == DUE:
        return gettext("on track, due %(date)s") % {"date": _date(row.due_by)}
    if state == NOT_SAMPLED:
        return gettext("not sampled yet")
    return gettext("on track")


@dataclass
class Totals:
    rows: int = 0
    behind: int = 0
    target: int = 0
    assigned: int = 0
    done: int = 0
    overdue: int = 0
    sampled: bool = True
    extra: dict = field(default_factory=dict)


# --- agent-weeks ------------------------------------------------------------------------------


def _assignment_stats(group: str, *, start, end, among, now: dt.datetime, **extra) -> dict[int, dict]:
    """Primary assignments (not double scoring, not cancelled) on the period's calls, per `group`
    ("call__agent_id" or "call__line_of_business_id"): assigned, open, overdue, due (due by now,
    whatever their status), due_by (the latest due time of the open ones), plus `extra`."""
    open_q = Q(status=AssignmentStatus.OPEN)
    return {
        r[group]: r
        for r in Assignment.objects.filter(
            call__start_time__gte=start, call__start_time__lt=end, **{f"{group}__in": among}
        )
        .exclude(reason__in=SECONDARY_REASONS)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values(group)
        .annotate(
            assigned=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
            due=Count("pk", filter=Q(due_at__lte=now)),
            due_by=Max("due_at", filter=open_q),
            **extra,
        )
        .order_by()
    }


def _done_counts(group: str, *, start, end, among) -> dict[int, int]:
    """Distinct calls of the period with a scored regular evaluation that counts (not the blind
    second score of a double-scored call), per `group` ("agent_id" or "call__line_of_business_id")."""
    return dict(
        Evaluation.objects.filter(
            kind=Kind.REGULAR, call__start_time__gte=start, call__start_time__lt=end, **{f"{group}__in": among}
        )
        .values(group)
        .annotate(
            done=Count(
                "call_id",
                filter=Q(status__in=SCORED) & (Q(assignment__isnull=True) | Q(assignment__reason__in=PRIMARY_REASONS)),
                distinct=True,
            ),
        )
        .order_by()
        .values_list(group, "done")
    )


def _scoped_agents(user, week_start: dt.date, team: int | None) -> QuerySet[Agent]:
    """The agents the user may see: active ones, and any with a tier computed for the week."""
    has_tier = Exists(AgentTier.objects.filter(agent=OuterRef("pk"), week_start=week_start))
    qs = Agent.objects.filter(pk__in=progress_agents(user).values("pk")).filter(Q(active=True) | has_tier)
    if team is not None:
        qs = qs.filter(team_id=team)
    return qs


def agent_week_rows(
    *,
    user,
    week_start: dt.date,
    now: dt.datetime | None = None,
    team: int | None = None,
    tier: str | None = None,
    behind: bool | None = None,
) -> list[AgentWeekRow]:
    """One row per agent in the user's scope for the week (see the module docstring)."""
    now = now or timezone.now()
    week_start = monday(week_start)
    start, end = week_bounds(week_start)
    agents_qs = _scoped_agents(user, week_start, team)
    agent_ids = agents_qs.values("pk")
    agents = list(agents_qs.order_by("name", "pk").values("pk", "employee_id", "name", "team_id", "team__name"))
    if not agents:
        return []
    tiers = {t.agent_id: t for t in AgentTier.objects.filter(week_start=week_start, agent_id__in=agent_ids)}
    policies = PolicyBook()
    sampled = week_sampled(week_start)

    assignment_stats = _assignment_stats(
        "call__agent_id",
        start=start,
        end=end,
        among=agent_ids,
        now=now,
        first_created=Min("created_at"),
        last_due=Max("due_at"),
    )
    done_counts = _done_counts("agent_id", start=start, end=end, among=agent_ids)
    outside_stats = outside_calls_by("agent_id", start, end, among=agent_ids)

    rows = []
    for a in agents:
        t = tiers.get(a["pk"])
        if t is not None:
            target, from_tier = t.target, True
        else:
            target, from_tier = policies.for_team(a["team_id"]).target_no_history, False
        row = AgentWeekRow(
            agent_id=a["pk"],
            employee_id=a["employee_id"],
            name=a["name"],
            team_id=a["team_id"],
            team=a["team__name"],
            tier=t.tier if t else None,
            reason=t.reason if t else "",
            average=t.average if t else None,
            evaluations=t.evaluations if t else 0,
            ci_low=t.ci_low if t else None,
            ci_high=t.ci_high if t else None,
            straddles=bool(t and t.straddles_boundary),
            target=target,
            target_from_tier=from_tier,
            sampled=sampled,
        )
        s = assignment_stats.get(a["pk"])
        if s:
            row.assigned, row.open, row.overdue = s["assigned"], s["open"], s["overdue"]
            row.window_start, row.window_end, row.due_by = s["first_created"], s["last_due"], s["due_by"]
            # Work is expected as it falls due, not before (the module docstring).
            row.expected = min(row.target, s["due"])
        row.done = done_counts.get(a["pk"], 0)
        row.outside = outside_stats.get(a["pk"], 0)
        rows.append(row)

    if tier:
        rows = [r for r in rows if (r.tier or NO_TIER) == tier]
    if behind is not None:
        rows = [r for r in rows if r.behind == behind]
    return rows


AGENT_SORTS = {
    "agent": lambda r: (r.name.lower(), r.agent_id),
    "team": lambda r: (r.team.lower(), r.name.lower(), r.agent_id),
    "tier": lambda r: (TIER_ORDER.get(r.tier, 5), r.name.lower(), r.agent_id),
    "average": lambda r: (r.average is None, r.average or 0, r.agent_id),
    "target": lambda r: (r.target, r.agent_id),
    "assigned": lambda r: (r.assigned, r.agent_id),
    "done": lambda r: (r.done, r.agent_id),
    "progress": lambda r: (r.progress, r.name.lower(), r.agent_id),
    "behind": lambda r: (not r.behind, r.progress, r.name.lower(), r.agent_id),
}
DEFAULT_AGENT_SORT = "behind"


def sort_rows(rows: list, sort: str | None, sorts: dict, default: str) -> tuple[list, str]:
    """Sort by `sort` ("-" prefix: descending); unknown keys fall back to `default`."""
    key = (sort or "").lstrip("-")
    if key not in sorts:
        sort, key = default, default.lstrip("-")
    return sorted(rows, key=sorts[key], reverse=sort.startswith("-")), sort


def agent_totals(rows: list[AgentWeekRow]) -> Totals:
    return Totals(
        rows=len(rows),
        behind=sum(1 for r in rows if r.behind),
        target=sum(r.target for r in rows),
        assigned=sum(r.assigned for r in rows),
        done=sum(r.done for r in rows),
        overdue=sum(r.overdue for r in rows),
        sampled=all(r.sampled for r in rows),
    )


# --- line-months ------------------------------------------------------------------------------


def line_month_rows(*, user, month: Period, now: dt.datetime | None = None) -> list[LineMonthRow]:
    """One row per line of business the user follows, for a calendar month (module docstring)."""
    now = now or timezone.now()
    start, end = month.start, month.end
    lines = list(
        lines_visible_to(user)
        .filter(
            Q(active=True)
            | Exists(Call.objects.filter(line_of_business=OuterRef("pk"), start_time__gte=start, start_time__lt=end))
        )
        .order_by("name", "pk")
        .values("pk", "code", "name")
    )
    if not lines:
        return []
    line_ids = [line["pk"] for line in lines]
    policies = PolicyBook()
    assignment_stats = _assignment_stats(
        "call__line_of_business_id",
        start=start,
        end=end,
        among=line_ids,
        now=now,
        topup=Count("pk", filter=Q(reason=AssignmentReason.LINE_TOPUP)),
    )
    done_counts = _done_counts("call__line_of_business_id", start=start, end=end, among=line_ids)
    outside_stats = outside_calls_by("call__line_of_business_id", start, end, among=line_ids)
    # Eligible so far: recorded, long enough for the line's policy, not on a private line.
    min_talk = Case(
        *[When(line_of_business_id=pk, then=Value(policies.for_line(pk).min_talk_seconds)) for pk in line_ids],
        default=Value(policies.default.min_talk_seconds),
        output_field=IntegerField(),
    )
    eligible = dict(
        Call.objects.filter(start_time__gte=start, start_time__lt=min(end, now), line_of_business_id__in=line_ids)
        .exclude(recording="")
        .exclude(active_private_line_exists())
        .annotate(min_talk=min_talk)
        .filter(talk_seconds__gte=F("min_talk"))
        .values("line_of_business_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("line_of_business_id", "n")
    )
    sampled = month_sampled(month)
    rows = []
    for line in lines:
        policy = policies.for_line(line["pk"])
        row = LineMonthRow(
            line_id=line["pk"],
            code=line["code"],
            name=line["name"],
            policy_id=policy.pk,
            policy_is_default=policy.line_of_business_id is None,
            minimum=policy.line_month_floor,
            cap=policy.line_month_cap,
            eligible=eligible.get(line["pk"], 0),
            sampled=sampled,
        )
        s = assignment_stats.get(line["pk"])
        if s:
            row.assigned, row.open, row.overdue = s["assigned"], s["open"], s["overdue"]
            row.topup, row.due_by = s["topup"], s["due_by"]
            # Paced like the agent rows, by the work's own due times (routed the Monday after
            # a week, due days later), not by the calendar: the minimum is expected only as
            # far as the line's assignments have fallen due.
            row.expected = min(row.minimum, s["due"])
        row.done = done_counts.get(line["pk"], 0)
        row.outside = outside_stats.get(line["pk"], 0)
        rows.append(row)
    return rows
