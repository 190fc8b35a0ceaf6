"""The flagged stratum (DESIGN.md §9, planning/flagged.py and services/sampling.py): calls that
automatic QA flagged (forbidden phrase, long silence, long hold) or that the customer rated very
low enter the week's sample as targeted picks — reason flagged, no inclusion probability — on
top of the random sample, which stays exactly what it would have been without them.

The center is tests/planning/helpers.py's: six agents, 20 recorded calls each in WEEK, no
history (target 5). The random picks are the same with and without the stratum, so a test
first runs the week with the stratum off to learn them, forgets the week, flags calls the
random draw did not take, and runs it again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from monitoring.models import Assignment, AssignmentReason, Call
from monitoring.models_analytics import AnalysisStatus, CallAnalysis
from planning.models import QuotaPolicy, SamplingKind, SamplingRun
from planning.policies import policy_values
from planning.services.sampling import sample_agent_week
from reports.selectors import qa
from scoring.models import Evaluation
from tests import factories as f
from tests.personas import Personas
from tests.planning.helpers import WEEK, add_calls, forget_the_week, plan, primary
from tests.scoring.factories import make_evaluation, make_scorecard_version

pytestmark = pytest.mark.django_db

FLAGGED = AssignmentReason.FLAGGED


def flag(call: Call, *, silence: float = 0.0, hold: float = 0.0, **flags) -> CallAnalysis:
    """The call's automatic QA result: the given flags raised, with a silence or hold that long."""
    measures = {
        "silences": [{"start": 5.0, "end": 5.0 + silence}] if silence else [],
        "holds": [{"start": 50.0, "end": 50.0 + hold}] if hold else [],
        "longest_hold_seconds": hold,
    }
    return CallAnalysis.objects.create(
        call=call,
        status=AnalysisStatus.DONE,
        measures=measures,
        long_silence=bool(silence),
        long_hold=bool(hold),
        **flags,
    )


def random_picks() -> set[tuple]:
    return set(
        Assignment.objects.exclude(reason=FLAGGED).values_list(
            "call_id", "evaluator_id", "reason", "inclusion_probability"
        )
    )


def learn_the_random_draw(center) -> dict[int, set[int]]:
    """Run the week with the stratum off; the calls each agent's random draw took; then forget."""
    center.set_policy(flagged_per_week=0)
    plan()
    taken: dict[int, set[int]] = defaultdict(set)
    for agent_id, call_id in primary().values_list("call__agent_id", "call_id"):
        taken[agent_id].add(call_id)
    forget_the_week()
    return taken


def left_over(agent, taken) -> list[Call]:
    return list(Call.objects.filter(agent=agent).exclude(pk__in=taken[agent.pk]).order_by("pk"))


def flagged_of(agent):
    return Assignment.objects.filter(call__agent=agent, reason=FLAGGED)


# --- entering the sample ----------------------------------------------------------------------


def test_flagged_calls_enter_the_sample_as_targeted(center):
    agent = center.agents_a[0]
    taken = learn_the_random_draw(center)
    call = left_over(agent, taken)[0]
    flag(call, forbidden_phrase=True)
    center.set_policy(flagged_per_week=1)

    report = plan()

    picked = flagged_of(agent).get()
    assert picked.call_id == call.pk
    assert picked.inclusion_probability is None
    assert picked.get_reason_display() == "Flagged by automatic QA"
    assert picked.evaluator_id is not None and picked.evaluator_id != agent.user_id
    assert picked.period_start == WEEK
    # Extra to the agent's weekly target of 5, which the random draw still fills.
    assert primary().filter(call__agent=agent, reason=AssignmentReason.RANDOM).count() == 5
    assert report.agents.by_reason[FLAGGED] == 1


