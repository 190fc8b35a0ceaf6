"""The weekly monitoring plan on small hand-made centers (DESIGN.md §3, the center of
tests/planning/helpers.py): planning.services.plan.plan_week and the sampler it drives
(planning.services.sampling), on a real database. This file: determinism and idempotence,
what is never sampled, a crash halfway, and the run_sampling command. Routing and double
scoring are in test_plan_routing.py, tiers and why picked in test_plan_tiers.py, the line of
business top-up in test_plan_line_topup.py.
"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from monitoring.models import Assignment, AssignmentReason, Call, PrivateLine
from planning.models import SamplingKind, SamplingRun
from tests import factories as f
from tests.planning.helpers import WEEK, add_calls, forget_the_week, plan, primary, snapshot
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db


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
