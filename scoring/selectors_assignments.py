"""Reads for assignments: who sees which, and who a manager or supervisor may hand one to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from monitoring.models import Assignment, AssignmentStatus, Team
from qa_platform.roles import ADMIN, MANAGER, QA, ROLE_LABELS, SUPERVISOR, TRAINER, routing_role, user_roles

from .selectors_progress import week_label


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Managers and admins: every assignment; a supervisor: their own and those on their teams'
    agents' calls; QA and trainers: their own; anyone else: none."""
    roles = user_roles(user)
    qs = Assignment.objects.select_related(
        "call", "call__agent", "call__agent__team", "call__line_of_business", "evaluator"
    )
    if roles & {MANAGER, ADMIN}:
        return qs
    if SUPERVISOR in roles:
        return qs.filter(Q(evaluator=user) | Q(call__agent__team__supervisors=user)).distinct()
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
        roles = user_roles(viewer)
        self.is_manager = MANAGER in roles
        self.is_supervisor = SUPERVISOR in roles
        self.team_supervisors: dict[int, set[int]] = defaultdict(set)
        self.holders: dict[int, set[int]] = defaultdict(set)
        self._people: list[tuple[int, str, str, frozenset, int]] = []  # (pk, username, name, roles, open)
        if not assignments or not (self.is_manager or self.is_supervisor):
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
        User = get_user_model()
        open_load = dict(
            Assignment.objects.filter(status=AssignmentStatus.OPEN)
            .values("evaluator_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("evaluator_id", "n")
        )
        people: dict[int, dict] = {}
        for pk, username, first, last, group in User.objects.filter(
            Q(groups__name__in=(QA, TRAINER)) | Q(pk__in=supervisor_ids, groups__name=SUPERVISOR), is_active=True
        ).values_list("pk", "username", "first_name", "last_name", "groups__name"):
            person = people.setdefault(
                pk, {"username": username, "name": f"{first} {last}".strip() or username, "roles": set()}
            )
            person["roles"].add(group)
        self._people = sorted(
            ((pk, p["username"], p["name"], frozenset(p["roles"]), open_load.get(pk, 0)) for pk, p in people.items()),
            key=lambda p: (p[4], p[2].lower()),
        )

    def can_reassign(self, assignment: Assignment) -> bool:
        if assignment.status != AssignmentStatus.OPEN or assignment.started_at is not None:
            return False
        if self.is_manager:
            return True
        return self.is_supervisor and self.viewer.pk in self.team_supervisors.get(assignment.call.agent.team_id, ())

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