def test_random_picks_and_their_probabilities_are_the_same_with_and_without_the_stratum(center):
    center.set_policy(flagged_per_week=0)
    plan(seed=3)
    without = random_picks()
    forget_the_week()
    for call in Call.objects.order_by("pk")[::4]:
        flag(call, silence=30.0)
    Call.objects.update(csat=1)  # every call is flagged, the randomly picked ones too
    center.set_policy(flagged_per_week=2)

    plan(seed=3)

    assert random_picks() == without
    assert Assignment.objects.filter(reason=FLAGGED).count() == 2 * len(center.agents)
    assert set(Assignment.objects.filter(reason=FLAGGED).values_list("inclusion_probability", flat=True)) == {None}


def test_a_scored_flagged_pick_is_targeted_in_the_reports_never_in_the_random_estimate(center):
    version = make_scorecard_version(lines_of_business=center.lob)
    agent = center.agents_a[1]
    taken = learn_the_random_draw(center)
    flag(left_over(agent, taken)[0], forbidden_phrase=True)
    center.set_policy(flagged_per_week=1)
    plan()
    picks = {a.reason: a for a in primary().filter(call__agent=agent).select_related("call", "evaluator")}
    flagged = make_evaluation(call=picks[FLAGGED].call, by=picks[FLAGGED].evaluator, version=version)
    sampled = make_evaluation(
        call=picks[AssignmentReason.RANDOM].call, by=picks[AssignmentReason.RANDOM].evaluator, version=version
    )
    assert flagged.assignment.reason == FLAGGED

    evaluations = Evaluation.objects.filter(pk__in=[flagged.pk, sampled.pk])

    assert list(qa.targeted(evaluations)) == [flagged]
    assert qa.random_sample_estimate(evaluations).n == 1


def test_zero_switches_the_stratum_off(center):
    for agent in center.agents:
        for call in Call.objects.filter(agent=agent)[:4]:
            flag(call, forbidden_phrase=True, silence=40.0)
    center.set_policy(flagged_per_week=0)

    report = plan()

    assert not Assignment.objects.filter(reason=FLAGGED).exists()
    assert FLAGGED not in report.agents.by_reason


def test_a_flag_the_policy_switches_off_flags_nothing(center):
    agent = center.agents_a[0]
    taken = learn_the_random_draw(center)
    silent, on_hold = left_over(agent, taken)[:2]
    flag(silent, silence=60.0)
    flag(on_hold, hold=300.0)
    center.set_policy(flagged_per_week=2, flagged_long_silence=False)

    plan()

    assert list(flagged_of(agent).values_list("call_id", flat=True)) == [on_hold.pk]


def test_a_very_low_csat_counts_as_flagged(center):
    agent = center.agents_b[0]
    taken = learn_the_random_draw(center)
    lowest, two = left_over(agent, taken)[:2]
    Call.objects.filter(pk=lowest.pk).update(csat=1)  # no analysis at all: the rating alone flags it
    Call.objects.filter(pk=two.pk).update(csat=2)
    center.set_policy(flagged_per_week=3)

    plan()

    # The default limit is the scale's lowest score: 1 counts, 2 does not.
    assert QuotaPolicy._meta.get_field("flagged_csat_max").default == 1
    assert list(flagged_of(agent).values_list("call_id", flat=True)) == [lowest.pk]


def test_a_higher_csat_limit_takes_the_lowest_rated_first_and_blank_switches_csat_off(center):
    agent = center.agents_b[1]
    taken = learn_the_random_draw(center)
    three, one, two = left_over(agent, taken)[:3]
    for call, csat in ((three, 3), (one, 1), (two, 2)):
        Call.objects.filter(pk=call.pk).update(csat=csat)
    center.set_policy(flagged_per_week=2, flagged_csat_max=3)

    plan()

    assert set(flagged_of(agent).values_list("call_id", flat=True)) == {one.pk, two.pk}

    forget_the_week()
    center.set_policy(flagged_csat_max=None)
    plan()
    assert not flagged_of(agent).exists()


