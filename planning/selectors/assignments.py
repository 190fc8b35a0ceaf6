"""Reads for assignments: who sees which, and who a manager or supervisor may hand one to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from monitoring.models import MAX_ID, Assignment, AssignmentStatus, Team
from monitoring.selectors import led_team_ids
from qa_platform.roles import ADMIN, MANAGER, QA, ROLE_LABELS, SUPERVISOR, TRAINER, routing_role, user_roles

from ..periods import week_label
from ..permissions import may_reassign_anything, reassign_refusal
from .people import evaluators

# What a list of assignments shows of each (the call, its agent and team, the evaluator).
LIST_RELATED = ("call", "call__agent", "call__agent__team", "call__line_of_business", "call__shift", "evaluator")


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Managers and admins: every assignment; a supervisor: their own and those on their teams'
    agents' calls; QA and trainers: their own; anyone else: none."""
    roles = user_roles(user)
    qs = Assignment.objects.select_related(*LIST_RELATED)
    if roles & {MANAGER, ADMIN}:
        return qs
    if SUPERVISOR in roles:
        return qs.filter(Q(evaluator=user) | Q(call__agent__team_id__in=led_team_ids(user)))
    if roles & {QA, TRAINER}:
        return qs.filter(evaluator=user)
    return qs.none()


@dataclass(frozen=True)
class Candidate:
    user_id: int
    username: str
    name: str
    role: str
    open: int

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))


class ReassignContext:
    """What a page needs to offer reassignment on a list of assignments, in a fixed number of
    queries: who may reassign each one, and to whom (QA, trainers and the supervisors of the
    agent's team; never the agent, the current evaluator or someone who already holds the call),
    least-loaded first within each role."""

    def __init__(self, viewer, assignments: list[Assignment]):
        self.viewer = viewer
        self.team_supervisors: dict[int, set[int]] = defaultdict(set)
        self.holders: dict[int, set[int]] = defaultdict(set)
        self._people: list[tuple[int, str, str, frozenset, int]] = []  # (pk, username, name, roles, open)
        if not assignments or not may_reassign_anything(viewer):
            return  # nobody here may reassign anything: no queries
        team_ids = {a.call.agent.team_id for a in assignments}
        for team_id, user_id in Team.supervisors.through.objects.filter(team_id__in=team_ids).values_list(
            "team_id", "user_id"
        ):
            self.team_supervisors[team_id].add(user_id)
        for call_id, evaluator_id in Assignment.objects.filter(
            call_id__in=[a.call_id for a in assignments]
        ).values_list("call_id", "evaluator_id"):
            self.holders[call_id].add(evaluator_id)
        self._load_people({uid for ids in self.team_supervisors.values() for uid in ids})

    def _load_people(self, supervisor_ids: set[int]) -> None:
        open_load = dict(
            Assignment.objects.filter(status=AssignmentStatus.OPEN)
            .values("evaluator_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("evaluator_id", "n")
        )
        people = evaluators(
            Q(is_active=True) & (Q(groups__name__in=(QA, TRAINER)) | Q(pk__in=supervisor_ids, groups__name=SUPERVISOR))
        )
        self._people = sorted(
            ((pk, p["username"], p["name"], frozenset(p["roles"]), open_load.get(pk, 0)) for pk, p in people.items()),
            key=lambda p: (p[4], p[2].lower()),
        )

    def refusal(self, assignment: Assignment) -> str | None:
        """Why the viewer may not reassign this assignment's call (`permissions.reassign_refusal`)."""
        return reassign_refusal(
            self.viewer, team_supervisor_ids=self.team_supervisors.get(assignment.call.agent.team_id, ())
        )

    def can_reassign(self, assignment: Assignment) -> bool:
        if assignment.status != AssignmentStatus.OPEN or assignment.started_at is not None:
            return False
        return self.refusal(assignment) is None

    def candidates(self, assignment: Assignment) -> list[Candidate]:
        """Who may take the assignment, with the role `assignment_reassign` would give them: QA
        first, then the team's supervisors, then trainers; least-loaded first within a role."""
        agent = assignment.call.agent
        excluded = {agent.user_id, assignment.evaluator_id, *self.holders.get(assignment.call_id, ())}
        team_sups = self.team_supervisors.get(agent.team_id, set())
        by_role: dict[str, list[Candidate]] = {QA: [], SUPERVISOR: [], TRAINER: []}
        for pk, username, name, roles, load in self._people:
            if pk in excluded:
                continue
            role = routing_role(roles, leads_team=pk in team_sups)
            if role is None:
                continue
            by_role[role].append(Candidate(pk, username, name, role, load))
        return [*by_role[QA], *by_role[SUPERVISOR], *by_role[TRAINER]]

    def annotate(self, assignments: list[Assignment]) -> list[Assignment]:
        """Sets `may_reassign`, `reassign_to` and `week` on each assignment."""
        for a in assignments:
            a.may_reassign = self.can_reassign(a)
            a.reassign_to = self.candidates(a) if a.may_reassign else []
            a.week = week_label(a.period_start)
        return assignments


def open_assignments_of(evaluator) -> QuerySet[Assignment]:
    """The evaluator's open assignments, soonest due first: their work queue."""
    return (
        Assignment.objects.filter(evaluator=evaluator, status=AssignmentStatus.OPEN)
        .select_related(*LIST_RELATED)
        .order_by("due_at", "pk")
    )


def assignment_for_page(pk) -> Assignment:
    """One assignment with what the reassignment page and API show, looked up among all of them
    (whether the requester may act on it is a permission question, answered as a 403); 404 when
    there is none or `pk` is not an id."""
    if not (str(pk).isascii() and str(pk).isdigit() and int(pk) <= MAX_ID):
        raise Http404
    return get_object_or_404(Assignment.objects.select_related(*LIST_RELATED), pk=int(pk))


@dataclass(frozen=True)
class WeekWork:
    """One evaluator's assignments for one monitoring week (cancelled ones left out): what the
    work queue shows as the week's progress."""

    week_start: dt.date
    assigned: int
    done: int
    overdue: int  # open and past their due time
    due_by: dt.datetime | None  # the latest due time among them

    @property
    def open(self) -> int:
        return self.assigned - self.done

    @property
    def done_pct(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


def week_work_of(evaluator, *, week_start: dt.date, now: dt.datetime) -> WeekWork:
    """`evaluator`'s assignments for the week of `week_start`. One query."""
    stats = (
        Assignment.objects.filter(evaluator=evaluator, period_start=week_start)
        .exclude(status=AssignmentStatus.CANCELLED)
        .aggregate(
            assigned=Count("pk"),
            done=Count("pk", filter=Q(status=AssignmentStatus.DONE)),
            overdue=Count("pk", filter=Q(status=AssignmentStatus.OPEN, due_at__lt=now)),
            due_by=Max("due_at"),
        )
    )
    return WeekWork(week_start=week_start, **stats)
