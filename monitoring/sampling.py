"""The monitoring plan: sample calls and route them to evaluators (DESIGN.md §3).

Two services, both set-based (a constant number of queries however many calls), deterministic
for a seed, and idempotent per period:

- `sample_agent_week`: each active agent gets their weekly target (from `AgentTier`, which
  the scoring app writes down) of the week's calls, stratified by shift × direction × service
  type, plus coaching follow-ups where a plan names service types.
- `topup_line_month`: a line of business under its monthly minimum is topped up to it (never
  past its top-up limit), stratified the same way.

What this app cannot know (which calls are already evaluated, and how many evaluations the
agents and lines already have outside assignments) is passed in by the caller, so monitoring
never imports scoring.

Runs of the same period take a row lock on their `SamplingRun` in turn: a second run, even a
concurrent one, finds the first one's assignments and adds nothing more; a crash rolls the
whole run back (one transaction), and unique constraints forbid duplicates whatever happens.

Allocation across strata is proportional with systematic rounding from a random start, so a
stratum's expected sample is exactly n × N_h / N and every call in the frame has the same
inclusion probability n / N, which each assignment records (for unbiased estimates later) —
counting only the picks actually routed; a focus service type's calls in an agent's random part
also carry their chance of escaping the coaching draw; targeted picks (coaching, or a top-up
the per-agent-week limit shaped) record none.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, DateField, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from qa_platform.roles import QA, SUPERVISOR, TRAINER

from .models import (
    Agent,
    AgentTier,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Call,
    LineOfBusiness,
    QuotaPolicy,
    SamplingKind,
    SamplingRun,
    Team,
)
from .selectors import Period, active_private_line_exists

ROLES = (QA, SUPERVISOR, TRAINER)
BULK = 2_000


@dataclass
class SamplingReport:
    kind: str
    period_start: dt.date
    period_end: dt.date
    seed: int
    eligible_calls: int = 0
    units: int = 0  # agents (or lines) considered
    units_short: int = 0  # agents (or lines) with fewer eligible calls than needed
    added: int = 0
    by_reason: Counter = field(default_factory=Counter)
    by_role: Counter = field(default_factory=Counter)
    unrouted: int = 0  # picks no evaluator had capacity for
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "seed": self.seed,
            "eligible_calls": self.eligible_calls,
            "units": self.units,
            "units_short": self.units_short,
            "added": self.added,
            "by_reason": dict(self.by_reason),
            "by_role": dict(self.by_role),
            "unrouted": self.unrouted,
            "seconds": round(self.seconds, 3),
        }


# --- policies ---------------------------------------------------------------------------------


class PolicyBook:
    """The center default and each line's own policy, loaded once per run."""

    def __init__(self) -> None:
        policies = list(QuotaPolicy.objects.all())
        self.default = next((p for p in policies if p.line_of_business_id is None), None) or QuotaPolicy()
        self.by_line = {p.line_of_business_id: p for p in policies if p.line_of_business_id}
        self._team_lines: dict[int, list[int]] = defaultdict(list)
        for team_id, line_id in Team.lines_of_business.through.objects.order_by("lineofbusiness_id").values_list(
            "team_id", "lineofbusiness_id"
        ):
            self._team_lines[team_id].append(line_id)

    def for_line(self, line_id: int | None) -> QuotaPolicy:
        return self.by_line.get(line_id, self.default)

    def for_team(self, team_id: int) -> QuotaPolicy:
        """An agent follows the policy of their team's first line that has one of its own."""
        for line_id in self._team_lines.get(team_id, ()):
            if line_id in self.by_line:
                return self.by_line[line_id]
        return self.default

    @property
    def min_talk_floor(self) -> int:
        return min([self.default.min_talk_seconds, *(p.min_talk_seconds for p in self.by_line.values())])


# --- pure helpers (no ORM) --------------------------------------------------------------------


def stratum_key(call: dict) -> tuple:
    return (call["shift_id"] or 0, call["direction"], call["service_type"])


