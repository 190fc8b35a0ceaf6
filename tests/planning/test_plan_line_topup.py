"""The weekly monitoring plan on small hand-made centers (DESIGN.md §3, the center of
tests/planning/helpers.py): planning.services.plan.plan_week and the sampler it drives
(planning.services.sampling), on a real database. This file: the line of business top-up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import F

from monitoring.models import Assignment, AssignmentReason, Call
from planning import periods
from planning.routing import largest_remainder
from planning.selectors import done as done_sel
from planning.services import plan as plan_svc
from tests import factories as f
from tests.planning.helpers import TZ, WEEK, add_calls, plan, primary
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db


# --- the line of business top-up --------------------------------------------------------------


@pytest.fixture
def small_line(center):
    """Team A also takes a small complaints line: 6 calls per agent this week (18 in all)."""
    complaints = f.LineOfBusinessFactory(code="complaints", name="Complaints")
    center.team_a.lines_of_business.add(complaints)
    for agent in center.agents_a:
        add_calls(agent, 6, lob=complaints, service_types=("formal complaint",), shifts=center.shifts)
    return complaints


def line_total(lob) -> int:
    return primary().filter(call__line_of_business=lob).count()


def test_a_small_line_is_topped_up_to_its_floor_and_no_further(center, small_line):
    result = plan()

    by_quota = primary().filter(call__line_of_business=small_line).exclude(reason=AssignmentReason.LINE_TOPUP)
    topups = primary().filter(reason=AssignmentReason.LINE_TOPUP)
    assert line_total(small_line) == 15
    assert topups.count() == 15 - by_quota.count()  # agent quotas count toward the line
    assert set(topups.values_list("call__line_of_business", flat=True)) == {small_line.pk}
    assert sum(r.added for r in result.lines) == topups.count()
    assert {a.inclusion_probability for a in topups} == {round(topups.count() / (18 - by_quota.count()), 6)}
    # The billing line is far above its floor from agent quotas alone: no top-up.
    assert line_total(center.lob) >= 15


def test_top_ups_join_the_weeks_split_by_role(center, small_line):
    plan()

    topups = primary().filter(reason=AssignmentReason.LINE_TOPUP)
    assert topups.exists()
    # Agent quotas then top-ups, one split over the week: 70/20/10 by largest remainder.
    roles = Counter(primary().values_list("evaluator_role", flat=True))
    assert roles == largest_remainder(center.policy.shares(), sum(roles.values()))
    for agent in center.agents_a:
        mine = Counter(primary().filter(call__agent=agent).values_list("evaluator_role", flat=True))
        assert sum(mine.values()) > 5  # the agent's quota and some top-ups
        for role, share in center.policy.shares().items():
            assert abs(mine[role] - share * sum(mine.values()) / 100) < 2, (agent, dict(mine))


def test_a_top_up_never_takes_an_agent_past_ten_calls_a_week(center):
    complaints = f.LineOfBusinessFactory(code="complaints", name="Complaints")
    center.team_a.lines_of_business.add(complaints)
    only = center.agents_a[0]
    add_calls(only, 12, lob=complaints, service_types=("formal complaint",))

    plan()

    assert primary().filter(call__agent=only).count() == 10  # 5 by quota, 5 top-ups, then no more
    assert line_total(complaints) < 15  # the line stays short rather than pile onto one agent
    # The per-agent-week limit chose which calls: targeted, no design probability to record.
    topups = primary().filter(reason=AssignmentReason.LINE_TOPUP)
    assert topups.exists()
    assert {a.inclusion_probability for a in topups} == {None}


def test_a_line_is_still_topped_up_late_in_the_month(center):
    complaints = f.LineOfBusinessFactory(code="complaints", name="Complaints")
    center.team_a.lines_of_business.add(complaints)
    later = WEEK + dt.timedelta(weeks=1)
    for agent in center.agents_a:
        add_calls(agent, 1, lob=complaints, service_types=("formal complaint",))
        add_calls(agent, 20, lob=center.lob, week=later)
        add_calls(agent, 5, lob=complaints, service_types=("formal complaint",), week=later)
    for agent in center.agents_b:
        add_calls(agent, 20, lob=center.lob, week=later)
    plan()
    assert line_total(complaints) == 3  # all the line had in the first week

    plan_svc.plan_week(week_start=later)

    # Every agent has at least 10 assignments this month, but only 5 in this week: room for more.
    assert line_total(complaints) == 15


def test_a_line_already_over_its_floor_gets_no_top_up(center, small_line):
    center.set_policy(line_month_floor=3, line_month_cap=20)

    plan()

    assert not primary().filter(reason=AssignmentReason.LINE_TOPUP).exists()


def test_the_top_up_stops_at_the_lines_limit(center, small_line):
    center.set_policy(line_month_floor=20, line_month_cap=20)
    for agent in center.agents_a:
        add_calls(agent, 6, lob=small_line, service_types=("escalation",))  # 36 calls on the line

    plan()

    assert line_total(small_line) == 20
    assert plan().added == 0


def test_a_line_short_of_calls_takes_all_it_has(center, small_line):
    center.set_policy(line_month_floor=20, line_month_cap=20)

    report = plan().lines[0]

    assert line_total(small_line) == 18  # every eligible call, and no more exist
    assert report.units_short == 1


def test_evaluations_outside_assignments_count_toward_the_line(center, small_line):
    version = make_scorecard_version(lines_of_business=[center.lob, small_line])
    sunday = WEEK - dt.timedelta(days=7)  # the week before, but 1 March is in the same month
    earlier = add_calls(center.agents_a[0], 12, lob=small_line, week=sunday)
    Call.objects.filter(pk__in=[c.pk for c in earlier]).update(start_time=dt.datetime(2026, 3, 1, 10, tzinfo=TZ))
    for call in earlier:
        make_evaluation(call=call, by=center.qa[2], version=version)

    plan()

    assert done_sel.done_by_line(*periods.month_bounds(WEEK)) == {small_line.pk: 12}
    by_quota = primary().filter(call__line_of_business=small_line).exclude(reason=AssignmentReason.LINE_TOPUP)
    topups = primary().filter(reason=AssignmentReason.LINE_TOPUP)
    assert topups.count() == max(0, 15 - 12 - by_quota.count())
    assert not Assignment.objects.filter(call__in=earlier).exists()


def test_a_line_top_up_follows_the_routing_rules(center, small_line):
    agent = center.agents_a[0]
    agent.user = center.qa[0]
    agent.save()

    plan()

    topups = Assignment.objects.filter(reason=AssignmentReason.LINE_TOPUP).select_related("call__agent")
    assert topups.exists()
    assert not Assignment.objects.filter(call__agent__user=F("evaluator")).exists()
    for a in topups.filter(evaluator_role="supervisor"):
        assert a.evaluator == center.sup_a


def test_a_month_where_no_line_is_short_reads_no_call(center):
    """Agent quotas alone cover the billing line: the top-up runs its aggregates and stops,
    without reading the month's calls (issue 14: only short lines' calls are read)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planning.services.topup import topup_line_month

    plan()
    with CaptureQueriesContext(connection) as queries:
        report = topup_line_month(month_start=WEEK.replace(day=1), until=WEEK + dt.timedelta(days=7), seed=0)
    assert report.added == 0 and report.eligible_calls == 0
    reads_calls = [q["sql"] for q in queries if 'FROM "monitoring_call"' in q["sql"] and "recording" in q["sql"]]
    assert reads_calls == []
