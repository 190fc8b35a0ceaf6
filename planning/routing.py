"""Routing (DESIGN.md §3): which evaluator takes each sampled call.

Roles by the policy's shares over the agent-week's whole total (existing work counted, largest
gap first, so a small share is not rounded away), each pick to the least-loaded evaluator of
that role with capacity left; a role with nobody free passes the pick to the next; supervisors
only for their own teams; never an evaluator's own calls.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, Team
from qa_platform.roles import QA, SUPERVISOR, TRAINER

from .models import QuotaPolicy
from .policies import PolicyBook

ROLES = (QA, SUPERVISOR, TRAINER)


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

    def pick(
        self, role: str, *, team_id: int, agent_user_id: int | None, policy: QuotaPolicy, exclude=()
    ) -> int | None:
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


def route_one(
    router: Router, targets: dict[str, float], current: Counter, *, team_id: int, agent_user_id: int | None, policy
) -> tuple[str | None, int | None]:
    """The role furthest below its share that has someone free, and that evaluator; (None, None)
    when nobody of any role can take the pick."""
    allowed = set(ROLES)
    while allowed:
        role = next_role(targets, current, allowed)
        evaluator = router.pick(role, team_id=team_id, agent_user_id=agent_user_id, policy=policy)
        if evaluator is not None:
            return role, evaluator
        allowed.discard(role)  # nobody of that role has capacity: the next role takes it
    return None, None


def route_call(
    router: Router,
    call: dict,
    *,
    targets: dict[str, float],
    current: Counter,
    policy: QuotaPolicy,
    reason: str,
    probability: float | None,
    period_start: dt.date,
    due: dt.datetime,
    report,
) -> Assignment | None:
    """One pick routed (`route_one`) and counted in `current` and the run's `report`; None when
    no evaluator of any role had room (counted as unrouted)."""
    role, evaluator = route_one(
        router, targets, current, team_id=call["agent__team_id"], agent_user_id=call["agent__user_id"], policy=policy
    )
    if evaluator is None:
        report.unrouted += 1
        return None
    current[role] += 1
    report.by_reason[reason] += 1
    report.by_role[role] += 1
    return Assignment(
        call_id=call["id"],
        evaluator_id=evaluator,
        evaluator_role=role,
        reason=reason,
        inclusion_probability=probability,
        period_start=period_start,
        due_at=due,
    )


def route_picks(
    picks: list[tuple],
    *,
    have: Counter,
    total: int,
    policy: QuotaPolicy,
    router: Router,
    period_start: dt.date,
    due: dt.datetime,
    rng: random.Random,
    report,
) -> list[Assignment]:
    """Turn one agent-week's picks into assignments: roles by the policy's shares over the whole
    period's total (existing work included), each to the least-loaded evaluator with capacity; a
    share of the random picks also goes blind to a second QA auditor (double scoring)."""
    shares = policy.shares()
    targets = {role: shares[role] * total / 100 for role in ROLES}
    current = Counter({role: have.get(role, 0) for role in ROLES})
    rows = []
    for call, reason, probability in picks:
        row = route_call(
            router,
            call,
            targets=targets,
            current=current,
            policy=policy,
            reason=reason,
            probability=probability,
            period_start=period_start,
            due=due,
            report=report,
        )
        if row is None:
            continue
        rows.append(row)
        if reason == AssignmentReason.RANDOM and rng.random() * 100 < policy.double_scoring_percent:
            second = router.pick(
                QA,
                team_id=call["agent__team_id"],
                agent_user_id=call["agent__user_id"],
                policy=policy,
                exclude={row.evaluator_id},
            )
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
