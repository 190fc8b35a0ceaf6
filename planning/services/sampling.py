"""Agent quotas for a week (DESIGN.md §3): every active agent gets their weekly target (from
their `AgentTier`) of the week's calls, stratified by shift × direction × service type, plus
coaching follow-ups where a plan names service types. Set-based: a constant number of queries
however many calls; deterministic for a seed (`random.Random(f"{seed}:{week}:{agent}")`).

Runs of the same period take a row lock on their `SamplingRun` in turn: a second run, even a
concurrent one, finds the first one's assignments and adds nothing more; a crash rolls the whole
run back (one transaction), and unique constraints forbid duplicates whatever happens.

The week's picks are drawn agent by agent first, then routed together: the role split holds
over the whole week (`routing.WeekSplit`), not per agent.

Each random pick records its inclusion probability — counting only the picks actually routed; a
focus service type's calls in an agent's random part also carry their chance of escaping the
coaching draw; targeted picks (coaching, flagged) record none.

The flagged stratum (DESIGN.md §9) comes after: once the random and coaching picks are drawn
from the full frame and routed exactly as they would be without it (so their calls, evaluators
and inclusion probabilities do not change), each agent gets up to their policy's
`flagged_per_week` of the week's flagged calls not already picked, most severe first
(`planning.flagged`), reason flagged, no probability. They are extra: they never count toward
the agent's weekly target here (a second run neither adds more random picks for them nor more
flagged ones past the number), but they are monitored calls of the week, so the progress pages,
the line's monthly minimum and the week's role split count them like any other primary work.
They are routed by the same week split, after the random picks, so they never take an
evaluator's capacity from them. Which flags count is the call's line's policy; how many, the
agent's (like the target). One query fetches the week's flagged calls, whatever the agents.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from monitoring.models import SECONDARY_REASONS, Agent, Assignment, AssignmentReason, AssignmentStatus, Call
from monitoring.selectors import active_private_line_exists

from ..flagged import counted_flags, most_severe, severity
from ..models import AgentTier, QuotaPolicy, SamplingKind, SamplingRun
from ..periods import monday, months_of_week, week_bounds
from ..policies import PolicyBook
from ..routing import Router, group_of, route_call, route_picks, week_split
from ..selectors.done import done_by_agent, evaluated_calls
from ..selectors.flagged import flagged_calls
from ..strata import SamplingReport, stratified_pick

BULK = 2_000


def eligible_calls(
    *, start: dt.datetime, end: dt.datetime, policies: PolicyBook, lines: list[int] | None = None
) -> list[dict]:
    """Calls in [start, end) with a recording, long enough, not on a private line, by an active
    agent, not evaluated (regular or calibration) and not already assigned (only `lines`' calls,
    when given): one query."""
    qs = Call.objects.filter(start_time__gte=start, start_time__lt=end, agent__active=True)
    if lines is not None:
        qs = qs.filter(line_of_business__in=lines)
    qs = (
        qs
        .exclude(recording="")
        .filter(talk_seconds__gte=policies.min_talk_floor)
        .exclude(active_private_line_exists())
        .exclude(Exists(Assignment.objects.filter(call=OuterRef("pk"))))
        .exclude(pk__in=evaluated_calls())
    )
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


def lock_run(kind: str, period_start: dt.date, seed: int) -> SamplingRun:
    SamplingRun.objects.get_or_create(kind=kind, period_start=period_start, defaults={"seed": seed})
    return SamplingRun.objects.select_for_update().get(kind=kind, period_start=period_start)


def finish_run(run: SamplingRun, report: SamplingReport, started: float) -> None:
    report.seconds = time.monotonic() - started
    run.runs += 1
    run.last_run_at = timezone.now()
    run.last_added = report.added
    run.last_seconds = report.seconds
    run.last_report = report.as_dict()
    run.save()


def _existing_by_agent(start: dt.datetime, end: dt.datetime) -> tuple[dict[int, Counter], Counter]:
    """Primary assignments (not double scoring) on each agent's calls in the period: by role,
    the flagged ones apart (they are extra to the target), and the flagged ones per agent."""
    out: dict[int, Counter] = defaultdict(Counter)
    flagged: Counter = Counter()
    rows = (
        Assignment.objects.filter(call__start_time__gte=start, call__start_time__lt=end)
        .exclude(reason__in=SECONDARY_REASONS)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values_list("call__agent_id", "evaluator_role", "reason")
        .annotate(n=Count("pk"))
        .values_list("call__agent_id", "evaluator_role", "reason", "n")
    )
    for agent_id, role, reason, n in rows:
        if reason == AssignmentReason.FLAGGED:
            flagged[agent_id] += n
        else:
            out[agent_id][role] += n
    return out, flagged


def sample_agent_week(
    *,
    week_start: dt.date,
    seed: int = 0,
    now: dt.datetime | None = None,
) -> SamplingReport:
    """Give every active agent their weekly target of the week's calls (DESIGN.md §3).

    Regular evaluations already made of an agent's calls that week outside any assignment
    (`selectors.done.done_by_agent`, read under the week's lock) count toward the target and
    the role split."""
    started = time.monotonic()
    week_start = monday(week_start)
    now = now or timezone.now()
    start, end = week_bounds(week_start)
    report = SamplingReport(SamplingKind.AGENT_WEEK, week_start, (end - dt.timedelta(days=1)).date(), seed)
    with transaction.atomic():
        # Locks in one order everywhere (months, then the week): a month's final top-up running
        # at the same time waits instead of picking the same calls.
        for month in months_of_week(week_start):
            lock_run(SamplingKind.LINE_MONTH, month, seed)
        run = lock_run(SamplingKind.AGENT_WEEK, week_start, seed)
        policies = PolicyBook()
        calls = eligible_calls(start=start, end=end, policies=policies)
        done = done_by_agent(start, end)
        report.eligible_calls = len(calls)
        by_agent: dict[int, list[dict]] = defaultdict(list)
        for call in calls:
            by_agent[call["agent_id"]].append(call)
        tiers = {t.agent_id: t for t in AgentTier.objects.filter(week_start=week_start)}
        existing, flagged_before = _existing_by_agent(start, end)
        router = Router(week_start, policies)
        agents = list(Agent.objects.filter(active=True).values_list("pk", "team_id").order_by("pk"))
        # Every agent's picks first, then the week's role split over all of them (routing.py).
        batches: list[_Batch] = []
        new_by_team: Counter = Counter()
        done_by_team: dict[int, Counter] = defaultdict(Counter)
        for agent_id, team_id in agents:
            report.units += 1
            policy = policies.for_team(team_id)
            tier = tiers.get(agent_id)
            target = tier.target if tier else policy.target_no_history
            done_here = done.get(agent_id) or Counter()
            done_by_team[team_id].update(done_here)
            have = existing.get(agent_id, Counter()) + done_here
            need = target - sum(have.values())
            if need <= 0:
                continue
            frame = by_agent.get(agent_id, [])
            if len(frame) < need:
                report.units_short += 1
            rng = random.Random(f"{seed}:{week_start}:{agent_id}")
            picks, random_frame, escape = _with_coaching(frame, need, tier, rng)
            batches.append(_Batch(policy, picks, rng, random_frame, escape, now + dt.timedelta(days=policy.due_days)))
            new_by_team[team_id] += len(picks)
        split = week_split(
            period_start=week_start, policies=policies, new_by_team=new_by_team, also_by_team=done_by_team
        )
        rows: list[Assignment] = []
        for batch in batches:
            routed = route_picks(
                batch.picks,
                split=split,
                policy=batch.policy,
                router=router,
                period_start=week_start,
                due=batch.due,
                rng=batch.rng,
                report=report,
            )
            _record_random_probability(routed, batch.random_frame, batch.escape)
            rows += routed
        Assignment.objects.bulk_create(rows, batch_size=BULK)
        flagged = _flagged_stratum(
            _Week(week_start, start, end, seed, now),
            frame=calls,
            picked={row.call_id for row in rows},
            before=flagged_before,
            agents=agents,
            policies=policies,
            router=router,
            also_by_team=done_by_team,
            report=report,
        )
        Assignment.objects.bulk_create(flagged, batch_size=BULK)
        report.added = len(rows) + len(flagged)
        finish_run(run, report, started)
    return report


@dataclass(frozen=True)
class _Week:
    start_date: dt.date
    start: dt.datetime
    end: dt.datetime
    seed: int
    now: dt.datetime


def _flagged_stratum(
    week: _Week,
    *,
    frame: list[dict],
    picked: set[int],
    before: Counter,
    agents: list[tuple[int, int]],
    policies: PolicyBook,
    router: Router,
    also_by_team: dict[int, Counter],
    report: SamplingReport,
) -> list[Assignment]:
    """The week's flagged picks (module docstring), routed after the random ones were: each
    agent's policy's number less the flagged picks the week already has, from the eligible
    calls of the frame this run did not pick. Two queries (the flagged calls, the week's split
    with this run's random picks in it), none when no agent wants any."""
    team_of = dict(agents)
    wanted = {
        agent_id: policies.for_team(team_id).flagged_per_week - before.get(agent_id, 0) for agent_id, team_id in agents
    }
    wanted = {agent_id: n for agent_id, n in wanted.items() if n > 0}
    if not wanted:
        return []
    flags, csat_max = counted_flags([policies.default, *policies.by_line.values()])
    eligible = {c["id"]: c for c in frame if c["agent_id"] in wanted and c["id"] not in picked}
    candidates: dict[int, list[tuple[dict, tuple]]] = defaultdict(list)
    for row in flagged_calls(start=week.start, end=week.end, flags=flags, csat_max=csat_max):
        call = eligible.get(row["id"])
        if call is None:
            continue
        key = severity(row, policies.for_line(call["line_of_business_id"]))
        if key is not None:
            candidates[call["agent_id"]].append((call, key))
    chosen = {
        agent_id: most_severe(
            candidates[agent_id], wanted[agent_id], random.Random(f"{week.seed}:{week.start_date}:{agent_id}:flagged")
        )
        for agent_id in sorted(candidates)
    }
    new_by_team: Counter = Counter()
    for agent_id, calls in chosen.items():
        new_by_team[team_of[agent_id]] += len(calls)
    if not sum(new_by_team.values()):
        return []
    # The random picks are in the table now: the split counts them as the week's existing work.
    split = week_split(
        period_start=week.start_date, policies=policies, new_by_team=new_by_team, also_by_team=also_by_team
    )
    rows: list[Assignment] = []
    for agent_id, calls in chosen.items():
        policy = policies.for_team(team_of[agent_id])
        for call in calls:
            row = route_call(
                router,
                call,
                split=split,
                group=group_of(policy),
                policy=policy,
                reason=AssignmentReason.FLAGGED,
                probability=None,
                period_start=week.start_date,
                due=week.now + dt.timedelta(days=policy.due_days),
                report=report,
            )
            if row is not None:
                rows.append(row)
    return rows


@dataclass
class _Batch:
    """One agent-week's picks, waiting for the week's split to be known before routing."""

    policy: QuotaPolicy
    picks: list[tuple]
    rng: random.Random
    random_frame: int
    escape: dict[int, float]
    due: dt.datetime


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
