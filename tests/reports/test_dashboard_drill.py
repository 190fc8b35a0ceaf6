"""Every figure on the dashboard links to the rows behind it: following a link lists exactly as
many evaluations (or calls) as the figure counts, and the ones it counts (computed here from the
constructed month, independently of the filters)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from scoring.models import Answer, Dispute, DisputeStatus
from tests.reports.dashboard_month import MONTH, PREVIOUS, DashboardMonth

URL = "/dashboard/"


class DashboardDrillDownTests(DashboardMonth):
    def page(self, **params):
        self.client.force_login(self.manager)
        response = self.client.get(URL, {"month": MONTH.label, **params})
        self.assertEqual(response.status_code, 200)
        return response.context

    def listed(self, url: str) -> set[int]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return {e.pk for e in response.context["page"].paginator.object_list}

    def counted(self, evaluations) -> set[int]:
        return {e.pk for e in evaluations}

    def test_the_average_links_to_the_months_evaluations_and_no_others(self):
        context = self.page()
        self.assertEqual(self.listed(context["links"]["evaluations"]), self.counted(self.month_evaluations()))

    def test_each_comparison_row_links_to_its_groups_evaluations(self):
        context = self.page()
        evaluations = self.month_evaluations()
        keys = {
            "team": lambda e: e.agent.team_id,
            "line": lambda e: e.call.line_of_business.code,
            "shift": lambda e: e.call.shift.code,
            "direction": lambda e: e.call.direction,
            "service_type": lambda e: e.call.service_type,
            "method": lambda e: e.method,
        }
        seen = set()
        for comparison in context["comparisons"]:
            key = keys.get(comparison["key"])
            if key is None:
                continue
            seen.add(comparison["key"])
            for entry in comparison["rows"]:
                row = entry["row"]
                expected = {e.pk for e in evaluations if key(e) == row.key}
                listed = self.listed(entry["links"]["evaluations"])
                self.assertEqual(listed, expected, (comparison["key"], row.key))
                self.assertEqual(len(listed), row.stats.n)
        self.assertEqual(seen, set(keys))

    def test_an_agent_row_links_to_that_agents_evaluations_of_the_month(self):
        context = self.page(scope=f"team:{self.team.pk}")
        rows = next(c for c in context["comparisons"] if c["key"] == "agent")["rows"]
        for entry in rows:
            expected = {e.pk for e in self.month_evaluations() if e.agent_id == entry["row"].key}
            self.assertEqual(self.listed(entry["links"]["evaluations"]), expected)

    def test_a_pareto_bar_links_to_the_evaluations_that_lost_points_there(self):
        context = self.page()
        evaluations = self.month_evaluations()
        for row, item in context["pareto_criterion"]["pairs"]:
            losing = Answer.objects.filter(
                evaluation__in=evaluations,
                criterion__text=row["criterion__text"],
                criterion__section__version__scorecard_id=row["criterion__section__version__scorecard_id"],
                is_na=False,
            ).select_related("criterion")
            expected = {a.evaluation_id for a in losing if a.value is not None and a.value < a.criterion.scale_max}
            self.assertEqual(self.listed(item.href), expected, row["label"])
        for row, item in context["pareto_category"]["pairs"]:
            losing = Answer.objects.filter(
                evaluation__in=evaluations, criterion__category=row["criterion__category"], is_na=False
            ).select_related("criterion")
            expected = {a.evaluation_id for a in losing if a.value is not None and a.value < a.criterion.scale_max}
            self.assertEqual(self.listed(item.href), expected, row["label"])

    def test_a_score_band_links_to_the_evaluations_in_it(self):
        context = self.page()
        totals = {e.pk: float(e.total) for e in self.month_evaluations()}
        for (low, high, count), item in context["distribution_rows"]:
            inside = {pk for pk, t in totals.items() if low <= t < high or (high == 100 and t == 100)}
            self.assertEqual(self.listed(item.href), inside, item.label)
            self.assertEqual(len(inside), count)

    def test_the_random_and_targeted_figures_link_to_their_picks(self):
        context = self.page()
        by_call = {i: spec for i, spec in enumerate(self.specs)}
        random = {e.pk for i, e in enumerate(self.evaluations) if by_call[i][7] == "random"}
        self.assertEqual(self.listed(context["links"]["random"]), random)
        self.assertEqual(len(random), context["board"].random.n)
        targeted = self.listed(context["links"]["targeted"])
        self.assertEqual(targeted, self.counted(self.month_evaluations()) - random)
        self.assertEqual(len(targeted), context["board"].targeted.n)

    def test_the_critical_failures_link_lists_them(self):
        context = self.page()
        failed = {e.pk for e in self.month_evaluations() if e.critical_failed}
        self.assertEqual(self.listed(context["links"]["critical"]), failed)
        self.assertEqual(len(failed), context["board"].critical.k)

    def test_the_trend_links_each_month_to_its_evaluations(self):
        context = self.page()
        for point, item in context["trend_rows"]:
            listed = self.listed(item.href)
            self.assertEqual(len(listed), point.stats.n, point.period.label)
            if point.period == PREVIOUS:
                self.assertEqual(listed, self.counted(self.october))

    def test_feedback_waiting_and_disputes_link_to_the_evaluations_they_count(self):
        in_month = timezone.make_aware(dt.datetime(2026, 11, 20, 9))
        evaluations = self.month_evaluations()
        for e, status in zip(evaluations[:2], (DisputeStatus.ADJUSTED, DisputeStatus.OPEN), strict=True):
            d = Dispute.objects.create(evaluation=e, raised_by=self.agent_user, reason="I disagree", status=status)
            resolved = None if status == DisputeStatus.OPEN else in_month
            Dispute.objects.filter(pk=d.pk).update(raised_at=in_month, resolved_at=resolved)
        context = self.page()
        board = context["board"]
        self.assertEqual(len(self.listed(context["links"]["disputed"])), board.disputes.opened)
        self.assertEqual(self.listed(context["links"]["resolved"]), {evaluations[0].pk})
        waiting = self.listed(context["links"]["feedback_waiting"])
        self.assertEqual(len(waiting), board.feedback.waiting)

    def test_a_supervisors_links_stay_in_their_teams(self):
        self.client.force_login(self.supervisor)
        context = self.client.get(URL, {"month": MONTH.label}).context
        teams = Counter(e.agent.team_id for e in self.month_evaluations())
        self.assertEqual(len(self.listed(context["links"]["evaluations"])), teams[self.team.pk])
