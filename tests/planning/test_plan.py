"""The weekly monitoring plan on small hand-made centers (DESIGN.md §3): scoring.plan_svc.plan_week
and the sampler it drives (planning.services.sampling), on a real database.

The center: two teams on the billing line (A: three agents, supervisor sup_a; B: three agents,
sup_b), three QA auditors and a trainer, and one week (2026-W10, Monday 2 March) of recorded
calls across day/night shifts, both directions and two service types. With no evaluations yet
every agent's tier is "no history" (5 a week) unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from monitoring.models import Assignment, AssignmentReason, Call, PrivateLine
from planning import periods
from planning.models import AgentTier, QuotaPolicy, SamplingKind, SamplingRun, Tier
from planning.policies import PolicyBook
from planning.routing import Router
from planning.selectors import done as done_sel
from planning.services import plan as plan_svc
from scoring.models import Evaluation
from tests import factories as f
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def center(db) -> Center:
    return Center()


def plan(seed: int = 0) -> plan_svc.WeekPlan:
    return plan_svc.plan_week(week_start=WEEK, seed=seed)


def snapshot() -> set[tuple]:
    return set(Assignment.objects.values_list("call_id", "evaluator_id", "evaluator_role", "reason"))


def primary():
    return Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING)


def forget_the_week() -> None:
    Assignment.objects.all().delete()
    SamplingRun.objects.all().delete()


# --- determinism and idempotence --------------------------------------------------------------


def test_the_same_seed_picks_the_same_calls_for_the_same_evaluators(center):
    plan(seed=7)
    first = snapshot()
    forget_the_week()

    plan(seed=7)

    assert snapshot() == first
    assert len(first) >= 30


def test_another_seed_picks_other_calls(center):
    plan(seed=7)
    first = {call for call, *_ in snapshot()}
    forget_the_week()

    plan(seed=8)

    second = {call for call, *_ in snapshot()}
    assert second != first
    assert len(second) == len(first)  # the same targets, other calls


def test_a_second_run_adds_nothing_and_counts_the_run(center):
    first = plan()
    before = snapshot()

    second = plan()

    assert first.added > 0
    assert second.added == 0
    assert snapshot() == before
    week_run = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK, period_start=WEEK)
    assert week_run.runs == 2
    assert week_run.last_added == 0
    assert week_run.last_report["eligible_calls"] == 6 * 20 - len({call for call, *_ in before})
    month_run = SamplingRun.objects.get(kind=SamplingKind.LINE_MONTH, period_start=WEEK.replace(day=1))
    assert month_run.runs == 2


def test_every_agent_gets_their_target(center):
    report = plan().agents

    per_agent = Counter(primary().values_list("call__agent_id", flat=True))
    assert per_agent == {agent.pk: 5 for agent in center.agents}  # no history yet: 5 a week
    assert report.units == 6 and report.units_short == 0
    assert report.eligible_calls == 120


# --- what is never sampled --------------------------------------------------------------------


def test_calls_on_a_private_line_are_never_assigned(center):
    PrivateLine.objects.create(line="6001", reason="team lead's personal phone")
    loner = f.AgentFactory(name="Private", team=center.team_a)
    private = add_calls(loner, 20, lob=center.lob, line="6001")
    public = add_calls(loner, 3, lob=center.lob, line="8001")

    report = plan().agents

    assert not Assignment.objects.filter(call__in=private).exists()
    assert set(primary().filter(call__agent=loner).values_list("call_id", flat=True)) == {c.pk for c in public}
    assert report.units_short == 1  # 3 eligible calls for a target of 5


def test_calls_without_a_recording_or_too_short_are_never_assigned(center):
    agent = f.AgentFactory(name="Short", team=center.team_b)
    unrecorded = add_calls(agent, 10, lob=center.lob, recording="")
    short = add_calls(agent, 10, lob=center.lob, talk=59)
    fine = add_calls(agent, 2, lob=center.lob, talk=60)

    plan()

    assert not Assignment.objects.filter(call__in=unrecorded + short).exists()
    assert set(Assignment.objects.filter(call__agent=agent).values_list("call_id", flat=True)) <= {c.pk for c in fine}


def test_already_evaluated_calls_are_never_assigned(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[0]
    calls = list(Call.objects.filter(agent=agent).order_by("pk"))
    evaluated = calls[:17]
    for call in evaluated[:2]:
        make_evaluation(call=call, by=center.qa[0], version=version)
    for call in evaluated[2:]:
        make_evaluation(call=call, by=center.qa[1], version=version, kind="calibration")

    plan()

    mine = Assignment.objects.filter(call__agent=agent)
    assert not mine.filter(call__in=evaluated).exists()
    # The two regular evaluations count toward the week's 5 (calibration ones do not).
    assert mine.exclude(reason=AssignmentReason.DOUBLE_SCORING).count() == 3


def test_inactive_agents_get_nothing(center):
    leaver = center.agents_b[2]
    leaver.active = False
    leaver.save()

    plan()

    assert not Assignment.objects.filter(call__agent=leaver).exists()


# --- routing ----------------------------------------------------------------------------------


def test_nobody_is_given_their_own_calls(center):
    # qa1 is also an agent (and the least loaded QA, first in line): never their own calls.
    center.set_policy(double_scoring_percent=100)
    agent = center.agents_a[0]
    agent.user = center.qa[0]
    agent.save()

    plan()

    assert Assignment.objects.filter(call__agent=agent).count() >= 5
    assert not Assignment.objects.filter(call__agent__user=F("evaluator")).exists()
    assert Assignment.objects.filter(evaluator=center.qa[0]).exists()  # qa1 still scores others


def test_supervisors_only_get_their_own_teams_calls(center):
    plan()

    by_supervisors = Assignment.objects.filter(evaluator_role="supervisor").select_related("call__agent")
    assert {a.evaluator for a in by_supervisors} == {center.sup_a, center.sup_b}
    for assignment in by_supervisors:
        team = center.team_a if assignment.evaluator == center.sup_a else center.team_b
        assert assignment.call.agent.team_id == team.pk


def test_a_teams_supervisors_are_tried_in_a_fixed_order_whatever_order_they_were_added(center):
    first = f.UserFactory(username="sup_low", roles=["supervisor"])
    second = f.UserFactory(username="sup_high", roles=["supervisor"])
    center.team_a.supervisors.remove(center.sup_a)
    center.team_a.supervisors.add(second)  # stored first
    center.team_a.supervisors.add(first)

    router = Router(WEEK, PolicyBook())

    assert router.candidates("supervisor", center.team_a.pk) == [first.pk, second.pk]
    # Equal loads: the tie goes to the same supervisor every run.
    assert router.pick("supervisor", team_id=center.team_a.pk, agent_user_id=None, policy=center.policy) == first.pk


def test_a_team_without_a_supervisor_has_its_share_taken_by_the_others(center):
    center.team_b.supervisors.clear()

    plan()

    team_b = primary().filter(call__agent__team=center.team_b)
    assert team_b.count() == 15
    assert not team_b.filter(evaluator_role="supervisor").exists()


def test_the_split_by_role_is_within_one_call_per_agent(center):
    plan()

    shares = center.policy.shares()
    for agent in center.agents:
        roles = Counter(primary().filter(call__agent=agent).values_list("evaluator_role", flat=True))
        total = sum(roles.values())
        for role, share in shares.items():
            assert abs(roles[role] - share * total / 100) <= 1, (agent, dict(roles))


def test_work_goes_to_the_least_loaded_evaluator(center):
    plan()

    qa_load = Counter(Assignment.objects.filter(evaluator_role="qa").values_list("evaluator_id", flat=True))
    assert len(qa_load) == 3
    assert max(qa_load.values()) - min(qa_load.values()) <= 1


def test_an_evaluator_never_gets_more_than_their_capacity(center):
    center.set_policy(capacity_qa=2, double_scoring_percent=100)

    report = plan().agents

    load = Counter(Assignment.objects.filter(evaluator_role="qa").values_list("evaluator_id", flat=True))
    assert load and max(load.values()) <= 2
    # What QA could not take went to supervisors and the trainer (within their capacity).
    assert primary().count() == 30
    assert report.unrouted == 0


def test_picks_nobody_has_capacity_for_are_reported_unrouted(center):
    center.set_policy(capacity_qa=2, capacity_supervisor=1, capacity_trainer=1, double_scoring_percent=0)

    report = plan().agents

    load = Counter(Assignment.objects.values_list("evaluator_id", flat=True))
    assert load[center.sup_a.pk] <= 1 and load[center.sup_b.pk] <= 1 and load[center.trainer.pk] <= 1
    assert all(load[qa.pk] <= 2 for qa in center.qa)
    assert report.added == sum(load.values()) == 3 * 2 + 2 + 1
    assert report.unrouted == 30 - report.added
    # Later runs cannot add what there is no capacity for either.
    assert plan().added == 0


def test_unrouted_picks_lower_the_recorded_inclusion_probability(center):
    center.set_policy(capacity_qa=2, capacity_supervisor=1, capacity_trainer=1, double_scoring_percent=0)

    plan()

    for agent in center.agents:
        mine = primary().filter(call__agent=agent)
        # Each agent had 20 eligible calls and a target of 5, but only these were routed.
        assert {a.inclusion_probability for a in mine} <= {round(mine.count() / 20, 6)}
    assert primary().exclude(inclusion_probability=0.25).exists()  # some agents got fewer than 5


# --- why picked and with what probability -----------------------------------------------------


def test_random_picks_record_their_inclusion_probability(center):
    plan()

    picks = primary()
    assert {a.reason for a in picks} == {AssignmentReason.RANDOM}
    assert {a.inclusion_probability for a in picks} == {0.25}


def test_an_agent_with_an_open_coaching_plan_is_at_risk_and_gets_coaching_follow_ups(center):
    agent = center.agents_a[1]
    agent.coaching_open = True
    agent.coaching_focus = ["refund"]
    agent.save()

    plan()

    tier = AgentTier.objects.get(agent=agent, week_start=WEEK)
    assert (tier.tier, tier.target) == (Tier.AT_RISK, 10)
    assert tier.open_coaching_plan and tier.focus_service_types == ["refund"]
    mine = primary().filter(call__agent=agent).select_related("call")
    assert mine.count() == 10
    coaching = [a for a in mine if a.reason == AssignmentReason.COACHING]
    assert len(coaching) == 5  # half the week's target follows the plan up
    assert {a.call.service_type for a in coaching} == {"refund"}
    assert all(a.inclusion_probability is None for a in coaching)
    random_picks = [a for a in mine if a.reason == AssignmentReason.RANDOM]
    assert len(random_picks) == 5
    # 5 of the other 15; a refund call is among those 15 only if the coaching draw (5 of the
    # 10 refund calls) passed it over: × (1 − 5/10).
    by_type = {(a.call.service_type, a.inclusion_probability) for a in random_picks}
    assert by_type <= {("invoice query", round(5 / 15, 6)), ("refund", round(5 / 15 * (1 - 5 / 10), 6))}
    assert ("refund", round(5 / 15 * 0.5, 6)) in by_type  # seed 0 draws some refund calls at random


def test_tiers_from_the_trailing_weeks_set_the_targets(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    excellent, at_risk = center.agents_a[0], center.agents_b[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    for call in add_calls(excellent, 3, lob=center.lob, week=previous):
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
    for call in add_calls(at_risk, 3, lob=center.lob, week=previous):
        make_evaluation(call=call, by=center.qa[0], version=version, values={**perfect, "correct_information": 0})

    plan()

    tiers = {t.agent_id: t for t in AgentTier.objects.filter(week_start=WEEK)}
    assert (tiers[excellent.pk].tier, tiers[excellent.pk].target) == (Tier.EXCELLENT, 3)
    assert (tiers[at_risk.pk].tier, tiers[at_risk.pk].target) == (Tier.AT_RISK, 10)
    assert tiers[at_risk.pk].critical_failures == 3
    per_agent = Counter(primary().values_list("call__agent_id", flat=True))
    assert per_agent[excellent.pk] == 3
    assert per_agent[at_risk.pk] == 10


def test_a_sampled_weeks_tiers_are_kept_when_the_plan_runs_again(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    evaluations = [
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
        for call in add_calls(agent, 3, lob=center.lob, week=previous)
    ]
    first = plan()
    before = AgentTier.objects.get(week_start=WEEK, agent=agent)
    assert before.tier == Tier.EXCELLENT

    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(total=Decimal("50.0"))
    again = plan()

    after = AgentTier.objects.get(week_start=WEEK, agent=agent)
    assert (after.tier, after.target, after.average) == (before.tier, before.target, before.average)
    assert after.computed_at == before.computed_at
    assert again.tiers == first.tiers == AgentTier.objects.filter(week_start=WEEK).count()


def test_tiers_of_a_week_not_yet_sampled_are_recomputed(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[0]
    perfect = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
    previous = WEEK - dt.timedelta(weeks=1)
    evaluations = [
        make_evaluation(call=call, by=center.qa[0], version=version, values=perfect)
        for call in add_calls(agent, 3, lob=center.lob, week=previous)
    ]
    plan_svc.agent_tiers_refresh(week_start=WEEK)
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(total=Decimal("50.0"))
    plan_svc.agent_tiers_refresh(week_start=WEEK)
    assert AgentTier.objects.get(week_start=WEEK, agent=agent).tier == Tier.AT_RISK


def test_a_new_hire_is_monitored_as_at_risk(center):
    newcomer = f.AgentFactory(name="New", team=center.team_a, hire_date=WEEK - dt.timedelta(days=30))
    add_calls(newcomer, 20, lob=center.lob)

    plan()

    assert AgentTier.objects.get(agent=newcomer, week_start=WEEK).tier == Tier.AT_RISK
    assert primary().filter(call__agent=newcomer).count() == 10


# --- double scoring ---------------------------------------------------------------------------


def test_double_scoring_gives_a_second_qa_another_copy(center):
    center.set_policy(double_scoring_percent=100)

    plan()

    doubles = Assignment.objects.filter(reason=AssignmentReason.DOUBLE_SCORING).select_related("call")
    random_picks = primary().filter(reason=AssignmentReason.RANDOM)
    assert doubles.count() == random_picks.count() == 30
    firsts = {a.call_id: a for a in random_picks}
    for double in doubles:
        first = firsts[double.call_id]
        assert double.evaluator_id != first.evaluator_id
        assert double.evaluator_role == "qa"
        assert double.inclusion_probability == first.inclusion_probability
    # Double scoring is a copy for reliability, not extra coverage: the agents' counts stay 5.
    assert Counter(primary().values_list("call__agent_id", flat=True)) == {a.pk: 5 for a in center.agents}


def test_double_scoring_is_about_five_percent_by_default(center):
    totals = Counter()
    for seed in range(20):
        totals.update(plan(seed=seed).agents.by_reason)
        forget_the_week()
    # 20 runs × 30 random picks: 5 % is 30 doubles, give or take 5 (one standard deviation).
    share = totals[AssignmentReason.DOUBLE_SCORING] / totals[AssignmentReason.RANDOM]
    assert totals[AssignmentReason.RANDOM] == 600
    assert 0.02 <= share <= 0.09, share


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


def test_top_ups_join_each_agents_split_by_role(center, small_line):
    plan()

    shares = center.policy.shares()
    for agent in center.agents_a:
        roles = Counter(primary().filter(call__agent=agent).values_list("evaluator_role", flat=True))
        total = sum(roles.values())
        assert total > 5  # the agent's quota and some top-ups
        for role, share in shares.items():
            assert abs(roles[role] - share * total / 100) <= 1, (agent, dict(roles))


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


# --- a crash halfway --------------------------------------------------------------------------


def test_a_crash_halfway_leaves_nothing_and_the_next_run_does_it_all(center, monkeypatch):
    original = Assignment.objects.bulk_create

    def crash_halfway(rows, **kwargs):
        original(rows[: len(rows) // 2], **kwargs)  # half the rows are written, then the worker dies
        raise RuntimeError("worker lost")

    monkeypatch.setattr(Assignment.objects, "bulk_create", crash_halfway)
    with pytest.raises(RuntimeError):
        plan(seed=3)

    assert not Assignment.objects.exists()
    assert not SamplingRun.objects.exists()

    monkeypatch.undo()
    report = plan(seed=3)
    assert report.added == Assignment.objects.count() > 0
    assert SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).runs == 1


def test_a_crash_in_a_later_run_keeps_the_earlier_one(center, monkeypatch):
    plan()
    before = snapshot()
    run = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK)
    Assignment.objects.filter(call__agent=center.agents_a[0]).delete()  # work to redo

    monkeypatch.setattr(Assignment.objects, "bulk_create", lambda rows, **kw: (_ for _ in ()).throw(OSError))
    with pytest.raises(OSError):
        plan()
    monkeypatch.undo()

    run_after = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK)
    assert (run_after.runs, run_after.last_added, run_after.last_report) == (run.runs, run.last_added, run.last_report)
    assert plan().added >= 5
    assert len(snapshot()) == len(before)


# --- run_sampling -----------------------------------------------------------------------------


def test_run_sampling_samples_the_iso_week_it_is_given(center):
    out = io.StringIO()

    call_command("run_sampling", week="2026-W10", seed=1, stdout=out)

    assert "Week 2026-W10 (2026-03-02 to 2026-03-08), seed 1" in out.getvalue()
    assert f"Added {Assignment.objects.count()} assignments" in out.getvalue()
    assert SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start == WEEK


def test_run_sampling_refuses_a_malformed_week(db):
    with pytest.raises(CommandError, match="2026-W47"):
        call_command("run_sampling", week="2026-47", stdout=io.StringIO())


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "2026-W54"])
def test_run_sampling_refuses_a_week_out_of_range_naming_the_option(db, week):
    with pytest.raises(CommandError, match="--week"):
        call_command("run_sampling", week=week, stdout=io.StringIO())
    assert not SamplingRun.objects.exists()
