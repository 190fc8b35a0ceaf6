"""Routing (DESIGN.md §3): which evaluator takes each sampled call.

The role split holds over the whole week, not per agent batch (a 10 % share of a 3–10 call
batch would round to nothing). `WeekSplit` does it in two steps, for each policy's share of
the week (agents follow their team's policy):

1. Targets. The week's work T — its assignments (`period_start`, not cancelled, not the
   double-scoring copies) plus regular evaluations of its calls made outside assignments, plus
   this run's picks — is split by largest remainder: each role ⌊share × T / 100⌋, and one more
   to the largest remainders (ties to QA, supervisor, trainer in that order). What this run adds
   to each role is its target minus what it already has (a role already past its target keeps
   its excess and gets nothing more; the others share the rest, largest gap first).
2. Spreading. The run's picks are dealt in order, each to the open role furthest below its
   running share of those additions, so every agent's batch gets a mix and a supervisor gets
   about their share of each own team's calls rather than a run of them.

A role is open for a pick when one of its evaluators may take it: the least-loaded one with
capacity left, never the agent themselves, and for supervisors only the supervisors of the
agent's team. A pick a role is not open for gives that role's part of it to QA (to the first
open role if QA is not open either) — a team without a supervisor, or a role at capacity, makes
its share infeasible there, and it spills to QA instead of being caught up on other teams.

The bound: with every role open for every pick, each role ends exactly on its target (so within
one call of share × T; existing work past a target excepted, as above). A role closed for some
picks ends short by its part of those picks, within one call, and QA over by as much. Tests:
the seeded week (tests/planning/test_sampling_on_seed.py) holds each role to
|count − target| ≤ the number of evaluators of that role ("within one call per evaluator", met
exactly there), the small centers and the properties to the exact rule. Per agent, the dealing
keeps an agent-week within two calls of share × its total (checked on the seeded week, not a
guarantee when existing work or spills skew the run's additions). A pick no role is open for
is reported "not routed".
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

from django.contrib.auth import get_user_model
from django.db.models import Count

from monitoring.models import SECONDARY_REASONS, Assignment, AssignmentReason, AssignmentStatus, Team
from qa_platform.roles import QA, SUPERVISOR, TRAINER

from .models import QuotaPolicy
from .policies import PolicyBook

ROLES = (QA, SUPERVISOR, TRAINER)
EPS = 1e-9


def largest_remainder(shares: Mapping[str, int], total: int) -> dict[str, int]:
    """`total` split by the percent `shares` (Hamilton's method, integer arithmetic): each role
    the floor of its quota, then one more to the largest remainders, ties in ROLES order. Shares
    that do not add up to 100 are taken relative to their sum; no shares at all give QA all."""
    weights = {role: max(0, int(shares.get(role, 0))) for role in ROLES}
    whole = sum(weights.values())
    if whole == 0:
        return {role: total if role == QA else 0 for role in ROLES}
    out = {role: weights[role] * total // whole for role in ROLES}
    by_remainder = sorted(ROLES, key=lambda role: (-(weights[role] * total % whole), ROLES.index(role)))
    for role in by_remainder[: total - sum(out.values())]:
        out[role] += 1
    return out


def additions(target: Mapping[str, int], have: Mapping[str, int], n: int) -> dict[str, int]:
    """How many of `n` new picks each role gets to move from `have` toward `target`: one at a
    time to the role furthest below its target (ties in ROLES order). Exactly target − have
    when no role already has more than its target."""
    out = dict.fromkeys(ROLES, 0)
    for _ in range(n):
        role = max(ROLES, key=lambda r: (target[r] - have.get(r, 0) - out[r], -ROLES.index(r)))
        out[role] += 1
    return out


class WeekSplit:
    """The week's role split over all its picks, per policy group (pure: no ORM; see the module
    docstring for the rule and its bound).

    `existing` is the work the week already has, by group and role; `new` the number of picks
    this run will route in each group; `shares` each group's policy shares (percent)."""

    def __init__(
        self,
        *,
        existing: Mapping[Hashable, Mapping[str, int]],
        new: Mapping[Hashable, int],
        shares: Mapping[Hashable, Mapping[str, int]],
    ) -> None:
        self.targets: dict[Hashable, dict[str, int]] = {}
        self.adds: dict[Hashable, dict[str, int]] = {}
        self.rates: dict[Hashable, dict[str, float]] = {}
        self.deserved: dict[Hashable, Counter] = defaultdict(Counter)
        self.current: dict[Hashable, Counter] = defaultdict(Counter)
        for group, n in new.items():
            have = Counter({role: existing.get(group, {}).get(role, 0) for role in ROLES})
            self.targets[group] = largest_remainder(shares[group], sum(have.values()) + n)
            self.adds[group] = additions(self.targets[group], have, n)
            self.rates[group] = {role: self.adds[group][role] / n if n else 0.0 for role in ROLES}

    def choose(self, group: Hashable, open_roles: Sequence[str]) -> str:
        """The role for the next pick of `group`, among `open_roles` (non-empty): the one
        furthest below its running share of the run's additions; a closed role's part of this
        pick counts for QA (or the first open role when QA is closed too)."""
        rates, deserved, current = self.rates[group], self.deserved[group], self.current[group]
        spill = QA if QA in open_roles else next(r for r in ROLES if r in open_roles)
        for role in ROLES:
            deserved[role if role in open_roles else spill] += rates[role]
        best = None
        for role in ROLES:
            if role in open_roles and (
                best is None or deserved[role] - current[role] > deserved[best] - current[best] + EPS
            ):
                best = role
        current[best] += 1
        return best


