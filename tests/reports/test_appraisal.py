"""The evaluator appraisal (/appraisal/): every figure of a constructed month equals a computation
made here from the raw rows; the weighted score and its renormalisation; drift alerts past the
threshold and not below; a constant number of queries; and who is refused."""

from __future__ import annotations

import math
import statistics
import unittest
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from monitoring.models import Assignment, AssignmentStatus
from reports import appraisal
from reports.models import AppraisalPolicy
from reports.services.appraisal import appraisal_policy_update
from scoring.models import Answer, ConsensusAnswer, Dispute, Evaluation
from tests import factories as f
from tests.personas import Personas
from tests.reports.appraisal_month import (
    MONTH,
    NOW,
    STRICT,
    AppraisalMonth,
    assign,
    at,
    scored,
)
from tests.scoring.factories import FULL_MARKS

URL = f"/appraisal/?month={MONTH.label}"
DEFAULT_WEIGHTS = {"on_time": 30, "feedback": 20, "alignment": 25, "severity": 15, "disputes": 10}


def t_interval(values):
    n = len(values)
    half = stats.t.ppf(0.975, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return statistics.fmean(values) - half, statistics.fmean(values) + half


# --- independent computations over the raw rows -----------------------------------------------


def in_month(when) -> bool:
    return when is not None and MONTH.start <= when < MONTH.end


def on_time(user) -> tuple[int, int]:
    rows = [
        a
        for a in Assignment.objects.filter(evaluator=user)
        if in_month(a.due_at)
        and a.status != AssignmentStatus.CANCELLED
        and (a.status == AssignmentStatus.DONE or a.due_at <= NOW)
    ]
    return sum(a.status == AssignmentStatus.DONE and a.completed_at <= a.due_at for a in rows), len(rows)


def feedback(user) -> tuple[int, int]:
    rows = [
        e
        for e in Evaluation.objects.filter(evaluator=user, kind="regular")
        if in_month(e.submitted_at) and e.feedback_due_at is not None
    ]
    return sum(e.feedback_delivered_at is not None and e.feedback_delivered_at <= e.feedback_due_at for e in rows), len(
        rows
    )


def minutes(user) -> tuple[list[float], int]:
    spans = [
        (e.submitted_at - e.started_at).total_seconds()
        for e in Evaluation.objects.filter(evaluator=user).exclude(kind="self")
        if in_month(e.submitted_at) and e.started_at is not None
    ]
    kept = [s for s in spans if 10 <= s <= 7200]
    return kept, len(spans) - len(kept)


def calibration(user) -> tuple[list[float], float]:
    """Each calibration call's total − consensus, and the points-weighted alignment."""
    offsets, weight, earned = [], 0.0, 0.0
    for e in Evaluation.objects.filter(evaluator=user, calibration_item__isnull=False).select_related(
        "calibration_item__session"
    ):
        item = e.calibration_item
        if not in_month(item.session.closed_at):
            continue
        offsets.append(float(e.total) - float(item.consensus_total))
        reference = {c.criterion_id: c for c in ConsensusAnswer.objects.filter(item=item)}
        for a in Answer.objects.filter(evaluation=e).select_related("criterion"):
            c = reference.get(a.criterion_id)
            if a.is_na or c is None or c.is_na:
                continue
            weight += a.criterion.points
            earned += a.criterion.points * (1 - abs(a.value - c.value) / a.criterion.scale_max)
    return offsets, earned / weight


def pair_offsets(user) -> list[float]:
    out = []
    for second in Evaluation.objects.filter(kind="calibration", assignment__reason="double_scoring"):
        if not in_month(second.submitted_at):
            continue
        first = Evaluation.objects.get(call=second.call, kind="regular")
        if second.evaluator_id == user.pk:
            out.append(float(second.total - first.total))
        elif first.evaluator_id == user.pk:
            out.append(float(first.total - second.total))
    return out


def overturned(user) -> tuple[int, int]:
    rows = [d for d in Dispute.objects.filter(evaluation__evaluator=user) if in_month(d.resolved_at)]
    return sum(d.adjusted_total != d.original_total for d in rows), len(rows)


class ConstructedMonthTests(AppraisalMonth):
    def rows(self, url=URL, user=None):
        self.client.force_login(user or self.manager)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response, {r.person.user_id: r.month for r in response.context["rows"]}

    def test_every_figure_equals_the_computation_from_the_rows(self):
        _response, rows = self.rows()
        for user in (self.A, self.B):
            m = rows[user.pk]
            with self.subTest(user=user.username):
                self.assertEqual((m.on_time.k, m.on_time.n), on_time(user))
                self.assertEqual((m.feedback.met, m.feedback.due), feedback(user))
                kept, left_out = minutes(user)
                self.assertEqual((m.time.n, m.time.left_out), (len(kept), left_out))
                self.assertAlmostEqual(m.time.mean, statistics.fmean(kept))
                self.assertAlmostEqual(m.time.median, statistics.median(kept))
                low, high = t_interval(kept)
                self.assertAlmostEqual(m.time.interval[0], max(0.0, low))
                self.assertAlmostEqual(m.time.interval[1], high)
                offsets, alignment = calibration(user)
                self.assertEqual(m.calibration.items, len(offsets))
                self.assertAlmostEqual(m.calibration.offset.mean, statistics.fmean(offsets))
                self.assertAlmostEqual(m.calibration.deviation, statistics.fmean(map(abs, offsets)))
                self.assertAlmostEqual(m.calibration.alignment, alignment)
                pairs = pair_offsets(user)
                self.assertEqual(m.vs_second.n, len(pairs))
                self.assertAlmostEqual(m.vs_second.mean, statistics.fmean(pairs))
                for got, want in zip(m.vs_second.interval, t_interval(pairs), strict=True):
                    self.assertAlmostEqual(got, want)
                self.assertEqual((m.disputes.overturned, m.disputes.resolved), overturned(user))

    def test_the_month_reads_as_built(self):
        """A on time but once, lenient; B late, strict; the figures a manager reads."""
        _response, rows = self.rows()
        a, b = rows[self.A.pk], rows[self.B.pk]
        self.assertEqual((a.on_time.k, a.on_time.n, b.on_time.k, b.on_time.n), (4, 5, 2, 5))
        self.assertEqual((a.feedback.met, a.feedback.due, b.feedback.met, b.feedback.due), (5, 5, 0, 2))
        self.assertEqual((b.feedback.late, b.feedback.waiting), (1, 1))
        self.assertEqual(sorted(minutes(self.A)[0]), [480.0, 540.0, 600.0, 720.0, 1200.0])
        self.assertEqual((a.time.median, a.time.left_out), (600.0, 4))  # 5 hours and 3 instant calibrations
        # Totals are rounded to one decimal: the consensus 96.25 is 96.3.
        self.assertAlmostEqual(a.calibration.offset.mean, 3.7)
        self.assertAlmostEqual(b.calibration.offset.mean, -33.8)
        self.assertEqual((a.calibration.offset.leaning, b.calibration.offset.leaning), ("lenient", "strict"))
        self.assertIsNone(a.calibration.offset.interval)  # one session: no interval between sessions
        self.assertAlmostEqual(a.calibration.alignment, 0.95)
        self.assertAlmostEqual(b.calibration.alignment, 0.75)
        self.assertEqual((a.calibration.sessions, a.calibration.within, b.calibration.within), (1, 1, 0))
        self.assertEqual((a.vs_second.mean, b.vs_second.mean), (11.25, -11.25))
        self.assertEqual((a.disputes.resolved, a.disputes.overturned, b.disputes.resolved), (1, 1, 0))

    def test_the_weighted_score_drops_a_component_without_data_and_rescales(self):
        response, rows = self.rows()
        a, b = rows[self.A.pk], rows[self.B.pk]
        # A: all five. Severity pools the 3 calibration calls (+3.7) and the 2 pairs (+15, +7.5).
        pooled_a = (3 * 3.7 + 15 + 7.5) / 5
        expected_a = (30 * 4 / 5 + 20 * 1 + 25 * 0.95 + 15 * (1 - pooled_a / 10) + 10 * 0) / 100 * 100
        self.assertAlmostEqual(a.severity.mean, pooled_a)
        self.assertAlmostEqual(a.score.value, expected_a)
        self.assertEqual((a.score.used, a.score.possible), (5, 5))
        # B: no dispute decided → 4 components, weights 30 + 20 + 25 + 15 = 90.
        expected_b = (30 * 2 / 5 + 20 * 0 + 25 * 0.75 + 15 * 0) / 90 * 100
        self.assertAlmostEqual(b.score.value, expected_b)
        self.assertEqual((b.score.used, b.score.possible), (4, 5))
        self.assertContains(response, "based on 4 of 5 components")
        self.assertContains(response, f"{expected_a:.1f}")
        # The supervisor scored nothing: listed, without a score.
        self.assertIsNone(rows[self.supervisor.pk].score.value)

    def test_new_weights_change_the_score(self):
        appraisal_policy_update(
            by=self.manager,
            weight_on_time=100,
            weight_feedback=0,
            weight_alignment=0,
            weight_severity=0,
            weight_disputes=0,
        )
        _response, rows = self.rows()
        self.assertAlmostEqual(rows[self.B.pk].score.value, 40.0)
        self.assertEqual((rows[self.B.pk].score.used, rows[self.B.pk].score.possible), (1, 1))

    def test_drift_alerts_fire_past_the_thresholds(self):
        response, rows = self.rows()
        self.assertEqual([d.code for d in rows[self.A.pk].drift], ["second"])  # 11.25 > 5; 3.7 is not
        self.assertEqual([d.code for d in rows[self.B.pk].drift], ["consensus", "second", "alignment"])
        self.assertEqual(rows[self.trainer.pk].drift, [])
        self.assertContains(response, 'class="banner bad" role="alert"')
        self.assertContains(response, "Drift alerts for 2 evaluators this month")

    def test_no_alert_at_or_below_the_thresholds(self):
        # A's pair offset 11.25 under 12; B's alignment 75 % not below 75 %.
        appraisal_policy_update(by=self.manager, drift_offset=Decimal("12"), drift_alignment=Decimal("75"))
        response, rows = self.rows()
        self.assertEqual(rows[self.A.pk].drift, [])
        self.assertEqual([d.code for d in rows[self.B.pk].drift], ["consensus"])  # 33.8 > 12
        self.assertContains(response, "Drift alert for 1 evaluator this month")

    def test_the_evaluator_sees_their_months_and_alerts(self):
        self.client.force_login(self.B)
        response = self.client.get(f"/appraisal/me/?month={MONTH.label}")
        self.assertEqual(response.status_code, 200)
        months = response.context["appraisal"].months
        self.assertEqual([m.period.label for m in months][-2:], ["2026-10", "2026-11"])
        self.assertEqual(len(months), 6)
        self.assertIsNone(months[-2].score.value)  # nothing in October
        self.assertAlmostEqual(months[-1].score.value, (12 + 18.75) / 90 * 100)
        self.assertContains(response, "Offset from the calibration consensus -33.8 points")
        self.assertContains(response, "<svg", count=1)
        self.assertContains(response, "My appraisal")

    def test_the_table_sorts_by_a_component(self):
        response, _rows = self.rows(URL + "&sort=-score")
        order = [r.person.user_id for r in response.context["rows"]]
        # The trainer's calibration alone scores 100 (2 of 5 components); A 72.5; B 34.2; then
        # the supervisors, who have no score.
        self.assertEqual(order[:3], [self.trainer.pk, self.A.pk, self.B.pk])
        self.assertEqual(set(order[3:]), {self.supervisor.pk, self.other_supervisor.pk})
        response = self.client.get(URL + "&sort=consensus")
        self.assertEqual(
            [r.person.user_id for r in response.context["rows"]][:3], [self.trainer.pk, self.A.pk, self.B.pk]
        )


class PureFigureTests(unittest.TestCase):
    def test_equal_sessions_give_the_t_interval_of_their_means(self):
        means = [3.0, -1.5, 6.0, 2.25]
        got = appraisal.clustered_mean([(4, m) for m in means])
        self.assertAlmostEqual(got.mean, statistics.fmean(means))
        for g, w in zip(got.interval, t_interval(means), strict=True):
            self.assertAlmostEqual(g, w)

    @given(st.lists(st.floats(-50, 50), min_size=2, max_size=30))
    def test_a_signed_interval_surrounds_its_mean_and_is_not_clamped(self, values):
        got = appraisal.signed_mean(values)
        self.assertLessEqual(got.interval[0], got.mean + 1e-9)
        self.assertGreaterEqual(got.interval[1], got.mean - 1e-9)

    def test_severity_scores_one_on_the_reference_and_zero_past_the_scale(self):
        scale = 10.0
        self.assertEqual(appraisal.severity_component(appraisal.SignedMean(3, 0.0), scale), 1.0)
        self.assertEqual(appraisal.severity_component(appraisal.SignedMean(3, -4.0), scale), 0.6)
        self.assertEqual(appraisal.severity_component(appraisal.SignedMean(3, 25.0), scale), 0.0)
        self.assertIsNone(appraisal.severity_component(appraisal.NO_OFFSET, scale))

    def test_no_component_no_score(self):
        score = appraisal.appraisal_score({}, DEFAULT_WEIGHTS)
        self.assertIsNone(score.value)
        self.assertEqual((score.used, score.possible), (0, 5))


class QueryCountTests(AppraisalMonth):
    def grow(self, n: int) -> None:
        """`n` more QA evaluators, each with a done assignment, a regular evaluation with
        feedback and a double score of A's call of the month."""
        for i in range(n):
            user = f.UserFactory(username=f"extra{i}", roles=["qa"])
            scored(
                self, user, assignment=assign(self, user, due=at(26, 18)), start=at(24, 9), minutes=7, values=FULL_MARKS
            )
            a_call = scored(self, self.A, call=f.CallFactory(agent=self.agent, line_of_business=self.lob, start_time=at(24, 8)), start=at(24, 10 + i), minutes=6, values=FULL_MARKS).call  # fmt: skip
            double = assign(self, user, due=at(27, 18), reason="double_scoring", call=a_call)
            scored(self, user, assignment=double, start=at(25, 9), minutes=5, values=STRICT)

    def count(self, user, url) -> int:
        self.client.force_login(user)
        self.client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_the_pages_cost_the_same_with_2_evaluators_as_with_6(self):
        own = f"/appraisal/me/?month={MONTH.label}"
        before = (self.count(self.manager, URL), self.count(self.A, own))
        self.grow(4)
        after = (self.count(self.manager, URL), self.count(self.A, own))
        self.assertEqual(before, after)
        self.client.force_login(self.manager)
        # A, B, the four new ones, and the trainer and two supervisors (evaluator roles).
        self.assertEqual(len(self.client.get(URL).context["rows"]), 2 + 4 + 3)


class PermissionTests(AppraisalMonth):
    def status(self, user, url) -> int:
        self.client.force_login(user)
        return self.client.get(url).status_code

    def test_managers_and_admins_open_every_evaluator(self):
        admin = f.UserFactory(username="admin", roles=["admin"])
        for user in (self.manager, admin):
            self.assertEqual(self.status(user, URL), 200)
            self.assertEqual(self.status(user, f"/appraisal/{self.B.pk}/"), 200)

    def test_an_evaluator_opens_their_own_page_only(self):
        for user in (self.A, self.supervisor, self.trainer):
            with self.subTest(user=user.username):
                self.assertEqual(self.status(user, "/appraisal/me/"), 200)
                self.assertEqual(self.status(user, f"/appraisal/{user.pk}/"), 200)
                self.assertEqual(self.status(user, f"/appraisal/{self.B.pk}/"), 403)
                self.assertEqual(self.status(user, URL), 403)

    def test_hr_and_agents_are_refused(self):
        for user in (self.hr, self.agent_user):
            for url in (URL, "/appraisal/me/", f"/appraisal/{self.A.pk}/", "/appraisal/settings/"):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.status(user, url), 403)

    def test_a_manager_finds_no_appraisal_of_an_agent(self):
        self.assertEqual(self.status(self.manager, f"/appraisal/{self.agent_user.pk}/"), 404)

    def test_the_menu_shows_each_their_entry(self):
        self.client.force_login(self.manager)
        self.assertContains(self.client.get("/appraisal/me/"), 'href="/appraisal/"')
        self.client.force_login(self.A)
        page = self.client.get("/appraisal/me/")
        self.assertContains(page, 'href="/appraisal/me/"')
        self.assertNotContains(page, 'href="/appraisal/"')


