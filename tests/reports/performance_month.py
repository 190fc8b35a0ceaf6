"""A constructed month for the performance score, export and close tests: last month (so it can
be closed) and the month before it, scored through scoring's services.

Answer sets on the worked-example scorecard, with their totals:
    WORKED 77.5 · PERFECT 100 · EIGHTY 80 · CRITICAL 0 (critical failure)

Last month (`MONTH`), by hand (the default setup: QA 40, CSAT 20, handle time 20 against 360 s,
after-call work 10 against 60 s, attendance imported 10):

- agent (E1, Li Na, Team A): three calls — talk/hold/ACW 300/0/40 CSAT 5 (scored PERFECT),
  400/20/80 CSAT 4 (scored WORKED), 380/0/60 no survey (not scored); attendance 95.0.
    QA average (100 + 77.5) / 2 = 88.75 → 88.75 points × 0.4 = 35.5
    CSAT (5 + 4) / 2 = 4.5 → (4.5 − 1) / 4 × 100 = 87.5 × 0.2 = 17.5
    handle time (340 + 500 + 440) / 3 = 426.67 s → (720 − 426.67) / 360 × 100 = 81.48 × 0.2 = 16.30
    after-call work (40 + 80 + 60) / 3 = 60 s → 100 × 0.1 = 10
    attendance 95 × 0.1 = 9.5
    total 88.796 → 88.8 → "Good" (from 80) × 1.00
- other_agent (E2, Wang Wei, Team B): one call 240/0/0, no survey (scored WORKED); no attendance.
    CSAT and attendance drop out: the remaining weights add up to 40 + 20 + 10 = 70.
    (77.5 × 40 + 100 × 20 + 100 × 10) / 70 = 6100 / 70 = 87.14 → 87.1 → "Good" × 1.00
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from monitoring.models import Call
from monitoring.selectors import Period
from reports.models import ComponentValue, PerformanceComponent
from scoring.formula import NA
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, make_evaluation

PERFECT = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
EIGHTY = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 0}
CRITICAL = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": NA, "correct_information": 0, "resolved": 1}


def this_month() -> Period:
    today = timezone.localdate()
    return Period(today.year, today.month)


def months_ago(n: int) -> Period:
    period = this_month()
    for _ in range(n):
        period = period.previous
    return period


MONTH = months_ago(1)
BEFORE = months_ago(2)


def at(period: Period, day: int = 10, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, hour, 15))


class PerformanceMonth(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The personas' own calls are "yesterday", which may be last month: keep them out of it.
        Call.objects.filter(pk__in=[cls.call.pk, cls.other_call.pk]).update(start_time=timezone.now())
        cls.call1 = cls.make_call(cls.agent, talk=300, acw=40, csat=5)
        cls.call2 = cls.make_call(cls.agent, talk=400, hold=20, acw=80, csat=4, day=12)
        cls.call3 = cls.make_call(cls.agent, talk=380, acw=60, day=14)
        cls.other_call1 = cls.make_call(cls.other_agent, talk=240)
        cls.eval1 = make_evaluation(call=cls.call1, by=cls.qa, values=PERFECT)
        cls.eval2 = make_evaluation(call=cls.call2, by=cls.qa, values=WORKED_ANSWERS)
        cls.other_eval = make_evaluation(call=cls.other_call1, by=cls.qa, values=WORKED_ANSWERS)
        cls.attendance = PerformanceComponent.objects.get(code="attendance")
        ComponentValue.objects.create(
            component=cls.attendance, agent=cls.agent, month=dt.date(MONTH.year, MONTH.month, 1), value=Decimal("95.0")
        )

    @staticmethod
    def make_call(agent, *, talk, hold=0, acw=0, csat=None, period=None, day=10):
        return f.CallFactory(
            agent=agent,
            line_of_business=agent.team.lines_of_business.first(),
            start_time=at(period or MONTH, day),
            talk_seconds=talk,
            hold_seconds=hold,
            acw_seconds=acw,
            csat=csat,
        )