def group_of(policy: QuotaPolicy) -> Hashable:
    """The split's group for work under `policy` (each policy keeps its own shares)."""
    return policy.pk


def week_split(
    *,
    period_start: dt.date,
    policies: PolicyBook,
    new_by_team: Mapping[int, int],
    also_by_team: Mapping[int, Mapping[str, int]] | None = None,
) -> WeekSplit:
    """The `WeekSplit` of a week (one query): its primary, non-cancelled assignments by the
    agent's team policy and role, plus `also_by_team` (regular evaluations outside
    assignments), for `new_by_team` picks about to be routed."""
    existing: dict[Hashable, Counter] = defaultdict(Counter)
    rows = (
        Assignment.objects.filter(period_start=period_start)
        .exclude(reason__in=SECONDARY_REASONS)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values_list("call__agent__team_id", "evaluator_role")
        .annotate(n=Count("pk"))
        .values_list("call__agent__team_id", "evaluator_role", "n")
        .order_by()
    )
    for team_id, role, n in rows:
        existing[group_of(policies.for_team(team_id))][role if role in ROLES else QA] += n
    for team_id, counts in (also_by_team or {}).items():
        for role, n in counts.items():
            existing[group_of(policies.for_team(team_id))][role if role in ROLES else QA] += n
    new: Counter = Counter()
    shares: dict[Hashable, dict[str, int]] = {}
    for team_id, n in new_by_team.items():
        policy = policies.for_team(team_id)
        new[group_of(policy)] += n
        shares[group_of(policy)] = policy.shares()
    return WeekSplit(existing=existing, new=new, shares=shares)


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
        # Ordered: the supervisors' order breaks load ties in `best`, so it must not depend on
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

    def best(
        self, role: str, *, team_id: int, agent_user_id: int | None, policy: QuotaPolicy, exclude=()
    ) -> int | None:
        """The least-loaded evaluator of `role` free to take a pick (ties to the lowest id), or None."""
        capacity = policy.capacities()[role]
        best = None
        for user_id in self.candidates(role, team_id):
            if user_id == agent_user_id or user_id in exclude or self.load[user_id] >= capacity:
                continue
            if best is None or self.load[user_id] < self.load[best]:
                best = user_id
        return best

    def pick(
        self, role: str, *, team_id: int, agent_user_id: int | None, policy: QuotaPolicy, exclude=()
    ) -> int | None:
        """`best`, counted in the evaluator's load."""
        user_id = self.best(role, team_id=team_id, agent_user_id=agent_user_id, policy=policy, exclude=exclude)
        if user_id is not None:
            self.load[user_id] += 1
        return user_id


def route_one(
    router: Router, split: WeekSplit, *, group: Hashable, team_id: int, agent_user_id: int | None, policy
) -> tuple[str | None, int | None]:
    """The pick's role by the week's split among the roles open for it, and that role's
    least-loaded evaluator (counted in the load); (None, None) when no role is open."""
    free = {role: router.best(role, team_id=team_id, agent_user_id=agent_user_id, policy=policy) for role in ROLES}
    open_roles = [role for role in ROLES if free[role] is not None]
    if not open_roles:
        return None, None
    role = split.choose(group, open_roles)
    router.load[free[role]] += 1
    return role, free[role]


def route_call(
    router: Router,
    call: dict,
    *,
    split: WeekSplit,
    group: Hashable,
    policy: QuotaPolicy,
    reason: str,
    probability: float | None,
    period_start: dt.date,
    due: dt.datetime,
    report,
) -> Assignment | None:
    """One pick routed (`route_one`) and counted in the run's `report`; None when no evaluator
    of any role had room (counted as unrouted)."""
    role, evaluator = route_one(
        router,
        split,
        group=group,
        team_id=call["agent__team_id"],
        agent_user_id=call["agent__user_id"],
        policy=policy,
    )
    if evaluator is None:
        report.unrouted += 1
        return None
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
    picks: Iterable[tuple],
    *,
    split: WeekSplit,
    policy: QuotaPolicy,
    router: Router,
    period_start: dt.date,
    due: dt.datetime,
    rng: random.Random,
    report,
) -> list[Assignment]:
    """Turn one agent-week's picks into assignments: roles by the week's split (`split`, which
    counted these picks), each to the least-loaded evaluator with capacity; a share of the random
    picks also goes blind to a second QA auditor (double scoring)."""
    rows = []
    for call, reason, probability in picks:
        row = route_call(
            router,
            call,
            split=split,
            group=group_of(policy),
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
