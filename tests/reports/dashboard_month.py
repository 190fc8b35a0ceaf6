"""A constructed month for the dashboard tests: November 2026 (and a little of October), two
teams, two lines of business, two shifts, random picks with known inclusion probabilities and
targeted evaluations, all scored through scoring's services.

Team A (led by `supervisor`): agent (E1), agent3 (E3); Team B (led by `other_supervisor`):
other_agent (E2). Billing (the personas' line, worked-example scorecard) and Sales (its own copy).

Answer sets on the worked-example scorecard, with their totals:
    WORKED 77.5 · PERFECT 100 · WEAK 35 · GOOD 85 · CRITICAL 0 (critical failure) · MIXED 65
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict

from django.utils import timezone
from scipy import stats

from monitoring.models import Assignment
from monitoring.selectors import Period
from scoring.formula import NA
from scoring.models import Answer, Evaluation
from tests import factories as f
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, make_evaluation, make_scorecard_version

MONTH = Period(2026, 11)
PREVIOUS = Period(2026, 10)

PERFECT = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
WEAK = {"greeting": 0, "closing": 0, "empathy": 2, "clarity": 2, "correct_information": 1, "resolved": 0}
GOOD = {"greeting": 1, "closing": 1, "empathy": 3, "clarity": 1, "correct_information": 1, "resolved": 1}
CRITICAL = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": NA, "correct_information": 0, "resolved": 1}
MIXED = {"greeting": 1, "closing": 0, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 0}


def at(period: Period, day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, hour, 15))


def interval(values: list[float]) -> tuple[float, float]:
    """The 95 % Student's t interval of the mean, clamped to 0–100, computed here from scratch."""
    n = len(values)
    half = stats.t.ppf(0.975, n - 1) * statistics.stdev(values) / math.sqrt(n)
    mean = statistics.fmean(values)
    return max(0.0, mean - half), min(100.0, mean + half)


class DashboardMonth(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sales = f.LineOfBusinessFactory(code="sales", name="Sales")
        cls.team.lines_of_business.add(cls.sales)
        cls.sales_version = make_scorecard_version(lines_of_business=cls.sales, name="Sales QA")
        cls.day = f.ShiftFactory(code="day", name="Day", start=dt.time(8), end=dt.time(20))
        cls.night = f.ShiftFactory(code="night", name="Night", start=dt.time(20), end=dt.time(8))
        cls.agent3 = f.AgentFactory(employee_id="E3", name="Zhao Lei", team=cls.team)
        cls.trainer_user = cls.trainer
        # (agent, line, shift, direction, service type, csat, answers, pick, inclusion probability)
        A, B, C = cls.agent, cls.other_agent, cls.agent3
        bill, sales = cls.lob, cls.sales
        cls.specs = [
            (A, bill, cls.day, "inbound", "billing question", 5, PERFECT, "random", 0.5),
            (A, bill, cls.day, "inbound", "billing question", 4, WORKED_ANSWERS, "random", 0.25),
            (A, sales, cls.night, "outbound", "renewal", 2, WEAK, "random", 0.1),
            (A, bill, cls.night, "inbound", "refund", None, GOOD, "coaching", None),
            (C, bill, cls.day, "inbound", "refund", 1, CRITICAL, "random", 0.2),
            (C, sales, cls.day, "outbound", "renewal", 3, MIXED, None, None),
            (C, bill, cls.day, "inbound", "billing question", 5, GOOD, "random", 0.5),
            (B, bill, cls.night, "inbound", "billing question", 4, PERFECT, "random", 0.4),
            (B, bill, cls.day, "inbound", "refund", 3, WEAK, "manual", None),
        ]
        cls.evaluations = []
        for index, (agent, line, shift, direction, service, csat, answers, pick, p) in enumerate(cls.specs):
            call = f.CallFactory(
                agent=agent,
                line_of_business=line,
                shift=shift,
                direction=direction,
                service_type=service,
                csat=csat,
                start_time=at(MONTH, 2 + index, 21 if shift is cls.night else 10),
                talk_seconds=200 + 10 * index,
                hold_seconds=5 * index,
                acw_seconds=30 + index,
                nps=index % 11,
                external_id=f"NOV-{index}",
            )
            if pick:
                f.AssignmentFactory(call=call, evaluator=cls.qa, reason=pick, inclusion_probability=p)
            version = cls.version if line is bill else cls.sales_version
            cls.evaluations.append(make_evaluation(call=call, by=cls.qa, version=version, values=answers))
        # October: two evaluations of Team A for the trend.
        cls.october = []
        for index, answers in enumerate((PERFECT, MIXED)):
            call = f.CallFactory(
                agent=cls.agent, line_of_business=bill, shift=cls.day, start_time=at(PREVIOUS, 10 + index, 10)
            )
            cls.october.append(make_evaluation(call=call, by=cls.qa, version=cls.version, values=answers))
        # A call of the month with no evaluation, and a calibration evaluation that never counts.
        f.CallFactory(agent=cls.agent, line_of_business=bill, start_time=at(MONTH, 20, 10), csat=1)
        calibration_call = f.CallFactory(agent=cls.agent, line_of_business=bill, start_time=at(MONTH, 21, 10))
        make_evaluation(call=calibration_call, by=cls.qa2, version=cls.version, values=CRITICAL, kind="calibration")

    # --- independent computations over what the database holds ---------------------------------

    def month_evaluations(self, *, team=None) -> list[Evaluation]:
        qs = Evaluation.objects.filter(
            kind="regular", call__start_time__gte=MONTH.start, call__start_time__lt=MONTH.end
        ).select_related("call", "call__shift", "agent")
        if team is not None:
            qs = qs.filter(agent__team=team)
        return list(qs)

    @staticmethod
    def totals(evaluations) -> list[float]:
        return [float(e.total) for e in evaluations]

    @staticmethod
    def by(evaluations, key) -> dict:
        groups = defaultdict(list)
        for e in evaluations:
            groups[key(e)].append(float(e.total))
        return groups

    @staticmethod
    def hajek(evaluations) -> tuple[int, float, float]:
        """n, Σ(y/π)/Σ(1/π) and its linearised standard error, from each evaluation's assignment."""
        picks = []
        for e in evaluations:
            a = Assignment.objects.filter(pk=e.assignment_id).first()
            if a is not None and a.reason == "random" and a.inclusion_probability:
                picks.append((float(e.total), 1 / a.inclusion_probability))
        sw = sum(w for _, w in picks)
        mean = sum(w * y for y, w in picks) / sw
        se = math.sqrt(sum(w * w * (y - mean) ** 2 for y, w in picks)) / sw
        return len(picks), mean, se

    @staticmethod
    def lost_by_criterion(evaluations) -> list[tuple[str, float]]:
        """(criterion · scorecard, points lost) largest first: a scale answer v of k loses
        points × (k − v) / k, N/A nothing."""
        lost = defaultdict(float)
        answers = Answer.objects.filter(evaluation__in=evaluations).select_related(
            "criterion__section__version__scorecard"
        )
        for answer in answers:
            if answer.is_na or answer.value is None:
                continue
            c = answer.criterion
            lost[f"{c.text} · {c.section.version.scorecard.name}"] += (
                c.points * (c.scale_max - answer.value) / c.scale_max
            )
        return sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))
