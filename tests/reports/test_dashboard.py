"""The dashboard's figures equal an independent computation over the constructed month
(tests/reports/dashboard_month.py): statistics and scipy here, SQL aggregates there."""

from __future__ import annotations

import datetime as dt
import math
import statistics

from django.utils import timezone

from monitoring.models import Call
from scoring.models import Dispute, DisputeStatus, Evaluation
from tests.reports.dashboard_month import MONTH, PREVIOUS, DashboardMonth, interval

URL = "/dashboard/"


class DashboardFigureTests(DashboardMonth):
    def board(self, user=None, **params):
        self.client.force_login(user or self.manager)
        response = self.client.get(URL, {"month": MONTH.label, **params})
        self.assertEqual(response.status_code, 200)
        return response, response.context["board"]

    def assertClose(self, a, b, places=6):
        self.assertAlmostEqual(a, b, places=places)

    def test_the_average_n_and_interval_are_the_months_regular_scored_evaluations(self):
        response, board = self.board()
        totals = self.totals(self.month_evaluations())
        self.assertEqual(board.summary.n, len(totals))
        self.assertEqual(board.summary.n, 9)  # the calibration evaluation does not count
        self.assertClose(board.summary.mean, statistics.fmean(totals))
        low, high = interval(totals)
        self.assertClose(board.summary.interval[0], low)
        self.assertClose(board.summary.interval[1], high)
        self.assertContains(response, f"{statistics.fmean(totals):.1f}")
        self.assertContains(response, f"{low:.1f}–{high:.1f}")

    def test_it_opens_on_the_latest_month_with_scored_evaluations(self):
        self.client.force_login(self.manager)
        response = self.client.get(URL)
        self.assertEqual(response.context["board"].period, MONTH)

    def test_the_critical_failure_rate_counts_critical_failures(self):
        _, board = self.board()
        evaluations = self.month_evaluations()
        failed = sum(e.critical_failed for e in evaluations)
        self.assertEqual(failed, 1)
        self.assertEqual(board.critical.k, failed)
        self.assertClose(board.critical.rate, failed / len(evaluations))
        low, high = board.critical.interval
        self.assertLess(low, failed / len(evaluations))
        self.assertGreater(high, failed / len(evaluations))

    def test_the_trend_has_six_months_in_one_query_with_each_months_figures(self):
        _, board = self.board(scope=f"team:{self.team.pk}")
        self.assertEqual([p.period for p in board.trend][-2:], [PREVIOUS, MONTH])
        self.assertEqual(len(board.trend), 6)
        self.assertEqual([p.stats.n for p in board.trend[:4]], [0, 0, 0, 0])
        october = self.totals(self.october)
        self.assertEqual(board.trend[-2].stats.n, 2)
        self.assertClose(board.trend[-2].stats.mean, statistics.fmean(october))
        november = self.totals(self.month_evaluations(team=self.team))
        self.assertClose(board.trend[-1].stats.mean, statistics.fmean(november))

    def test_the_trend_cuts_months_in_the_centers_time_zone(self):
        # 23:30 on 31 October in Shanghai is 15:30 UTC: an October call, not November's.
        late = timezone.make_aware(dt.datetime(2026, 10, 31, 23, 30))
        call = Call.objects.get(external_id="NOV-0")
        Call.objects.filter(pk=call.pk).update(start_time=late)
        _, board = self.board(scope=f"team:{self.team.pk}")
        self.assertEqual(board.trend[-2].stats.n, 3)
        self.assertEqual(board.trend[-1].stats.n, len(self.month_evaluations(team=self.team)))

    def test_the_distribution_counts_each_band(self):
        _, board = self.board()
        totals = self.totals(self.month_evaluations())
        expected = [
            sum(1 for t in totals if low <= t < low + 10 or (low == 90 and t == 100)) for low in range(0, 100, 10)
        ]
        self.assertEqual([count for _, _, count in board.distribution], expected)

    def test_lost_points_are_a_pareto_largest_first(self):
        _, board = self.board()
        expected = self.lost_by_criterion(self.month_evaluations())
        got = [(row["label"], row["lost"]) for row in board.lost_by_criterion]
        self.assertEqual([round(v, 6) for _, v in got], [round(v, 6) for _, v in expected])
        self.assertEqual({(n, round(v, 6)) for n, v in got}, {(n, round(v, 6)) for n, v in expected})
        total = sum(v for _, v in expected)
        running = 0.0
        for row, (_, lost) in zip(board.lost_by_criterion, expected, strict=True):
            running += lost
            self.assertClose(row["cumulative"], running / total)
        self.assertClose(board.lost_by_criterion[-1]["cumulative"], 1.0)

    def test_lost_points_by_category_add_up_to_the_same_total(self):
        _, board = self.board()
        by_criterion = sum(row["lost"] for row in board.lost_by_criterion)
        by_category = [row["lost"] for row in board.lost_by_category]
        self.assertClose(sum(by_category), by_criterion)
        self.assertEqual(by_category, sorted(by_category, reverse=True))

    def test_the_by_shift_table_matches_each_shifts_evaluations(self):
        response, board = self.board()
        expected = self.by(self.month_evaluations(), lambda e: e.call.shift.code)
        rows = {row.key: row for row in board.groups["shift"]}
        self.assertEqual(set(rows), {"day", "night"})
        for code, totals in expected.items():
            with self.subTest(shift=code):
                self.assertEqual(rows[code].stats.n, len(totals))
                self.assertClose(rows[code].stats.mean, statistics.fmean(totals))
                low, high = interval(totals)
                self.assertClose(rows[code].stats.interval[0], low)
                self.assertClose(rows[code].stats.interval[1], high)
        self.assertContains(response, "/calls/?date_from=2026-11-01&amp;date_to=2026-11-30&amp;shift=night")

    def test_the_other_comparisons_group_by_direction_service_type_team_line_and_method(self):
        Evaluation.objects.filter(pk__in=[self.evaluations[0].pk, self.evaluations[4].pk]).update(method="live")
        _, board = self.board()
        evaluations = self.month_evaluations()
        self.assertEqual({e.method for e in evaluations}, {"live", "recording"})
        for key, value in (
            ("direction", lambda e: e.call.direction),
            ("service_type", lambda e: e.call.service_type),
            ("team", lambda e: e.agent.team_id),
            ("method", lambda e: e.method),
        ):
            with self.subTest(group=key):
                expected = {k: (len(v), statistics.fmean(v)) for k, v in self.by(evaluations, value).items()}
                got = {row.key: (row.stats.n, row.stats.mean) for row in board.groups[key]}
                self.assertEqual(set(got), set(expected))
                for k in expected:
                    self.assertEqual(got[k][0], expected[k][0])
                    self.assertClose(got[k][1], expected[k][1])
        self.assertEqual({row.label for row in board.groups["direction"]}, {"Inbound", "Outbound"})
        self.assertEqual({row.label for row in board.groups["method"]}, {"Random live monitoring", "Recording review"})

    def test_a_team_scope_compares_its_agents(self):
        response, board = self.board(scope=f"team:{self.team.pk}")
        self.assertContains(response, f"/calls/?team={self.team.pk}&amp;date_from=2026-11-01&amp;date_to=2026-11-30")
        self.assertContains(response, f"/dashboard/?scope=agent%3A{self.agent3.pk}&amp;month=2026-11")
        rows = {row.code: row.stats.n for row in board.groups["agent"]}
        self.assertEqual(rows, {"E1": 4, "E3": 3})
        self.assertNotIn("team", board.groups)

    def test_the_random_sample_estimate_is_the_hajek_ratio_of_the_random_picks(self):
        response, board = self.board()
        n, mean, se = self.hajek(self.month_evaluations())
        self.assertEqual(board.random.n, n)
        self.assertEqual(n, 6)
        self.assertClose(board.random.mean, mean)
        self.assertClose(board.random.se, se)
        low, high = board.random.interval
        self.assertClose(low, max(0.0, mean - 1.959963984540054 * se))
        self.assertClose(high, min(100.0, mean + 1.959963984540054 * se))
        # By hand for the weights 2, 4, 10, 5, 2, 2.5 of the picks' π = .5, .25, .1, .2, .5, .4:
        totals = [100, 77.5, 35, 0, 85, 100]
        weights = [2, 4, 10, 5, 2, 2.5]
        self.assertClose(board.random.mean, sum(w * y for w, y in zip(weights, totals, strict=True)) / sum(weights))
        self.assertContains(response, f"{mean:.1f}")

    def test_targeted_evaluations_are_summarised_apart(self):
        _, board = self.board()
        targeted = [e for e in self.month_evaluations() if not (e.assignment and e.assignment.reason == "random")]
        self.assertEqual(board.targeted.n, 3)
        self.assertClose(board.targeted.mean, statistics.fmean(self.totals(targeted)))

    def test_call_kpis_sit_beside_qa(self):
        _, board = self.board()
        calls = list(Call.objects.filter(start_time__gte=MONTH.start, start_time__lt=MONTH.end))
        self.assertEqual(board.kpis["calls"], len(calls))
        self.assertClose(
            board.kpis["avg_handle"], statistics.fmean(c.talk_seconds + c.hold_seconds + c.acw_seconds for c in calls)
        )
        rated = [c.csat for c in calls if c.csat is not None]
        self.assertEqual(board.kpis["surveyed"], len(rated))
        self.assertClose(board.kpis["avg_csat"], statistics.fmean(rated))

    def test_qa_and_csat_relate_on_the_same_calls(self):
        _, board = self.board()
        pairs = [(float(e.total), e.call.csat) for e in self.month_evaluations() if e.call.csat is not None]
        self.assertEqual(board.correlation.n, len(pairs))
        self.assertClose(board.correlation.r, statistics.correlation(*zip(*pairs, strict=True)))
        by_value = {row.key: row.stats for row in board.by_csat}
        self.assertEqual(list(by_value), [1, 2, 3, 4, 5])
        fives = [t for t, c in pairs if c == 5]
        self.assertEqual(by_value[5].n, len(fives))
        self.assertClose(by_value[5].mean, statistics.fmean(fives))

    def test_the_feedback_sla_counts_evaluations_submitted_in_the_month_delivered_by_their_deadline(self):
        evaluations = self.month_evaluations()
        due = timezone.make_aware(dt.datetime(2026, 11, 25, 12))
        Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(
            submitted_at=due - dt.timedelta(hours=48), feedback_due_at=due, feedback_delivered_at=due
        )
        Evaluation.objects.filter(pk=evaluations[0].pk).update(feedback_delivered_at=due + dt.timedelta(minutes=1))
        Evaluation.objects.filter(pk=evaluations[1].pk).update(feedback_delivered_at=None, status="submitted")
        _, board = self.board()
        self.assertEqual(
            (board.feedback.due, board.feedback.met, board.feedback.late, board.feedback.waiting), (9, 7, 1, 1)
        )
        self.assertClose(board.feedback.share.rate, 7 / 9)

    def test_disputes_opened_and_overturned_in_the_month(self):
        evaluations = self.month_evaluations()
        in_month = timezone.make_aware(dt.datetime(2026, 11, 20, 9))
        for e, status in zip(
            evaluations[:3], (DisputeStatus.ADJUSTED, DisputeStatus.UPHELD, DisputeStatus.OPEN), strict=True
        ):
            d = Dispute.objects.create(evaluation=e, raised_by=self.agent_user, reason="I disagree", status=status)
            resolved = None if status == DisputeStatus.OPEN else in_month + dt.timedelta(days=1)
            Dispute.objects.filter(pk=d.pk).update(raised_at=in_month, resolved_at=resolved)
        _, board = self.board()
        d = board.disputes
        self.assertEqual((d.opened, d.resolved, d.adjusted, d.still_open), (3, 2, 1, 1))
        self.assertClose(d.overturned.rate, 0.5)

    def test_quota_progress_shows_the_lines_of_the_month(self):
        _, board = self.board()
        self.assertEqual({row.code for row in board.quota}, {"billing", "sales"})
        _, board = self.board(scope=f"line:{self.sales.pk}")
        self.assertEqual([row.code for row in board.quota], ["sales"])

    def test_an_agent_scope_drills_down_to_that_agents_calls_and_evaluations(self):
        response, board = self.board(scope=f"agent:{self.agent3.pk}")
        self.assertEqual(board.summary.n, 3)
        self.assertContains(response, "/evaluations/?kind=regular&amp;status=scored&amp;agent=E3&amp;month=2026-11")
        self.assertContains(response, "/calls/?agent=E3&amp;date_from=2026-11-01&amp;date_to=2026-11-30")

    def test_every_mean_on_the_page_shows_its_n(self):
        response, board = self.board()
        self.assertContains(response, f"n = {board.summary.n}")
        self.assertContains(response, f"n = {board.random.n}")

    def test_intervals_need_two_evaluations(self):
        _, board = self.board(scope=f"team:{self.other_team.pk}")
        rows = {row.key: row.stats for row in board.groups["shift"]}
        self.assertEqual(rows["night"].n, 1)
        self.assertIsNone(rows["night"].interval)
        self.assertFalse(math.isnan(board.summary.mean))