def allocate(sizes: dict[tuple, int], n: int, rng: random.Random) -> dict[tuple, int]:
    """Split n picks over strata in proportion to their sizes, rounding systematically from a
    random start, so E[n_h] = n × N_h / N exactly and no stratum gets more than it holds."""
    total = sum(sizes.values())
    if n <= 0 or total == 0:
        return {}
    n = min(n, total)
    start = rng.random()
    out: dict[tuple, int] = {}
    cumulative = 0.0
    taken = 0
    for key in sorted(sizes):
        cumulative += n * sizes[key] / total
        upto = math.floor(cumulative - start + 1) if cumulative >= start else 0
        upto = min(upto, n)
        out[key] = min(upto - taken, sizes[key])
        taken += out[key]
    short = n - taken  # float edge cases: give any missing pick to strata with room, in order
    for key in sorted(sizes):
        if short <= 0:
            break
        room = sizes[key] - out[key]
        extra = min(room, short)
        out[key] += extra
        short -= extra
    return {k: v for k, v in out.items() if v}


def stratified_pick(calls: list[dict], n: int, rng: random.Random) -> tuple[list[dict], float]:
    """n calls stratified by shift × direction × service type; returns them and the inclusion
    probability every call of the frame had (n / N)."""
    if n <= 0 or not calls:
        return [], 0.0
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for call in calls:
        strata[stratum_key(call)].append(call)
    allocation = allocate({k: len(v) for k, v in strata.items()}, n, rng)
    picked = []
    for key in sorted(allocation):
        picked.extend(rng.sample(strata[key], allocation[key]))
    return picked, min(1.0, len(picked) / len(calls))


def next_role(targets: dict[str, float], current: Counter, allowed: Iterable[str]) -> str | None:
    """The role furthest below its share (ties in QA, supervisor, trainer order)."""
    best, best_gap = None, -math.inf
    for role in ROLES:
        if role not in allowed:
            continue
        gap = targets[role] - current[role]
        if gap > best_gap + 1e-9:
            best, best_gap = role, gap
    return best


# --- routing ----------------------------------------------------------------------------------


class Router:
    """Least-loaded evaluator with capacity, by role; supervisors only for their own teams;
    never an evaluator's own calls. Loads count the period's assignments, this run's included."""

    def __init__(self, period_start: dt.date, policies: PolicyBook) -> None:
        User = get_user_model()
        self.policies = policies
        members = (
            User.objects.filter(is_active=True, groups__name__in=ROLES)
            .values_list("pk", "groups__name")
            .order_by("pk", "groups__name")
        )
        self.by_role: dict[str, list[int]] = defaultdict(list)
        for user_id, role in members:
            if user_id not in self.by_role[role]:
                self.by_role[role].append(user_id)
        for ids in self.by_role.values():
            ids.sort()
        self.team_supervisors: dict[int, list[int]] = defaultdict(list)
        # Ordered: the supervisors' order breaks load ties in `pick`, so it must not depend on
        # how the database happens to return the through table.
        supervisors = Team.supervisors.through.objects.order_by("team_id", "user_id").values_list("team_id", "user_id")
        for team_id, user_id in supervisors:
            if user_id in self.by_role[SUPERVISOR]:
                self.team_supervisors[team_id].append(user_id)
        self.load: Counter = Counter(
            dict(
                Assignment.objects.filter(period_start=period_start)
                .exclude(status=AssignmentStatus.CANCELLED)
                .values_list("evaluator_id")
                .annotate(n=Count("pk"))
                .values_list("evaluator_id", "n")
            )
        )

    def candidates(self, role: str, team_id: int) -> list[int]:
        return self.team_supervisors.get(team_id, []) if role == SUPERVISOR else self.by_role.get(role, [])

    def pick(self, role: str, *, team_id: int, agent_user_id: int | None, policy: QuotaPolicy, exclude=()) -> int | None:
        capacity = policy.capacities()[role]
        best = None
        for user_id in self.candidates(role, team_id):
            if user_id == agent_user_id or user_id in exclude or self.load[user_id] >= capacity:
                continue
            if best is None or self.load[user_id] < self.load[best]:
                best = user_id
        if best is not None:
            self.load[best] += 1
        return best


# --- the frame --------------------------------------------------------------------------------


def eligible_calls(
    *, start: dt.datetime, end: dt.datetime, policies: PolicyBook, excluded_calls: QuerySet | Iterable[int] | None
) -> list[dict]:
    """Calls in [start, end) with a recording, long enough, not on a private line, by an active
    agent, not evaluated (`excluded_calls`) and not already assigned: one query."""
    qs = (
        Call.objects.filter(start_time__gte=start, start_time__lt=end, agent__active=True)
        .exclude(recording="")
        .filter(talk_seconds__gte=policies.min_talk_floor)
        .exclude(active_private_line_exists())
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
    )
    if excluded_calls is not None:
        qs = qs.exclude(pk__in=excluded_calls)
    rows = qs.order_by("pk").values(
        "id",
        "agent_id",
        "line_of_business_id",
        "shift_id",
        "direction",
        "service_type",
        "start_time",
        "talk_seconds",
        "agent__user_id",
        "agent__team_id",
    )
    return [r for r in rows if r["talk_seconds"] >= policies.for_line(r["line_of_business_id"]).min_talk_seconds]


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    return start, start + dt.timedelta(days=7)


