"""Calibration scores never count (DESIGN.md §4, issue 9): a session's scores of an agent's calls,
however low, change neither the agent's monthly QA average and performance score, nor their
monitoring tier, nor the dashboard's average."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from planning.models import AgentTier
from planning.periods import monday
from planning.services import plan as plan_svc
from reports.selectors.performance import month_results, period_of
from scoring import services
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item
from tests.scoring.factories import FULL_MARKS, ScoringPersonas, make_evaluation

ZERO = {**FULL_MARKS, "correct_information": 0}  # a failed critical item zeroes the score


class CalibrationExcludedTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.localtime()
        cls.when = now - dt.timedelta(days=8)
        calls = [f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=cls.when) for _ in range(3)]
        cls.regular = [make_evaluation(call=c, by=cls.qa, values=FULL_MARKS) for c in calls[:2]]
        # The third call, and the first one too, are calibrated: everyone fails them.
        session = make_session(by=cls.manager, calls=[calls[0], calls[2]], participants=[cls.qa2, cls.trainer])
        for item in session.items.all():
            for person in (cls.qa2, cls.trainer):
                score_item(item, person, ZERO)
        services.calibration_reveal(session=session, by=cls.manager)
        cls.session = session

    def test_the_monthly_figures_count_only_regular_scores(self):
        result = next(r for r in month_results(period_of(self.when.date())) if r.employee_id == "E1")
        self.assertEqual((result.evaluations, result.qa_average), (2, Decimal("100.0")))

    def test_the_tier_counts_only_regular_scores(self):
        week = monday(self.when.date()) + dt.timedelta(weeks=1)
        plan_svc.agent_tiers_refresh(week_start=week)
        tier = AgentTier.objects.get(agent=self.agent, week_start=week)
        self.assertEqual((tier.evaluations, tier.average), (2, Decimal("100.0")))

    def test_the_agent_never_sees_a_calibration_score(self):
        self.client.force_login(self.agent_user)
        listed = self.client.get("/api/v1/evaluations/").json()["results"]
        self.assertEqual({e["id"] for e in listed}, {e.pk for e in self.regular})
