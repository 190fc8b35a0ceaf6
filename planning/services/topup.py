"""Line-of-business top-up for a month (DESIGN.md §3): a line under its monthly minimum is
topped up to it (never past its top-up limit), stratified like the agent quotas; a small line
must still be covered. Evaluations driven by agent quotas count toward the line's total.

Each top-up pick's inclusion probability is known only after routing (routed / N); a frame the
per-agent-week limit cut, or a redraw, makes the picks targeted (no probability).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncWeek
from django.utils import timezone

from monitoring.models import SECONDARY_REASONS, Assignment, AssignmentReason, AssignmentStatus, LineOfBusiness

from ..models import SamplingKind
from ..periods import monday, month_bounds, week_bounds
from ..policies import PolicyBook
from ..routing import Router, group_of, route_call, week_split
from ..selectors.done import done_by_line
from ..strata import SamplingReport, stratified_pick
from .sampling import BULK, eligible_calls, finish_run, lock_run


def _max_target(policies: PolicyBook, call: dict) -> int:
    policy = policies.for_team(call["agent__team_id"])
    return max(policy.target_for(t) for t in ("excellent", "good", "needs_improvement", "at_risk", "no_history"))


def _agent_week(call: dict) -> tuple[int, dt.date]:
    return call["agent_id"], monday(timezone.localtime(call["start_time"]).date())


def _existing_by_agent_week(start: dt.datetime, end: dt.datetime) -> dict[tuple[int, dt.date], Counter]:
    """Primary assignments on each agent's calls in the period, by the calls' week and by role.
    Flagged picks are extra to an agent's week (like the weekly draw, which leaves them out):
    they never take the room a top-up pick needs, so they never make its picks targeted."""
    out: dict[tuple[int, dt.date], Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.filter(call__start_time__gte=start, call__start_time__lt=end)
        .exclude(reason__in=(*SECONDARY_REASONS, AssignmentReason.FLAGGED))
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
            .exclude(reason__in=SECONDARY_REASONS)
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
    now: dt.datetime | None = None,
) -> SamplingReport:
    """Top up each line of business below its monthly minimum, up to (never past) the minimum
    and never past its top-up limit; calls up to `until` (exclusive) are the frame.

    Regular evaluations of the month's calls outside any assignment
    (`selectors.done.done_by_line`, read under the month's lock) count toward the minimum.
    """
    started = time.monotonic()
    month_start = month_start.replace(day=1)
    now = now or timezone.now()
    start, end = month_bounds(month_start)
    if until is not None:
        end = min(end, timezone.make_aware(dt.datetime.combine(until, dt.time.min)))
    report = SamplingReport(SamplingKind.LINE_MONTH, month_start, (end - dt.timedelta(seconds=1)).date(), seed)
    with transaction.atomic():
        run = lock_run(SamplingKind.LINE_MONTH, month_start, seed)
        policies = PolicyBook()
        full_start, full_end = month_bounds(month_start)
        counts = line_month_counts(full_start, full_end)
        done = done_by_line(full_start, full_end)
        # Which lines are short is known from two aggregates; only their calls are read (none
        # at all in the usual month, when agent quotas alone cover every line). Lines that need
        # nothing never draw, so the picks are the same as drawing over every line's calls.
        needs: dict[int, int] = {}
        for line_id in LineOfBusiness.objects.filter(active=True).order_by("pk").values_list("pk", flat=True):
            report.units += 1
            policy = policies.for_line(line_id)
            have = counts.get(line_id, 0) + done.get(line_id, 0)
            need = min(policy.line_month_floor, policy.line_month_cap) - have
            if need > 0:
                needs[line_id] = need
        if not needs:
            finish_run(run, report, started)
            return report
        calls = eligible_calls(start=start, end=end, policies=policies, lines=list(needs))
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
        drawn: list[tuple] = []
        for line_id, need in needs.items():
            policy = policies.for_line(line_id)
            frame = by_line.get(line_id, [])
            if len(frame) < need:
                report.units_short += 1
            rng = random.Random(f"{seed}:{month_start}:line:{line_id}")
            picks, frame_size = _pick_with_room(frame, need, rng, room, limited=line_id in limited_lines)
            drawn.append((policy, picks, frame_size))
        # Top-ups join the week's role split (DESIGN.md §3: 70/20/10 over the week's picks,
        # routing.WeekSplit), in the group of each agent's own policy.
        split = week_split(
            period_start=period_start,
            policies=policies,
            new_by_team=Counter(c["agent__team_id"] for _policy, picks, _n in drawn for c in picks),
        )
        rows: list[Assignment] = []
        for policy, picks, frame_size in drawn:
            line_rows: list[Assignment] = []
            for call in picks:
                row = route_call(
                    router,
                    call,
                    split=split,
                    group=group_of(policies.for_team(call["agent__team_id"])),
                    policy=policy,
                    reason=AssignmentReason.LINE_TOPUP,
                    probability=None,
                    period_start=period_start,
                    due=now + dt.timedelta(days=policy.due_days),
                    report=report,
                )
                if row is not None:
                    line_rows.append(row)
            # Known only after routing: picks nobody could take were dropped (routed / N), and a
            # frame the room limit cut or a redraw makes the picks targeted (None).
            if frame_size:
                probability = round(min(1.0, len(line_rows) / frame_size), 6)
                for row in line_rows:
                    row.inclusion_probability = probability
            rows += line_rows
        Assignment.objects.bulk_create(rows, batch_size=BULK)
        report.added = len(rows)
        finish_run(run, report, started)
    return report
