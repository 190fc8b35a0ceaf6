"""A small hand-made center for the weekly monitoring plan's tests (test_plan*.py): the
`center` fixture (tests/planning/conftest.py) builds a `Center`, `add_calls` adds calls to a
week, `plan()` runs planning.services.plan.plan_week on WEEK.

The center: two teams on the billing line (A: three agents, supervisor sup_a; B: three agents,
sup_b), three QA auditors and a trainer, and one week (2026-W10, Monday 2 March) of recorded
calls across day/night shifts, both directions and two service types. With no evaluations yet
every agent's tier is "no history" (5 a week) unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from monitoring.models import Assignment, AssignmentReason, Call
from planning.models import QuotaPolicy, SamplingRun
from planning.services import plan as plan_svc
from tests import factories as f

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = dt.date(2026, 3, 2)  # a Monday; the week and its month (March) do not straddle
RECORDING = "recordings/x.wav"
_ids = itertools.count(1)


def add_calls(
    agent,
    n: int,
    *,
    lob,
    week: dt.date = WEEK,
    service_types=("invoice query", "refund"),
    recording: str = RECORDING,
    talk: int = 240,
    line: str = "",
    shifts=None,
) -> list[Call]:
    """n calls of `agent` in `week`, spread over the weekdays, shifts, directions and service types."""
    rows = []
    for i in range(n):
        day = week + dt.timedelta(days=i % 5)
        night = i % 4 == 3
        start = dt.datetime.combine(day, dt.time(23 if night else 9 + i % 8, (7 * i) % 60), tzinfo=TZ)
        rows.append(
            Call(
                source="test",
                external_id=f"P{next(_ids):06d}",
                agent=agent,
                line_of_business=lob,
                direction="outbound" if i % 3 == 2 else "inbound",
                service_type=service_types[i % len(service_types)],
                start_time=start,
                shift=(shifts or {}).get("night" if night else "day"),
                talk_seconds=talk,
                recording=recording,
                line=line,
            )
        )
    return Call.objects.bulk_create(rows)


class Center:
    """Attributes: lob, teams a/b, sup_a, sup_b, qa (3), trainer, agents_a, agents_b, policy."""

    def __init__(self, calls_per_agent: int = 20):
        self.lob = f.LineOfBusinessFactory(code="billing", name="Billing")
        self.shifts = {
            "day": f.ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20)),
            "night": f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8)),
        }
        self.team_a = f.TeamFactory(name="Team A")
        self.team_b = f.TeamFactory(name="Team B")
        for team in (self.team_a, self.team_b):
            team.lines_of_business.add(self.lob)
        self.qa = [f.UserFactory(username=f"qa{i}", roles=["qa"]) for i in (1, 2, 3)]
        self.trainer = f.UserFactory(username="trainer1", roles=["trainer"])
        self.sup_a = f.UserFactory(username="sup_a", roles=["supervisor"])
        self.sup_b = f.UserFactory(username="sup_b", roles=["supervisor"])
        self.team_a.supervisors.add(self.sup_a)
        self.team_b.supervisors.add(self.sup_b)
        self.agents_a = [f.AgentFactory(name=f"A{i}", team=self.team_a) for i in range(3)]
        self.agents_b = [f.AgentFactory(name=f"B{i}", team=self.team_b) for i in range(3)]
        self.policy = QuotaPolicy.objects.get(line_of_business__isnull=True)  # from the data migration
        for agent in self.agents:
            add_calls(agent, calls_per_agent, lob=self.lob, shifts=self.shifts)

    @property
    def agents(self):
        return self.agents_a + self.agents_b

    def set_policy(self, **values) -> None:
        QuotaPolicy.objects.filter(pk=self.policy.pk).update(**values)
        self.policy.refresh_from_db()


def plan(seed: int = 0) -> plan_svc.WeekPlan:
    return plan_svc.plan_week(week_start=WEEK, seed=seed)


def snapshot() -> set[tuple]:
    return set(Assignment.objects.values_list("call_id", "evaluator_id", "evaluator_role", "reason"))


def primary():
    return Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING)


def forget_the_week() -> None:
    Assignment.objects.all().delete()
    SamplingRun.objects.all().delete()