def month_bounds(month_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    period = Period(month_start.year, month_start.month)
    return period.start, period.end


def months_of_week(week_start: dt.date) -> list[dt.date]:
    """The first day of each month the week [week_start, +7 days) touches, in order."""
    return sorted({week_start.replace(day=1), (week_start + dt.timedelta(days=6)).replace(day=1)})


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


ISO_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # weeks outside these years are refused (no date overflow at the edges)


def parse_iso_week(value: str | None) -> dt.date | None:
    """'2026-W46' → the Monday of that ISO week; None when blank, malformed, not a week of that
    year, or outside the years 2000–2100. The one week parser (pages, API, command)."""
    match = ISO_WEEK_RE.match(value or "")
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def _lock_run(kind: str, period_start: dt.date, seed: int) -> SamplingRun:
    SamplingRun.objects.get_or_create(kind=kind, period_start=period_start, defaults={"seed": seed})
    return SamplingRun.objects.select_for_update().get(kind=kind, period_start=period_start)


def _finish_run(run: SamplingRun, report: SamplingReport, started: float) -> None:
    report.seconds = time.monotonic() - started
    run.runs += 1
    run.last_run_at = timezone.now()
    run.last_added = report.added
    run.last_seconds = report.seconds
    run.last_report = report.as_dict()
    run.save()


def _existing_by_agent(start: dt.datetime, end: dt.datetime) -> dict[int, Counter]:
    """Primary assignments (not double scoring) on each agent's calls in the period, by role."""
    out: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.filter(call__start_time__gte=start, call__start_time__lt=end)
        .exclude(reason=AssignmentReason.DOUBLE_SCORING)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values_list("call__agent_id", "evaluator_role")
        .annotate(n=Count("pk"))
        .values_list("call__agent_id", "evaluator_role", "n")
    )
    for agent_id, role, n in rows:
        out[agent_id][role] += n
    return out


# --- agent quotas -----------------------------------------------------------------------------


def sample_agent_week(
    *,
    week_start: dt.date,
    seed: int = 0,
    excluded_calls: QuerySet | Iterable[int] | None = None,
    done_by_agent: dict[int, Counter] | None = None,
    now: dt.datetime | None = None,
) -> SamplingReport:
    """Give every active agent their weekly target of the week's calls (DESIGN.md §3).

    `done_by_agent`: regular evaluations already made of each agent's calls that week outside
    any assignment, by evaluator role; they count toward the target and the role split.
    """
    started = time.monotonic()
    week_start = monday(week_start)
    now = now or timezone.now()
    start, end = week_bounds(week_start)
    report = SamplingReport(SamplingKind.AGENT_WEEK, week_start, (end - dt.timedelta(days=1)).date(), seed)
    done_by_agent = done_by_agent or {}
    with transaction.atomic():
        # Locks in one order everywhere (months, then the week): a month's final top-up running
        # at the same time waits instead of picking the same calls.
        for month in months_of_week(week_start):
            _lock_run(SamplingKind.LINE_MONTH, month, seed)
        run = _lock_run(SamplingKind.AGENT_WEEK, week_start, seed)
        policies = PolicyBook()
        calls = eligible_calls(start=start, end=end, policies=policies, excluded_calls=excluded_calls)
        report.eligible_calls = len(calls)
        by_agent: dict[int, list[dict]] = defaultdict(list)
        for call in calls:
            by_agent[call["agent_id"]].append(call)
        tiers = {t.agent_id: t for t in AgentTier.objects.filter(week_start=week_start)}
        existing = _existing_by_agent(start, end)
        router = Router(week_start, policies)
        agents = Agent.objects.filter(active=True).values_list("pk", "team_id", "user_id").order_by("pk")
        rows: list[Assignment] = []
        for agent_id, team_id, user_id in agents:
            report.units += 1
            policy = policies.for_team(team_id)
            tier = tiers.get(agent_id)
            target = tier.target if tier else policy.target_no_history
            have = existing.get(agent_id, Counter()) + (done_by_agent.get(agent_id) or Counter())
            need = target - sum(have.values())
            if need <= 0:
                continue
            frame = by_agent.get(agent_id, [])
            if len(frame) < need:
                report.units_short += 1
            rng = random.Random(f"{seed}:{week_start}:{agent_id}")
            picks, random_frame, escape = _with_coaching(frame, need, tier, rng)
            due = now + dt.timedelta(days=policy.due_days)
            routed = _route(
                picks,
                have=have,
                total=sum(have.values()) + len(picks),
                team_id=team_id,
                agent_user_id=user_id,
                policy=policy,
                router=router,
                period_start=week_start,
                due=due,
                rng=rng,
                report=report,
            )
            _record_random_probability(routed, random_frame, escape)
            rows += routed
        Assignment.objects.bulk_create(rows, batch_size=BULK)
        report.added = len(rows)
        _finish_run(run, report, started)
    return report


