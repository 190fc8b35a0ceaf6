"""The measured effect of a goal on a constructed history: known scores before and since the plan
give the expected means, intervals and Welch difference (computed here with scipy, independently
of coaching/selectors/effect.py); each verdict is reached; a criterion is matched across two
scorecard versions; calibration, self, re-score and unfinished evaluations do not count."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from scipy import stats

from coaching.models import CoachingGoal
from coaching.selectors.effect import BEFORE_DAYS, VERDICTS, goal_effects
from scoring import services
from scoring.models import Category, Kind, Status
from tests import factories as f
from tests.coaching.effect_history import evaluate, plan_with_goals
from tests.scoring.factories import ScoringPersonas, criteria

NOW = timezone.now().replace(microsecond=0)
CREATED = NOW - dt.timedelta(days=20)

# Before the plan (greeting, closing, empathy, resolved) → etiquette 50, 0, 50, 50; empathy 25, 50,
# 25, 50; resolution 100, 0, 100, 0.
BEFORE = [(1, 0, 1, 1), (0, 0, 2, 0), (1, 0, 1, 1), (1, 0, 2, 0)]
# Since: etiquette 100, 100, 50, 100, 100; empathy 100, 75, 100, 100, 75; resolution 0, 100, 100, 0, 100.
SINCE = [(1, 1, 4, 0), (1, 1, 3, 1), (1, 0, 4, 1), (1, 1, 4, 0), (1, 1, 3, 1)]
ETIQUETTE = ([50, 0, 50, 50], [100, 100, 50, 100, 100])
EMPATHY = ([25, 50, 25, 50], [100, 75, 100, 100, 75])
RESOLUTION = ([100, 0, 100, 0], [0, 100, 100, 0, 100])


def answers(greeting, closing, empathy, resolved) -> dict:
    return {
        "greeting": greeting,
        "closing": closing,
        "empathy": empathy,
        "clarity": "na",
        "correct_information": 1,
        "resolved": resolved,
    }


def t_interval(values):
    low, high = stats.t.interval(0.95, len(values) - 1, loc=statistics.fmean(values), scale=stats.sem(values))
    return max(0.0, low), min(100.0, high)


def welch(before, since):
    ci = stats.ttest_ind(since, before, equal_var=False).confidence_interval(0.95)
    return ci.low, ci.high


class EffectHistory(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.v1 = cls.version
        cls.v2 = services.scorecard_publish(
            version=services.scorecard_new_draft(scorecard=cls.v1.scorecard, by=cls.manager), by=cls.manager
        )
        empathy_v1 = criteria(cls.v1)["empathy"]
        yesterday = timezone.localdate(NOW) - dt.timedelta(days=1)
        future = timezone.localdate(NOW) + dt.timedelta(days=10)
        cls.plan = plan_with_goals(
            agent=cls.agent,
            owner=cls.trainer,
            created_at=CREATED,
            goals=[
                {"category": Category.ETIQUETTE, "target": 60, "deadline": future},  # met
                {"category": Category.ETIQUETTE, "target": 80, "deadline": future},  # improved
                {"criterion": empathy_v1, "target": 95, "deadline": future},  # improved, across versions
                {"category": Category.RESOLUTION, "target": 90, "deadline": yesterday},  # not met
                {"category": Category.RESOLUTION, "target": 90, "deadline": future},  # not enough yet
            ],
        )
        cls.goals = list(cls.plan.goals.order_by("pk"))
        for i, row in enumerate(BEFORE):
            evaluate(
                agent=cls.agent,
                version=cls.v1,
                by=cls.qa,
                at=CREATED - dt.timedelta(days=40 - 10 * i),
                values=answers(*row),
            )
        for i, row in enumerate(SINCE):
            # The first one since on the old version, the rest on the new one: matched by text.
            version = cls.v1 if i == 0 else cls.v2
            evaluate(
                agent=cls.agent,
                version=version,
                by=cls.qa,
                at=CREATED + dt.timedelta(days=2 + 3 * i),
                values=answers(*row),
            )

        zeros = answers(0, 0, 0, 0)
        in_window = CREATED + dt.timedelta(days=1)
        # None of these count: other kinds, an unfinished one, one before the before-window, another agent's.
        for kind in (Kind.SELF, Kind.CALIBRATION, Kind.REVIEW):
            evaluate(agent=cls.agent, version=cls.v2, by=cls.qa2, at=in_window, values=zeros, kind=kind)
        evaluate(agent=cls.agent, version=cls.v2, by=cls.qa, at=in_window, values=zeros, status=Status.IN_PROGRESS)
        evaluate(
            agent=cls.agent, version=cls.v1, by=cls.qa, at=CREATED - dt.timedelta(days=BEFORE_DAYS + 1), values=zeros
        )
        evaluate(agent=f.AgentFactory(team=cls.team), version=cls.v2, by=cls.qa, at=in_window, values=zeros)

        # Another agent's plan with only one evaluation since: never a verdict, however large the change.
        cls.thin = plan_with_goals(
            agent=cls.other_agent,
            owner=cls.trainer,
            created_at=CREATED,
            goals=[{"category": Category.ETIQUETTE, "target": 10, "deadline": yesterday}],
        )
        for days in (-5, -3):
            evaluate(
                agent=cls.other_agent, version=cls.v1, by=cls.qa, at=CREATED + dt.timedelta(days=days), values=zeros
            )
        evaluate(
            agent=cls.other_agent,
            version=cls.v2,
            by=cls.qa,
            at=CREATED + dt.timedelta(days=3),
            values=answers(1, 1, 4, 1),
        )

    def effects(self):
        return goal_effects(CoachingGoal.objects.filter(plan__in=[self.plan, self.thin]).order_by("pk"), now=NOW)


class EffectTests(EffectHistory):
    def test_the_windows_hold_the_known_scores_with_their_t_intervals(self):
        effect = self.effects()[self.goals[0].pk]
        before, since = ETIQUETTE
        self.assertEqual((effect.before.n, effect.since.n), (4, 5))
        self.assertAlmostEqual(effect.before.mean, 37.5)
        self.assertAlmostEqual(effect.since.mean, 90.0)
        for window, values in ((effect.before, before), (effect.since, since)):
            for got, want in zip(window.ci, t_interval(values), strict=True):
                self.assertAlmostEqual(got, want, places=6)
        self.assertEqual(effect.before.start, CREATED - dt.timedelta(days=BEFORE_DAYS))
        self.assertEqual((effect.before.end, effect.since.start, effect.since.end), (CREATED, CREATED, NOW))

    def test_the_difference_has_welchs_interval(self):
        effect = self.effects()[self.goals[0].pk]
        self.assertAlmostEqual(effect.difference, 52.5)
        for got, want in zip(effect.difference_ci, welch(*ETIQUETTE), strict=True):
            self.assertAlmostEqual(got, want, places=6)
        self.assertGreater(effect.difference_ci[0], 0)

    def test_each_verdict_is_reached(self):
        effects = self.effects()
        got = [effects[g.pk].verdict for g in self.goals] + [effects[self.thin.goals.get().pk].verdict]
        self.assertEqual(got, ["met", "improved", "improved", "not_met", "not_enough", "not_enough"])
        self.assertEqual(set(got), set(VERDICTS))
        self.assertEqual(str(effects[self.goals[4].pk].verdict_label), "Not enough evidence yet")

    def test_met_needs_the_whole_interval_at_or_above_the_target(self):
        effects = self.effects()
        met, improved = effects[self.goals[0].pk], effects[self.goals[1].pk]
        self.assertGreaterEqual(met.since.ci[0], 60)
        self.assertLess(improved.since.ci[0], 80)
        self.assertGreater(improved.since.mean, 80)  # the mean alone would have said "met"

    def test_a_criterion_is_matched_across_scorecard_versions(self):
        effect = self.effects()[self.goals[2].pk]
        before, since = EMPATHY
        self.assertEqual((effect.before.n, effect.since.n), (4, 5))
        self.assertEqual(effect.label, "Empathy")
        self.assertAlmostEqual(effect.before.mean, statistics.fmean(before))
        self.assertAlmostEqual(effect.since.mean, statistics.fmean(since))
        for got, want in zip(effect.difference_ci, welch(before, since), strict=True):
            self.assertAlmostEqual(got, want, places=6)

    def test_no_change_is_not_an_improvement_and_a_passed_deadline_makes_it_not_met(self):
        effects = self.effects()
        not_met, pending = effects[self.goals[3].pk], effects[self.goals[4].pk]
        self.assertAlmostEqual(not_met.difference, statistics.fmean(RESOLUTION[1]) - statistics.fmean(RESOLUTION[0]))
        self.assertLess(not_met.difference_ci[0], 0)
        self.assertEqual(pending.difference_ci, not_met.difference_ci)

    def test_one_evaluation_on_a_side_has_no_interval_and_no_verdict(self):
        effect = self.effects()[self.thin.goals.get().pk]
        self.assertEqual((effect.before.n, effect.since.n), (2, 1))
        self.assertIsNone(effect.since.ci)
        self.assertIsNone(effect.difference_ci)
        self.assertAlmostEqual(effect.difference, 100.0)
        self.assertEqual(effect.verdict, "not_enough")

    def test_calibration_self_rescores_and_unfinished_evaluations_are_ignored(self):
        # Every zero-scored evaluation of the agent lies in a window or just before it: had any
        # counted, a window's n would be above the 4 and 5 known scores.
        effects = self.effects()
        for goal in self.goals:
            self.assertEqual((effects[goal.pk].before.n, effects[goal.pk].since.n), (4, 5))

    def test_a_plan_with_no_evaluations_yet_is_not_enough_evidence(self):
        fresh = plan_with_goals(
            agent=f.AgentFactory(team=self.team),
            owner=self.trainer,
            created_at=NOW,
            goals=[{"category": "etiquette", "target": 80}],
        )
        effect = goal_effects(fresh.goals.all(), now=NOW)[fresh.goals.get().pk]
        self.assertEqual((effect.before.n, effect.since.n, effect.before.mean, effect.difference), (0, 0, None, None))
        self.assertEqual(effect.verdict, "not_enough")

    def test_the_query_count_does_not_grow_with_the_goals(self):
        def count(goals):
            with CaptureQueriesContext(connection) as ctx:
                goal_effects(goals, now=NOW)
            return len(ctx.captured_queries)

        one = count(CoachingGoal.objects.filter(pk=self.goals[0].pk))
        many = count(CoachingGoal.objects.all())
        self.assertEqual(one, many)
        self.assertLessEqual(many, 3)
        self.assertEqual(count(CoachingGoal.objects.select_related("plan")), 2)
        self.assertEqual(count([]), 0)


class EffectPartialTests(EffectHistory):
    def test_the_table_shows_each_window_with_n_and_interval_and_the_verdict(self):
        effects = list(self.effects().values())
        html = render_to_string("coaching/plans/_goal_effects.html", {"effects": effects})
        low, high = t_interval(ETIQUETTE[1])
        self.assertIn("the 56 days before the plan was created", html)
        self.assertIn(f'90.0 <span class="basis">(n = 5, 95 % interval {low:.1f}–{high:.1f})</span>', html)
        d_low, d_high = welch(*ETIQUETTE)
        self.assertIn(f'52.5 <span class="basis">(95 % interval {d_low:.1f} to {d_high:.1f})</span>', html)
        self.assertIn("(n = 1, too few for an interval)", html)
        for label in ("Met", "Improved, target not yet shown met", "Not met", "Not enough evidence yet"):
            self.assertIn(label, html)

    def test_a_plan_without_goals_says_so(self):
        html = render_to_string("coaching/plans/_goal_effects.html", {"effects": []})
        self.assertIn("This plan has no goals yet", html)