def test_the_most_severe_come_first_forbidden_phrase_then_lowest_csat_then_longest_silence_or_hold(center):
    agent = center.agents_a[2]
    taken = learn_the_random_draw(center)
    short_silence, long_hold, low_csat, forbidden, long_silence = left_over(agent, taken)[:5]
    flag(short_silence, silence=15.0)
    flag(long_hold, hold=200.0)
    flag(forbidden, forbidden_phrase=True)
    flag(long_silence, silence=90.0)
    Call.objects.filter(pk=low_csat.pk).update(csat=1)

    for n, expected in (
        (1, [forbidden]),
        (2, [forbidden, low_csat]),
        (4, [forbidden, low_csat, long_hold, long_silence]),
    ):
        forget_the_week()
        center.set_policy(flagged_per_week=n)
        plan()
        assert set(flagged_of(agent).values_list("call_id", flat=True)) == {c.pk for c in expected}, n


def test_ties_are_broken_the_same_way_for_the_same_seed(center):
    Call.objects.update(csat=1)  # every call equally severe
    center.set_policy(flagged_per_week=2)
    plan(seed=11)
    first = set(Assignment.objects.filter(reason=FLAGGED).values_list("call_id", "evaluator_id"))
    forget_the_week()

    plan(seed=11)

    assert set(Assignment.objects.filter(reason=FLAGGED).values_list("call_id", "evaluator_id")) == first
    assert len(first) == 2 * len(center.agents)


def test_a_call_already_picked_at_random_is_not_picked_again(center):
    # An agent with exactly their target of calls, every one flagged: the random draw takes them all.
    agent = f.AgentFactory(name="A9", team=center.team_a)
    calls = add_calls(agent, 5, lob=center.lob, shifts=center.shifts)
    for call in calls:
        flag(call, forbidden_phrase=True)
    center.set_policy(flagged_per_week=2)

    plan()

    mine = primary().filter(call__agent=agent)
    assert Counter(mine.values_list("reason", flat=True)) == {AssignmentReason.RANDOM: 5}
    assert all(n == 1 for n in Counter(primary().values_list("call_id", flat=True)).values())


def test_a_second_run_adds_nothing(center):
    for agent in center.agents:
        for call in Call.objects.filter(agent=agent).order_by("pk")[:6]:
            flag(call, forbidden_phrase=True)
    center.set_policy(flagged_per_week=2)
    plan()
    before = set(Assignment.objects.values_list("pk", "call_id", "evaluator_id", "reason"))
    assert Assignment.objects.filter(reason=FLAGGED).count() == 2 * len(center.agents)

    again = plan()

    assert again.agents.added == 0
    assert set(Assignment.objects.values_list("pk", "call_id", "evaluator_id", "reason")) == before


def test_the_number_is_per_week_so_a_raised_number_adds_only_the_difference(center):
    agent = center.agents_a[0]
    for call in Call.objects.filter(agent=agent).order_by("pk"):
        flag(call, silence=20.0)
    center.set_policy(flagged_per_week=1)
    plan()
    center.set_policy(flagged_per_week=3)

    plan()

    assert flagged_of(agent).count() == 3
    assert primary().filter(call__agent=agent, reason=AssignmentReason.RANDOM).count() == 5


def test_a_private_line_call_is_never_picked_even_when_flagged(center):
    agent = center.agents_b[2]
    taken = learn_the_random_draw(center)
    call = left_over(agent, taken)[0]
    Call.objects.filter(pk=call.pk).update(line="8001")
    f.PrivateLineFactory(line="8001")
    flag(call, forbidden_phrase=True)
    center.set_policy(flagged_per_week=1)

    plan()

    assert not Assignment.objects.filter(call=call).exists()


