"""The monitoring plan's "done when" (DESIGN.md §3), on a demo center from seed_demo.

seed_demo (36 agents, 5 weeks, ~20 calls per agent-week) scores every week but the last and
then runs the weekly plan for the last one, so that week is what the sampler made of a realistic
center: tiers from four weeks of evaluations, agents of every tier, new hires, leavers, private
lines and a small line of business (complaints) that only the line top-up can cover.

The center is seeded once for the class (setUpTestData); each test runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import TestCase, override_settings

from monitoring.models import (
    SECONDARY_REASONS,
    Agent,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Call,
    LineOfBusiness,
    PrivateLine,
)
from planning import periods
from planning.models import AgentTier, QuotaPolicy, SamplingKind, SamplingRun, Tier
from planning.routing import ROLES, largest_remainder
from planning.selectors import done as done_sel

AGENTS, WEEKS, CALLS = 36, 5, 20
# Picks on top of an agent's weekly target: line top-ups, and flagged calls (test_flagged_stratum.py).
EXTRA = (AssignmentReason.LINE_TOPUP, AssignmentReason.FLAGGED)
User = get_user_model()


class SamplingOnSeedTests(TestCase):
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="qa-seed-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", agents=AGENTS, weeks=WEEKS, calls_per_agent_week=CALLS, seed=42, stdout=io.StringIO())
        cls.week = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).period_start
        cls.start, cls.end = periods.week_bounds(cls.week)
        cls.policy = QuotaPolicy.objects.get(line_of_business__isnull=True)

    # --- helpers ---------------------------------------------------------------------------

    def primary(self):
        """Assignments that count toward quotas: everything but the double-scoring copies."""
        return Assignment.objects.exclude(reason=AssignmentReason.DOUBLE_SCORING)

    def week_primary(self):
        return self.primary().filter(call__start_time__gte=self.start, call__start_time__lt=self.end)

    def eligible(self):
        """Calls the sampler may take: recorded, long enough, not private, not yet evaluated."""
        private = PrivateLine.objects.filter(active=True).values("line")
        return (
            Call.objects.filter(talk_seconds__gte=self.policy.min_talk_seconds, agent__active=True)
            .exclude(recording="")
            .exclude(line__in=private)
            .exclude(pk__in=done_sel.evaluated_calls())
        )

    def eligible_this_week(self) -> Counter:
        """Eligible calls per agent in the week, assigned ones included (they were eligible)."""
        calls = self.eligible().filter(start_time__gte=self.start, start_time__lt=self.end)
        return Counter(calls.values_list("agent_id", flat=True))

    def per_agent(self, queryset=None) -> Counter:
        queryset = self.week_primary() if queryset is None else queryset
        return Counter(queryset.values_list("call__agent_id", flat=True))

    def tiers(self) -> dict[int, AgentTier]:
        return {t.agent_id: t for t in AgentTier.objects.filter(week_start=self.week)}

    def months(self) -> list[dt.date]:
        return sorted({self.week.replace(day=1), (self.week + dt.timedelta(days=6)).replace(day=1)})

    def iso_week(self) -> str:
        year, number, _ = self.week.isocalendar()
        return f"{year}-W{number:02d}"

    # --- the seeded week -------------------------------------------------------------------

    def test_seed_demo_planned_its_last_week(self):
        last_call = Call.objects.order_by("-start_time").values_list("start_time", flat=True).first()
        self.assertEqual(self.week, periods.monday(last_call.astimezone(self.start.tzinfo).date()))
        run = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK, period_start=self.week)
        self.assertEqual(run.runs, 1)
        self.assertGreater(run.last_added, 0)
        line_runs = SamplingRun.objects.filter(kind=SamplingKind.LINE_MONTH)
        self.assertEqual(sorted(line_runs.values_list("period_start", flat=True)), self.months())
        added = run.last_added + sum(r.last_added for r in line_runs)
        # The rest are the done random picks behind the demo's history of evaluations.
        self.assertEqual(Assignment.objects.filter(status=AssignmentStatus.OPEN).count(), added)
        self.assertEqual(
            AgentTier.objects.filter(week_start=self.week).count(), Agent.objects.filter(active=True).count()
        )

    def test_every_active_agent_with_enough_calls_has_their_target_between_3_and_10(self):
        tiers, eligible = self.tiers(), self.eligible_this_week()
        per_agent = self.per_agent(self.week_primary().exclude(reason=AssignmentReason.FLAGGED))
        checked = 0
        for agent_id in Agent.objects.filter(active=True).values_list("pk", flat=True):
            target = tiers[agent_id].target
            if eligible[agent_id] < target:
                continue
            checked += 1
            self.assertGreaterEqual(per_agent[agent_id], target, tiers[agent_id])
            self.assertTrue(3 <= per_agent[agent_id] <= 10, (tiers[agent_id], per_agent[agent_id]))
        self.assertGreater(checked, AGENTS * 0.8)

    def test_an_at_risk_agent_gets_more_than_an_excellent_one(self):
        tiers, eligible = self.tiers(), self.eligible_this_week()
        per_agent = self.per_agent(self.week_primary().exclude(reason=AssignmentReason.FLAGGED))
        by_quota = self.per_agent(self.week_primary().exclude(reason__in=EXTRA))
        at_risk = [a for a, t in tiers.items() if t.tier == Tier.AT_RISK and eligible[a] >= t.target]
        excellent = [a for a, t in tiers.items() if t.tier == Tier.EXCELLENT and eligible[a] >= t.target]
        self.assertTrue(at_risk and excellent, Counter(t.tier for t in tiers.values()))
        self.assertEqual({per_agent[a] for a in at_risk}, {10})
        self.assertEqual({by_quota[a] for a in excellent}, {3})  # line top-ups may add a few
        self.assertGreater(min(per_agent[a] for a in at_risk), max(per_agent[a] for a in excellent))

    def test_every_line_with_enough_calls_reaches_its_floor_in_the_month(self):
        """A line reaches 15 in the month, counting (as the sampler and done_by_line do)
        primary assignments on the month's calls and regular evaluations outside assignments,
        unless it ran out of calls: a line may stay short only when every eligible call it has
        left (up to the sampled week's end) is an agent's whose week is already at the largest
        weekly target (10), which a top-up never goes past."""
        floor, most = self.policy.line_month_floor, max(self.policy.target_for(t) for t in Tier.values)
        lines = dict(LineOfBusiness.objects.values_list("pk", "code"))
        covered, short = [], Counter()
        for month in self.months():
            m_start, m_end = periods.month_bounds(month)
            assigned = Counter(
                self.primary()
                .filter(call__start_time__gte=m_start, call__start_time__lt=m_end)
                .values_list("call__line_of_business_id", flat=True)
            )
            done = done_sel.done_by_line(m_start, m_end)
            for line_id, code in lines.items():
                total = assigned[line_id] + done.get(line_id, 0)
                if total >= floor:
                    covered.append((month, code))
                    continue
                short[month] += 1
                left = self.eligible().filter(
                    line_of_business_id=line_id,
                    start_time__gte=m_start,
                    start_time__lt=min(m_end, self.end),
                    assignments__isnull=True,
                )
                for call in left:
                    week_start, week_end = periods.week_bounds(
                        periods.monday(call.start_time.astimezone(self.start.tzinfo).date())
                    )
                    agent_week = self.primary().filter(
                        call__agent_id=call.agent_id, call__start_time__gte=week_start, call__start_time__lt=week_end
                    )
                    self.assertGreaterEqual(agent_week.count(), most, (month, code, total, call))
        self.assertIn((self.week.replace(day=1), "billing"), covered)
        # A line left short is reported so (SamplingRun.last_report, shown by run_sampling).
        for month, lines_short in short.items():
            report = SamplingRun.objects.get(kind=SamplingKind.LINE_MONTH, period_start=month).last_report
            self.assertGreaterEqual(report["units_short"], lines_short, report)

    def test_the_top_up_adds_only_what_a_line_is_short(self):
        topups = self.primary().filter(reason=AssignmentReason.LINE_TOPUP)
        for month in self.months():
            m_start, m_end = periods.month_bounds(month)
            done = done_sel.done_by_line(m_start, m_end)
            assigned = Counter(
                self.primary()
                .filter(call__start_time__gte=m_start, call__start_time__lt=m_end)
                .values_list("call__line_of_business_id", flat=True)
            )
            added = Counter(
                topups.filter(call__start_time__gte=m_start, call__start_time__lt=m_end).values_list(
                    "call__line_of_business_id", flat=True
                )
            )
            for line_id in added:
                # Topped up to the floor, never past it (nor past the top-up limit above it).
                self.assertLessEqual(assigned[line_id] + done.get(line_id, 0), self.policy.line_month_floor)

    def test_no_private_line_call_and_no_own_call_is_ever_assigned(self):
        private = PrivateLine.objects.values("line")
        self.assertTrue(Call.objects.filter(line__in=private, start_time__gte=self.start).exists())
        self.assertFalse(Assignment.objects.filter(call__line__in=private).exists())
        self.assertFalse(Assignment.objects.filter(call__agent__user=F("evaluator")).exists())

    def test_no_call_is_assigned_that_was_already_evaluated(self):
        planned = Assignment.objects.filter(status=AssignmentStatus.OPEN)
        self.assertFalse(planned.filter(call__in=done_sel.evaluated_calls()).exists())
        # The history's evaluations each stand on their own done random pick, with its probability
        # (beside them: the demo's double-scoring seconds and dispute re-scores, secondary work).
        history = Assignment.objects.exclude(status=AssignmentStatus.OPEN).exclude(reason__in=SECONDARY_REASONS)
        self.assertTrue(history.exists())
        self.assertFalse(history.exclude(reason="random").exists())
        self.assertFalse(history.filter(evaluation__isnull=True).exists())
        self.assertFalse(history.filter(inclusion_probability__isnull=True).exists())

    def test_supervisors_get_only_their_own_teams_calls(self):
        for assignment in Assignment.objects.filter(evaluator_role="supervisor").select_related("call__agent"):
            self.assertTrue(
                assignment.call.agent.team.supervisors.filter(pk=assignment.evaluator_id).exists(), assignment
            )

    def test_each_roles_share_of_the_week_is_within_one_call_per_evaluator_of_its_target(self):
        """The week's role split (planning/routing.py): over all the week's primary work, each
        role's count is within one call per evaluator of that role of its largest-remainder
        target — so the trainers' 10 % is no longer rounded away agent by agent (it was 4.8 %)."""
        week = Counter(self.primary().filter(period_start=self.week).values_list("evaluator_role", flat=True))
        total = sum(week.values())
        target = largest_remainder(self.policy.shares(), total)
        evaluators = Counter(
            User.objects.filter(is_active=True, groups__name__in=ROLES).values_list("groups__name", flat=True)
        )
        self.assertGreater(total, AGENTS * 4)
        for role in ROLES:
            self.assertTrue(evaluators[role], role)
            self.assertLessEqual(abs(week[role] - target[role]), evaluators[role], (role, dict(week), target))
        # Every team has a supervisor with room here, so nothing spills: each role is on target.
        self.assertEqual(dict(week), target)

    def test_every_agents_week_gets_a_mix_of_roles_within_two_calls_of_the_policy(self):
        """Per agent the split is no longer rounded on its own, but the week's picks are dealt in
        turn, so no agent's batch is a run of one role."""
        roles: dict[int, Counter] = defaultdict(Counter)
        for agent_id, role in (
            self.primary().filter(period_start=self.week).values_list("call__agent_id", "evaluator_role")
        ):
            roles[agent_id][role] += 1
        shares = self.policy.shares()
        self.assertGreater(len(roles), AGENTS * 0.8)
        for agent_id, counts in roles.items():
            total = sum(counts.values())
            for role, share in shares.items():
                self.assertLess(abs(counts[role] - share * total / 100), 2, (agent_id, dict(counts)))

    def test_about_five_percent_of_random_picks_are_double_scored_by_another_qa(self):
        doubles = Assignment.objects.filter(reason=AssignmentReason.DOUBLE_SCORING)
        random_picks = {a.call_id: a for a in self.primary().filter(reason=AssignmentReason.RANDOM)}
        share = doubles.count() / len(random_picks)
        self.assertTrue(0.005 < share < 0.12, share)
        for double in doubles:
            self.assertEqual(double.evaluator_role, "qa")
            self.assertNotEqual(double.evaluator_id, random_picks[double.call_id].evaluator_id)

    # --- running it again --------------------------------------------------------------------

    def test_a_second_run_adds_nothing(self):
        before = set(Assignment.objects.values_list("pk", "call_id", "evaluator_id"))
        out = io.StringIO()

        call_command("run_sampling", week=self.iso_week(), stdout=out)

        self.assertIn("Added 0 assignments", out.getvalue())
        self.assertEqual(set(Assignment.objects.values_list("pk", "call_id", "evaluator_id")), before)
        run = SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK, period_start=self.week)
        self.assertEqual((run.runs, run.last_added), (2, 0))

    def test_run_sampling_plans_the_week_again_from_scratch(self):
        quota = self.per_agent(self.week_primary().exclude(reason__in=EXTRA))
        Assignment.objects.all().delete()
        SamplingRun.objects.all().delete()
        out = io.StringIO()

        call_command("run_sampling", week=self.iso_week(), seed=5, stdout=out)

        self.assertIn(f"Week {self.iso_week()} ", out.getvalue())
        # Another seed picks other calls, but every agent gets the same number by quota.
        self.assertEqual(self.per_agent(self.week_primary().exclude(reason__in=EXTRA)), quota)
        self.assertFalse(Assignment.objects.filter(call__agent__user=F("evaluator")).exists())
        self.assertEqual(SamplingRun.objects.get(kind=SamplingKind.AGENT_WEEK).runs, 1)