class PolicyTests(Personas):
    URL = "/appraisal/settings/"

    def post(self, **values):
        data = {
            "weight_on_time": 30,
            "weight_feedback": 20,
            "weight_alignment": 25,
            "weight_severity": 15,
            "weight_disputes": 10,
            "severity_scale": "10.0",
            "drift_offset": "5.0",
            "drift_alignment": "85.0",
        }
        data.update(values)
        return self.client.post(self.URL, data)

    def test_the_defaults(self):
        policy = AppraisalPolicy.current()
        self.assertEqual(policy.weights, DEFAULT_WEIGHTS)
        self.assertEqual((policy.drift_offset, policy.drift_alignment), (Decimal("5.0"), Decimal("85.0")))

    def test_a_manager_changes_the_policy_and_it_is_kept_in_history(self):
        self.client.force_login(self.manager)
        response = self.post(weight_on_time=40, weight_disputes=0, drift_offset="4.5")
        self.assertRedirects(response, self.URL)
        policy = AppraisalPolicy.current()
        self.assertEqual((policy.weight_on_time, policy.weight_disputes, policy.drift_offset), (40, 0, Decimal("4.5")))
        latest = policy.history.latest()
        self.assertEqual(latest.history_user, self.manager)
        page = self.client.get(self.URL)
        self.assertContains(page, "Drift alert: offset above (points): 5.0 → <strong>4.5</strong>")

    def test_weights_must_add_up_to_100(self):
        self.client.force_login(self.manager)
        response = self.post(weight_on_time=50)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The five weights must add up to 100 %.", status_code=400)
        self.assertContains(response, "As entered they add up to 120 %.", status_code=400)
        self.assertEqual(AppraisalPolicy.current().weight_on_time, 30)

    def test_thresholds_must_be_positive(self):
        self.client.force_login(self.manager)
        for field in ("severity_scale", "drift_offset", "drift_alignment"):
            with self.subTest(field=field):
                response = self.post(**{field: "0"})
                self.assertEqual(response.status_code, 400)
                self.assertTrue(response.context["form"].errors[field])
        self.assertEqual(self.post(drift_alignment="120").status_code, 400)
        self.assertEqual(AppraisalPolicy.current().drift_offset, Decimal("5.0"))

    def test_the_service_refuses_others_and_bad_values(self):
        for user in (self.qa, self.supervisor, self.hr):
            with self.assertRaises(PermissionDenied):
                appraisal_policy_update(by=user, drift_offset=Decimal("3"))
        with self.assertRaises(ValidationError) as ctx:
            appraisal_policy_update(by=self.manager, weight_on_time=31)
        self.assertIn("__all__", ctx.exception.message_dict)
        with self.assertRaises(ValidationError) as ctx:
            appraisal_policy_update(by=self.manager, drift_offset="-1")
        self.assertIn("drift_offset", ctx.exception.message_dict)

    def test_only_managers_and_admins_open_the_policy(self):
        for user in (self.qa, self.supervisor, self.trainer, self.hr, self.agent_user):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.URL).status_code, 403)
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get(self.URL).status_code, 200)