def test_the_query_count_does_not_grow_with_the_agents(center):
    center.set_policy(target_no_history=3, flagged_per_week=1)
    later = WEEK + dt.timedelta(weeks=1)
    # The runs' lock rows exist beforehand, so both runs find them the same way.
    for kind, start in ((SamplingKind.AGENT_WEEK, WEEK), (SamplingKind.AGENT_WEEK, later)):
        SamplingRun.objects.create(kind=kind, period_start=start)
    SamplingRun.objects.create(kind=SamplingKind.LINE_MONTH, period_start=WEEK.replace(day=1))

    def flag_week(agents, week):
        for agent in agents:
            calls = add_calls(agent, 8, lob=center.lob, week=week, shifts=center.shifts)
            for call in calls[:3]:
                flag(call, forbidden_phrase=True)

    for call in Call.objects.all():
        flag(call, silence=20.0)
    with CaptureQueriesContext(connection) as few:
        sample_agent_week(week_start=WEEK)

    more = [f.AgentFactory(name=f"C{i}", team=center.team_b) for i in range(6)]
    flag_week(center.agents + more, later)
    with CaptureQueriesContext(connection) as many:
        sample_agent_week(week_start=later)

    assert Assignment.objects.filter(reason=FLAGGED, period_start=WEEK).count() == 6
    assert Assignment.objects.filter(reason=FLAGGED, period_start=later).count() == 12
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]


# --- the policy page and API ------------------------------------------------------------------


class FlaggedPolicyTests(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.default = QuotaPolicy.objects.get(line_of_business__isnull=True)

    def edit_url(self) -> str:
        return f"/quotas/policies/{self.default.pk}/edit/"

    def test_the_form_shows_the_flagged_settings_with_their_defaults(self):
        self.client.force_login(self.manager)
        response = self.client.get(self.edit_url())
        self.assertContains(response, "<legend>Flagged by automatic QA</legend>", html=True)
        self.assertContains(response, 'name="flagged_per_week"')
        for name in ("flagged_forbidden_phrase", "flagged_long_silence", "flagged_long_hold"):
            self.assertContains(response, f'<input type="checkbox" name="{name}" id="id_{name}" checked>', html=True)
        self.assertContains(response, 'name="flagged_csat_max" value="1"')

    def test_a_manager_switches_flags_off_and_blanks_the_csat_limit(self):
        self.client.force_login(self.manager)
        data = {**policy_values(self.default), "flagged_per_week": 2, "flagged_csat_max": ""}
        del data["flagged_long_hold"]  # an unticked checkbox is not posted

        response = self.client.post(self.edit_url(), data)

        self.assertRedirects(response, "/quotas/policies/")
        self.default.refresh_from_db()
        self.assertEqual(
            (self.default.flagged_per_week, self.default.flagged_long_hold, self.default.flagged_csat_max),
            (2, False, None),
        )
        self.assertTrue(self.default.flagged_long_silence)
        page = self.client.get("/quotas/policies/")
        self.assertContains(page, "<li>A long hold flags a call: on → <strong>off</strong></li>", html=True)

    def test_a_csat_limit_off_the_scale_is_a_field_error(self):
        self.client.force_login(self.manager)
        response = self.client.post(self.edit_url(), {**policy_values(self.default), "flagged_csat_max": 6})
        self.assertEqual(response.status_code, 400)
        self.assertIn("flagged_csat_max", response.context["form"].errors)
        self.default.refresh_from_db()
        self.assertEqual(self.default.flagged_csat_max, 1)

    def test_a_supervisor_may_not_change_the_flagged_settings(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(self.edit_url(), {**policy_values(self.default), "flagged_per_week": 5})
        self.assertEqual(response.status_code, 403)
        client = APIClient()
        client.force_authenticate(self.supervisor)
        api = client.patch(f"/api/v1/quota-policies/{self.default.pk}/", {"flagged_per_week": 5}, format="json")
        self.assertEqual(api.status_code, 403)
        self.default.refresh_from_db()
        self.assertEqual(self.default.flagged_per_week, 1)

    def test_a_manager_patches_them_through_the_api(self):
        client = APIClient()
        client.force_authenticate(self.manager)
        response = client.patch(
            f"/api/v1/quota-policies/{self.default.pk}/",
            {"flagged_per_week": 0, "flagged_csat_max": None},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["flagged_per_week"], response.json()["flagged_csat_max"]), (0, None))
