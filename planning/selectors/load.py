"""Each evaluator's load for a week against their role's capacity (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus
from qa_platform.roles import EVALUATOR_ROLES, QA, ROLE_LABELS, SUPERVISOR, TRAINER, routing_role

from ..periods import monday
from ..policies import PolicyBook
from .people import evaluators


@dataclass
class EvaluatorLoadRow:
    user_id: int
    username: str
    name: str
    role: str
    roles: list[str]
    capacity: int
    assigned: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0
    double_scoring: int = 0

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def load_pct(self) -> int:
        return round(100 * self.assigned / self.capacity) if self.capacity else 0

    @property
    def bar_pct(self) -> int:
        return min(100, self.load_pct)

    @property
    def over_capacity(self) -> bool:
        return self.assigned > self.capacity


def primary_role(roles) -> str | None:
    """The evaluator role work is routed by, as `assignment_reassign` picks it."""
    return routing_role(roles, leads_team=True)


def evaluator_load_rows(*, week_start: dt.date, now: dt.datetime | None = None) -> list[EvaluatorLoadRow]:
    """Each evaluator's assignments routed for the week (`period_start`) against the weekly
    capacity of their role in the center default policy: open, overdue and done."""
    now = now or timezone.now()
    week_start = monday(week_start)
    open_q = Q(status=AssignmentStatus.OPEN)
    stats = {
        r["evaluator_id"]: r
        for r in Assignment.objects.filter(period_start=week_start)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values("evaluator_id")
        .annotate(
            assigned=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
            done=Count("pk", filter=Q(status=AssignmentStatus.DONE)),
            double_scoring=Count("pk", filter=Q(reason=AssignmentReason.DOUBLE_SCORING)),
        )
        .order_by()
    }
    people = evaluators(Q(is_active=True, groups__name__in=EVALUATOR_ROLES) | Q(pk__in=list(stats)))
    capacities = PolicyBook().default.capacities()
    rows = []
    for pk, person in people.items():
        role = primary_role(person["roles"]) or QA
        row = EvaluatorLoadRow(
            user_id=pk,
            username=person["username"],
            name=person["name"],
            role=role,
            roles=sorted(person["roles"]),
            capacity=capacities.get(role, 0),
        )
        s = stats.get(pk)
        if s:
            row.assigned, row.open, row.overdue = s["assigned"], s["open"], s["overdue"]
            row.done, row.double_scoring = s["done"], s["double_scoring"]
        rows.append(row)
    order = {QA: 0, SUPERVISOR: 1, TRAINER: 2}
    rows.sort(key=lambda r: (order.get(r.role, 3), -r.assigned, r.name.lower()))
    return rows