def _with_coaching(
    frame: list[dict], need: int, tier: AgentTier | None, rng: random.Random
) -> tuple[list[tuple], int, dict[int, float]]:
    """(call, reason, probability) picks: coaching follow-ups on the plan's service types first
    (up to half the need; targeted, so no probability), the rest stratified at random. Also the
    size of the random part's frame, and for the focus calls left in it the chance they had of
    escaping the coaching draw (1 − chosen / matching): a focus call is in the random frame only
    if the coaching draw passed it over, so its inclusion probability is p × that."""
    picks: list[tuple] = []
    rest = frame
    escape: dict[int, float] = {}
    focus = set(tier.focus_service_types or []) if tier else set()
    if focus:
        matching = [c for c in frame if c["service_type"] in focus]
        chosen = rng.sample(matching, min(len(matching), max(1, need // 2)))
        picks = [(c, AssignmentReason.COACHING, None) for c in chosen]
        chosen_ids = {c["id"] for c in chosen}
        rest = [c for c in frame if c["id"] not in chosen_ids]
        if matching:
            left = 1 - len(chosen) / len(matching)
            escape = {c["id"]: left for c in matching if c["id"] not in chosen_ids}
    random_picks, probability = stratified_pick(rest, need - len(picks), rng)
    picks += [(c, AssignmentReason.RANDOM, round(probability * escape.get(c["id"], 1.0), 6)) for c in random_picks]
    return picks, len(rest), escape


def _record_random_probability(rows: list[Assignment], frame_size: int, escape: dict[int, float]) -> None:
    """Set the inclusion probability of the random picks (and their double-scoring copies) from
    what was actually routed: picks no evaluator could take were dropped, so each call of the
    frame ended up assigned with probability routed / N (times its coaching escape chance)."""
    routed = {r.call_id for r in rows if r.reason == AssignmentReason.RANDOM}
    p = min(1.0, len(routed) / frame_size) if frame_size else 0.0
    for row in rows:
        if row.reason in (AssignmentReason.RANDOM, AssignmentReason.DOUBLE_SCORING):
            row.inclusion_probability = round(p * escape.get(row.call_id, 1.0), 6)


def _route(
    picks: list[tuple],
    *,
    have: Counter,
    total: int,
    team_id: int,
    agent_user_id: int | None,
    policy: QuotaPolicy,
    router: Router,
    period_start: dt.date,
    due: dt.datetime,
    rng: random.Random,
    report: SamplingReport,
) -> list[Assignment]:
    """Turn picks into assignments: roles by the policy's shares over the whole period's total
    (existing work included), each to the least-loaded evaluator with capacity."""
    shares = policy.shares()
    targets = {role: shares[role] * total / 100 for role in ROLES}
    current = Counter({role: have.get(role, 0) for role in ROLES})
    rows = []
    for call, reason, probability in picks:
        allowed = set(ROLES)
        evaluator = None
        while allowed and evaluator is None:
            role = next_role(targets, current, allowed)
            evaluator = router.pick(role, team_id=team_id, agent_user_id=agent_user_id, policy=policy)
            if evaluator is None:
                allowed.discard(role)  # nobody of that role has capacity: the next role takes it
        if evaluator is None:
            report.unrouted += 1
            continue
        current[role] += 1
        rows.append(
            Assignment(
                call_id=call["id"],
                evaluator_id=evaluator,
                evaluator_role=role,
                reason=reason,
                inclusion_probability=probability,
                period_start=period_start,
                due_at=due,
            )
        )
        report.by_reason[reason] += 1
        report.by_role[role] += 1
        if reason == AssignmentReason.RANDOM and rng.random() * 100 < policy.double_scoring_percent:
            second = router.pick(QA, team_id=team_id, agent_user_id=agent_user_id, policy=policy, exclude={evaluator})
            if second is not None:
                rows.append(
                    Assignment(
                        call_id=call["id"],
                        evaluator_id=second,
                        evaluator_role=QA,
                        reason=AssignmentReason.DOUBLE_SCORING,
                        inclusion_probability=probability,
                        period_start=period_start,
                        due_at=due,
                    )
                )
                report.by_reason[AssignmentReason.DOUBLE_SCORING] += 1
                report.by_role[QA] += 1
    return rows


# --- line top-up ------------------------------------------------------------------------------


def _max_target(policies: PolicyBook, call: dict) -> int:
    policy = policies.for_team(call["agent__team_id"])
    return max(policy.target_for(t) for t in ("excellent", "good", "needs_improvement", "at_risk", "no_history"))


def _agent_week(call: dict) -> tuple[int, dt.date]:
    return call["agent_id"], monday(timezone.localtime(call["start_time"]).date())


def _existing_by_agent_week(start: dt.datetime, end: dt.datetime) -> dict[tuple[int, dt.date], Counter]:
    """Primary assignments on each agent's calls in the period, by the calls' week and by role."""
    out: dict[tuple[int, dt.date], Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.filter(call__start_time__gte=start, call__start_time__lt=end)
        .exclude(reason=AssignmentReason.DOUBLE_SCORING)
        .exclude(status=AssignmentStatus.CANCELLED)
        .annotate(week=TruncWeek("call__start_time", output_field=DateField()))
        .values_list("call__agent_id", "week", "evaluator_role")
        .annotate(n=Count("pk"))
        .values_list("call__agent_id", "week", "evaluator_role", "n")
    )
    for agent_id, week, role, n in rows:
        out[(agent_id, week)][role] += n
    return out


def _pick_with_room(
    frame: list[dict], need: int, rng: random.Random, room: Counter, *, limited: bool = False
) -> tuple[list[dict], int | None]:
    """Stratified picks that skip agent-weeks with no `room` left; skipped picks are replaced
    from the rest of the frame. Returns the picks and the size N of the frame they were drawn
    from — or None when the room limit shut calls out of the frame (`limited`, or here) or a
    redraw was needed: the picks are then targeted, with no design probability to record."""
    size = len(frame)
    frame = [c for c in frame if room[_agent_week(c)] > 0]
    limited = limited or len(frame) < size
    picked, _probability = stratified_pick(frame, need, rng)
    n_frame: int | None = len(frame)
    chosen: list[dict] = []
    while picked:
        for call in picked:
            key = _agent_week(call)
            if room[key] <= 0:
                limited = True  # a pick the room limit skipped: what follows is targeted
            elif len(chosen) < need:
                room[key] -= 1
                chosen.append(call)
        if len(chosen) >= need:
            break
        taken = {c["id"] for c in chosen}
        frame = [c for c in frame if c["id"] not in taken and room[_agent_week(c)] > 0]
        picked, _ = stratified_pick(frame, need - len(chosen), rng)
    return chosen, None if limited else n_frame


def line_month_counts(start: dt.datetime, end: dt.datetime) -> Counter:
    """Primary assignments on each line's calls in the period."""
    return Counter(
        dict(
            Assignment.objects.filter(call__start_time__gte=start, call__start_time__lt=end)
            .exclude(reason=AssignmentReason.DOUBLE_SCORING)
            .exclude(status=AssignmentStatus.CANCELLED)
            .values_list("call__line_of_business_id")
            .annotate(n=Count("pk"))
            .values_list("call__line_of_business_id", "n")
        )
    )


def topup_line_month(
    *,
    month_start: dt.date,
    until: dt.date | None = None,
    seed: int = 0,
    excluded_calls: QuerySet | Iterable[int] | None = None,
    done_by_line: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> SamplingReport:
    """Top up each line of business below its monthly minimum, up to (never past) the minimum
    and never past its top-up limit; calls up to `until` (exclusive) are the frame.

    `done_by_line`: regular evaluations of the month's calls outside any assignment.
    """
    started = time.monotonic()
    month_start = month_start.replace(day=1)
    now = now or timezone.now()
    start, end = month_bounds(month_start)
    if until is not None:
        end = min(end, timezone.make_aware(dt.datetime.combine(until, dt.time.min)))
    report = SamplingReport(SamplingKind.LINE_MONTH, month_start, (end - dt.timedelta(seconds=1)).date(), seed)
    done_by_line = done_by_line or {}
    with transaction.atomic():
        run = _lock_run(SamplingKind.LINE_MONTH, month_start, seed)
        policies = PolicyBook()
        full_start, full_end = month_bounds(month_start)
        counts = line_month_counts(full_start, full_end)
        calls = eligible_calls(start=start, end=end, policies=policies, excluded_calls=excluded_calls)
        # A top-up never takes an agent past the largest weekly target in any week: it covers the
        # line, it does not pile onto one person. Counted per week of the calls (a month-to-date
        # count would shut out everyone after a week or two, leaving small lines uncovered), over
        # whole weeks (one that straddles the month's edges counts its calls on both sides), and
        # the top-up's own picks count as they are made.
        load = _existing_by_agent_week(
            week_bounds(monday(timezone.localtime(start).date()))[0],
            week_bounds(monday(timezone.localtime(end - dt.timedelta(seconds=1)).date()))[1],
        )
        room: Counter = Counter()
        for call in calls:
            key = _agent_week(call)
            if key not in room:
                room[key] = _max_target(policies, call) - sum(load[key].values())
        limited_lines = {c["line_of_business_id"] for c in calls if room[_agent_week(c)] <= 0}
        calls = [c for c in calls if room[_agent_week(c)] > 0]
        report.eligible_calls = len(calls)
        by_line: dict[int, list[dict]] = defaultdict(list)
        for call in calls:
            by_line[call["line_of_business_id"]].append(call)
        # Top-ups join the latest week of the frame: its assignments and capacity.
        period_start = monday(timezone.localtime(end - dt.timedelta(seconds=1)).date())
        router = Router(period_start, policies)
        rows: list[Assignment] = []
        for line_id in LineOfBusiness.objects.filter(active=True).order_by("pk").values_list("pk", flat=True):
            report.units += 1
            policy = policies.for_line(line_id)
            have = counts.get(line_id, 0) + done_by_line.get(line_id, 0)
            need = min(policy.line_month_floor, policy.line_month_cap) - have
            if need <= 0:
                continue
            frame = by_line.get(line_id, [])
            if len(frame) < need:
                report.units_short += 1
            rng = random.Random(f"{seed}:{month_start}:line:{line_id}")
            picks, frame_size = _pick_with_room(frame, need, rng, room, limited=line_id in limited_lines)
            line_rows: list[Assignment] = []
            shares = policy.shares()
            for call in picks:
                # Each top-up joins its agent-week's split by role (DESIGN.md §3: 70/20/10), so the
                # agent's evaluators stay within one call of the policy.
                current = load[_agent_week(call)]
                targets = {r: shares[r] * (sum(current.values()) + 1) / 100 for r in ROLES}
                allowed, evaluator, role = set(ROLES), None, None
                while allowed and evaluator is None:
                    role = next_role(targets, current, allowed)
                    evaluator = router.pick(
                        role, team_id=call["agent__team_id"], agent_user_id=call["agent__user_id"], policy=policy
                    )
                    if evaluator is None:
                        allowed.discard(role)
                if evaluator is None:
                    report.unrouted += 1
                    continue
                current[role] += 1
                line_rows.append(
                    Assignment(
                        call_id=call["id"],
                        evaluator_id=evaluator,
                        evaluator_role=role,
                        reason=AssignmentReason.LINE_TOPUP,
                        period_start=period_start,
                        due_at=now + dt.timedelta(days=policy.due_days),
                    )
                )
                report.by_reason[AssignmentReason.LINE_TOPUP] += 1
                report.by_role[role] += 1
            # Known only after routing: picks nobody could take were dropped (routed / N), and a
            # frame the room limit cut or a redraw makes the picks targeted (None).
            if frame_size:
                probability = round(min(1.0, len(line_rows) / frame_size), 6)
                for row in line_rows:
                    row.inclusion_probability = probability
            rows += line_rows
        Assignment.objects.bulk_create(rows, batch_size=BULK)
        report.added = len(rows)
        _finish_run(run, report, started)
    return report
