"""Continuous double scoring (DESIGN.md §4, issue 9): the reliability selectors and page."""

from __future__ import annotations

import statistics

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import selectors_reliability as rel
from scoring.stats import icc, krippendorff_alpha
from tests import factories as f
from tests.scoring.factories import ScoringPersonas, make_evaluation
from tests.scoring.reliability_helpers import ANSWERS, FULL, make_pair

# (first total, second total) for six calls; three (7.5, 12.5, 7.5 apart) are beyond ±5.
TOTALS = [(100.0, 100.0), (85.0, 85.0), (92.5, 100.0), (80.0, 92.5), (70.0, 77.5), (77.5, 77.5)]


class ReliabilityTests(ScoringPersonas):
    def pair(self, first_total: float, second_total: float, *, second_by=None):
        return make_pair(self, first_total, second_total, second_by=second_by)

    def build(self):
        made = [self.pair(a, b) for a, b in TOTALS]
        # Not pairs: a regular evaluation alone, and a calibration-session score with no
        # double-scoring assignment beside a regular one.
        make_evaluation(call=f.CallFactory(agent=self.agent, line_of_business=self.lob), by=self.qa)
        session_call = f.CallFactory(agent=self.agent, line_of_business=self.lob)
        make_evaluation(call=session_call, by=self.qa, values=FULL)
        make_evaluation(call=session_call, by=self.trainer, values=ANSWERS[70.0], kind="calibration")
        return made

    def test_the_totals_are_the_hand_computed_ones(self):
        made = self.build()
        self.assertEqual([(float(a.total), float(b.total)) for a, b in made], TOTALS)
        self.assertEqual({b.kind for _, b in made}, {"calibration"})

    def test_line_figures_equal_the_statistics_on_the_same_totals(self):
        self.build()
        pairs = rel.double_scored_pairs()
        self.assertEqual(len(pairs), 6)  # the lone regular and the session calibration are not counted
        [line] = rel.line_reliability(pairs, tolerance=5)
        firsts, seconds = [a for a, _ in TOTALS], [b for _, b in TOTALS]
        self.assertEqual(line.n, 6)
        self.assertAlmostEqual(line.alpha.value, krippendorff_alpha([firsts, seconds], "interval").value)
        self.assertIsNotNone(line.alpha.low)
        expected_icc = icc([list(t) for t in TOTALS], "ICC2")
        self.assertAlmostEqual(line.icc.value, expected_icc.value)
        self.assertAlmostEqual(line.icc.low, expected_icc.low)
        diffs = [abs(b - a) for a, b in TOTALS]
        self.assertAlmostEqual(line.mean_abs_difference.mean, statistics.fmean(diffs))
        self.assertEqual(line.mean_abs_difference.n, 6)
        self.assertIsNotNone(line.mean_abs_difference.interval)
        beyond = {(p.first_total, p.second_total) for p in line.beyond_tolerance}
        self.assertEqual(beyond, {t for t in TOTALS if abs(t[1] - t[0]) > 5})
        self.assertEqual(len(beyond), 3)

    def test_criteria_least_reliable_first_and_evaluator_pairs(self):
        self.build()
        pairs = rel.double_scored_pairs()
        rows = rel.criterion_reliability(pairs)
        by_text = {c.text: c for c in rows}
        resolved_a = [ANSWERS[a]["resolved"] for a, _ in TOTALS]
        resolved_b = [ANSWERS[b]["resolved"] for _, b in TOTALS]
        self.assertAlmostEqual(
            by_text["Resolved"].alpha.value, krippendorff_alpha([resolved_a, resolved_b], "nominal").value
        )
        self.assertEqual(by_text["Empathy"].alpha.level, "ordinal")
        self.assertEqual(by_text["Resolved"].agreeing, 5)
        values = [c.alpha.value for c in rows if c.alpha.value is not None]
        self.assertEqual(values, sorted(values))
        [ev] = rel.evaluator_pair_reliability(pairs)
        self.assertEqual({ev.a.id, ev.b.id}, {self.qa.pk, self.qa2.pk})
        self.assertEqual(ev.n, 6)
        signed = statistics.fmean(b - a for a, b in TOTALS)  # qa2 scores higher: qa is stricter
        self.assertAlmostEqual(abs(ev.mean_signed_difference), signed)
        self.assertEqual(ev.stricter.id, self.qa.pk)

    def test_last_and_line_filters(self):
        self.build()
        self.assertEqual(len(rel.double_scored_pairs(last=2)), 2)
        self.assertEqual(rel.double_scored_pairs(line="nowhere"), [])
        self.assertEqual(len(rel.double_scored_pairs(line=self.lob.code)), 6)

    def test_the_page_shows_the_figures_and_the_pairs_for_calibration(self):
        made = self.build()
        self.client.force_login(self.qa)
        response = self.client.get(reverse("reliability"))
        self.assertEqual(response.status_code, 200)
        [line] = response.context["line_rows"]
        alpha = krippendorff_alpha([[a for a, _ in TOTALS], [b for _, b in TOTALS]], "interval").value
        self.assertAlmostEqual(line.alpha.value, alpha)
        self.assertContains(response, f"{alpha:.3f}")
        self.assertContains(response, "proposed for the next calibration session")
        first, second = made[3]
        self.assertContains(response, reverse("evaluation-detail", args=[first.pk]))
        self.assertContains(response, reverse("evaluation-detail", args=[second.pk]))
        self.assertNotContains(response, reverse("evaluation-detail", args=[made[0][0].pk]))

    def test_empty_state(self):
        self.client.force_login(self.manager)
        response = self.client.get(reverse("reliability"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No double-scored calls yet")

    def test_who_may_see_it(self):
        for user in (self.qa, self.manager, self.trainer):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("reliability")).status_code, 200, user.username)
        for user in (self.supervisor, self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("reliability")).status_code, 403, user.username)

    def test_a_bad_last_is_a_400_naming_the_field(self):
        self.client.force_login(self.qa)
        for bad in ("abc", "4", "1001"):  # the policy's limits for its pairs: 5 to 1000
            response = self.client.get(reverse("reliability"), {"last": bad})
            self.assertEqual(response.status_code, 400, bad)
            self.assertContains(response, "“last”", status_code=400)
        self.assertEqual(self.client.get(reverse("reliability"), {"last": "10"}).status_code, 200)

    def test_the_page_query_count_does_not_grow_with_the_pairs(self):
        self.client.force_login(self.qa)
        for a, b in TOTALS[:3]:
            self.pair(a, b)
        self.client.get(reverse("reliability"))  # warm the session and caches

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("reliability")).status_code, 200)
            return len(ctx.captured_queries)

        with_three = count()
        for a, b in TOTALS + TOTALS[:3]:
            self.pair(a, b, second_by=self.trainer)
        self.assertEqual(len(rel.double_scored_pairs()), 12)
        self.assertEqual(count(), with_three)
