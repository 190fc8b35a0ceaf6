"""The reliability page's trend by month, the policy's tolerance and pairs, "Propose for
calibration", and the calibration policy page (issue 9)."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

import krippendorff
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from qa_platform.errors import IllegalTransition
from scoring import selectors_reliability as rel
from scoring import services
from scoring.models import CalibrationItem, CalibrationPolicy, CalibrationSession, ItemReason, SessionStatus
from scoring.stats import icc
from tests import factories as f
from tests.scoring.calibration_helpers import make_session
from tests.scoring.factories import ScoringPersonas
from tests.scoring.reliability_helpers import make_pair

# (months back from this one, first total, second total): three months with pairs, one month
# without, and one pair seven months back, outside the six-month window.
MONTHLY = [
    (0, 100.0, 100.0),
    (0, 85.0, 92.5),
    (0, 80.0, 92.5),
    (0, 70.0, 77.5),
    (1, 92.5, 100.0),
    (1, 77.5, 77.5),
    (1, 100.0, 85.0),
    (3, 70.0, 85.0),
    (3, 80.0, 77.5),
    (3, 92.5, 92.5),
    (7, 70.0, 100.0),
]


def month_start(months_back: int) -> dt.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def local(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class TrendTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for back, a, b in MONTHLY:
            # Half past midnight on the 1st, local time: still the previous day in UTC, but this month here.
            make_pair(cls, a, b, submitted_at=local(month_start(back), 0, 30))

    def test_each_month_equals_an_independent_computation_on_its_pairs(self):
        [line] = rel.reliability_trend()
        self.assertEqual(line.code, self.lob.code)
        self.assertEqual([m.month for m in line.months], [month_start(b) for b in range(5, -1, -1)])
        by_month = {m.month: m for m in line.months}
        for back in (0, 1, 3):
            totals = [(a, b) for k, a, b in MONTHLY if k == back]
            month = by_month[month_start(back)]
            self.assertEqual(month.n, len(totals), back)
            data = [[a for a, _ in totals], [b for _, b in totals]]
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
            self.assertAlmostEqual(month.alpha.value, expected, places=9)
            self.assertIsNotNone(month.alpha.low)
            expected_icc = icc([list(t) for t in totals], "ICC2")
            self.assertAlmostEqual(month.icc.value, expected_icc.value, places=9)
            self.assertAlmostEqual(month.icc.low, expected_icc.low, places=9)
            self.assertAlmostEqual(month.icc.high, expected_icc.high, places=9)
            differences = [abs(b - a) for a, b in totals]
            self.assertEqual(month.mean_abs_difference.n, len(totals))
            self.assertAlmostEqual(month.mean_abs_difference.mean, statistics.fmean(differences))
        empty = by_month[month_start(2)]
        self.assertEqual((empty.n, empty.alpha.value, empty.icc), (0, None, None))
        self.assertEqual(sum(m.n for m in line.months), len(MONTHLY) - 1)  # seven months back is outside

    def test_the_page_draws_the_trend_and_tabulates_its_numbers(self):
        self.client.force_login(self.trainer)
        response = self.client.get(reverse("reliability"))
        self.assertEqual(response.status_code, 200)
        [(trend, chart)] = response.context["trend"]
        self.assertEqual([s.name for s in chart.series], ["Alpha (interval)", "ICC(2,1)"])
        alpha_points = chart.series[0].points
        self.assertEqual(len(alpha_points), 6)
        self.assertEqual([p.value for p in alpha_points], [m.alpha.value for m in trend.months])
        self.assertIsNone(alpha_points[3].y)  # the month without pairs leaves a gap
        self.assertContains(response, '<svg class="chart"')
        self.assertContains(response, f"{trend.months[-1].alpha.value:.3f}")
        self.assertContains(response, "No double-scored pair this month.")

    def test_a_line_filter_narrows_the_trend(self):
        self.assertEqual(rel.reliability_trend(line="nowhere"), [])


class ToleranceAndProposalTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 0, 7.5 and 12.5 points apart.
        cls.pairs = [make_pair(cls, 100.0, 100.0), make_pair(cls, 85.0, 92.5), make_pair(cls, 80.0, 92.5)]
        cls.wide_call = cls.pairs[2][0].call

    def beyond(self, user=None):
        self.client.force_login(user or self.qa)
        response = self.client.get(reverse("reliability"))
        self.assertEqual(response.status_code, 200)
        return response, sorted(abs(p.difference) for p, _session in response.context["beyond"])

    def propose(self, call, user=None):
        self.client.force_login(user or self.qa)
        return self.client.post(reverse("reliability-propose"), {"call": call.pk, "back": "last=20"})

    def test_the_policys_tolerance_decides_which_pairs_are_beyond_it(self):
        response, beyond = self.beyond()
        self.assertEqual(beyond, [7.5, 12.5])
        self.assertContains(response, "Tolerance ±5.0 points")
        services.calibration_policy_update(by=self.manager, values={"tolerance": Decimal("10.0")})
        response, beyond = self.beyond()
        self.assertEqual(beyond, [12.5])
        self.assertContains(response, "more than 10.0 points apart")
        self.assertEqual(len(rel.line_reliability(rel.double_scored_pairs())[0].beyond_tolerance), 2)  # the default: ±5

    def test_the_policys_pairs_are_the_default_n_and_last_still_overrides(self):
        services.calibration_policy_update(by=self.manager, values={"reliability_pairs": 5})
        self.client.force_login(self.qa)
        response = self.client.get(reverse("reliability"))
        self.assertEqual(response.context["last_value"], 5)
        self.assertContains(response, "last 5 double-scored calls")
        self.assertEqual(self.client.get(reverse("reliability"), {"last": "2"}).status_code, 400)
        self.assertEqual(len(self.client.get(reverse("reliability"), {"last": "500"}).context["pairs"]), 3)

    def test_propose_adds_the_call_to_a_new_proposal_once(self):
        response = self.propose(self.wide_call)
        self.assertRedirects(response, reverse("reliability") + "?last=20", fetch_redirect_response=False)
        item = CalibrationItem.objects.get(call=self.wide_call)
        session = item.session
        monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
        self.assertEqual(
            (session.status, session.line_of_business, session.week_start, item.reason),
            (SessionStatus.PROPOSED, self.lob, monday, ItemReason.DISAGREEMENT),
        )
        self.assertEqual(session.tolerance, CalibrationPolicy.current().tolerance)
        self.assertGreaterEqual(session.participants.count(), 2)
        again = self.propose(self.wide_call)
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "already in the calibration session", status_code=409)
        self.assertEqual(CalibrationItem.objects.filter(call=self.wide_call).count(), 1)
        # The page now links the pair to its session and offers no second proposal.
        response, _beyond = self.beyond()
        rows = {p.call_id: s for p, s in response.context["beyond"]}
        self.assertEqual(rows[self.wide_call.pk].id, session.pk)
        self.assertContains(response, reverse("calibration-detail", args=[session.pk]))
        self.assertContains(response, "Propose for calibration", count=1)  # only the other pair

    def test_propose_joins_the_lines_latest_proposed_session(self):
        def proposal(week_start, title):
            return services.calibration_session_create(
                by=self.qa,
                title=title,
                week_start=week_start,
                line_of_business=self.lob,
                calls=[f.CallFactory(agent=self.agent, line_of_business=self.lob)],
                participants=[self.qa2, self.trainer],
            )

        older = proposal(dt.date(2026, 11, 16), "Week 47")
        newer = proposal(dt.date(2026, 11, 23), "Week 48")
        services.calibration_session_open(session=older, by=self.qa)  # no longer proposed
        proposal(dt.date(2026, 11, 9), "Week 46")
        item = services.calibration_propose_call(call=self.wide_call, by=self.manager)
        self.assertEqual(item.session, newer)
        self.assertEqual(CalibrationSession.objects.count(), 3)

    def test_a_call_in_a_session_under_way_is_refused(self):
        session = make_session(by=self.qa, calls=[self.wide_call], participants=[self.qa2, self.trainer])
        self.assertEqual(session.status, SessionStatus.SCORING)
        with self.assertRaises(IllegalTransition):
            services.calibration_propose_call(call=self.wide_call, by=self.qa)
        self.assertEqual(CalibrationItem.objects.filter(call=self.wide_call).count(), 1)

    def test_only_qa_and_managers_propose(self):
        for user in (self.trainer, self.supervisor):
            self.assertEqual(self.propose(self.wide_call, user).status_code, 403, user.username)
            with self.assertRaises(PermissionDenied):
                services.calibration_propose_call(call=self.wide_call, by=user)
        self.assertFalse(CalibrationItem.objects.exists())
        response, _beyond = self.beyond(self.trainer)  # trainers read the page, without the button
        self.assertNotContains(response, "Propose for calibration")

    def test_a_bad_call_id_is_a_400(self):
        self.client.force_login(self.qa)
        response = self.client.post(reverse("reliability-propose"), {"call": "abc"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "“call”", status_code=400)


class PolicyPageTests(ScoringPersonas):
    url = reverse("calibration-policy")
    VALID = {
        "tolerance": "7.5",
        "calls_per_session": "5",
        "weekly_proposals": "",
        "reliability_pairs": "80",
        "dispute_review_hours": "24",
        "calibrated_within_days": "60",
    }

    def test_managers_change_it_and_the_history_says_who_and_what(self):
        self.client.force_login(self.manager)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, self.VALID)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        policy = CalibrationPolicy.current()
        self.assertEqual(
            (policy.tolerance, policy.calls_per_session, policy.weekly_proposals, policy.reliability_pairs),
            (Decimal("7.5"), 5, False, 80),
        )
        self.assertEqual((policy.dispute_review_hours, policy.calibrated_within_days), (24, 60))
        latest = policy.history.first()
        self.assertEqual(latest.history_user, self.manager)
        page = self.client.get(self.url)
        [change, created] = page.context["history"]
        labels = {c["label"]: (c["old"], c["new"]) for c in change["changes"]}
        self.assertEqual(labels["tolerance (points)"], (Decimal("5.0"), Decimal("7.5")))
        self.assertEqual(labels["propose a session every week"], ("yes", "no"))
        self.assertEqual(len(labels), 6)
        self.assertEqual(created["type"], "+")
        self.assertContains(page, "7.5</strong>")

    def test_a_bad_value_is_a_400_naming_the_field_and_saves_nothing(self):
        self.client.force_login(self.manager)
        for name, bad in (("calls_per_session", "6"), ("tolerance", "0"), ("reliability_pairs", "abc")):
            response = self.client.post(self.url, {**self.VALID, name: bad})
            self.assertEqual(response.status_code, 400, name)
            self.assertEqual(list(response.context["form"].errors), [name])
            self.assertContains(response, f'id="id_{name}_error"', status_code=400)
        self.assertEqual(CalibrationPolicy.current().history.count(), 1)  # only its creation

    def test_supervisors_qa_trainers_and_agents_are_refused(self):
        for user in (self.supervisor, self.qa, self.trainer, self.agent_user, self.hr):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user.username)
            self.assertEqual(self.client.post(self.url, self.VALID).status_code, 403, user.username)
        with self.assertRaises(PermissionDenied):
            services.calibration_policy_update(by=self.qa, values={"tolerance": Decimal("9")})
        self.assertEqual(CalibrationPolicy.current().tolerance, Decimal("5.0"))

    def test_the_reliability_page_links_it_for_managers_only(self):
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(reverse("reliability")), self.url)
        self.client.force_login(self.qa)
        self.assertNotContains(self.client.get(reverse("reliability")), self.url)
