"""A constructed month for the evaluator appraisal tests: November 2026, built through the real
services at fixed times (time-machine), read on 5 December 2026.

Evaluator A (`qa`, on time and lenient) and evaluator B (`qa2`, late and strict):

    A  a1 due 6th, done 5th (12 min) FULL 100 ·  a2 due 10th, done 9th (8 min) WORKED 77.5, disputed
       a3 due 17th, done 16th (20 min)        ·  a4 due 20th, done 21st (10 min): late
       a5 no assignment, 5 hours open (left out of scoring time)
       double-scores B's b1: 85 against 77.5 (due 12th, done 11th, 9 min)
    B  b1 due 6th, done 7th (15 min) WORKED 77.5, feedback late · b2 due 13th, done 14th (25 min),
       feedback never delivered · b3 due 25th, never done · b4 cancelled
       double-scores A's a1: 85 against 100 (due 8th, done 7th, 10 min)
       re-scores the dispute of a2 blind (100, 15 min) and adjusts it: A overturned
    Calibration, closed 19th: three calls, consensus 96.3 (empathy 3; 96.25 rounded); A 100
    (+3.7), B 62.5 (−33.8), the trainer the consensus itself.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from monitoring.models import AssignmentStatus
from monitoring.selectors import Period
from scoring import services
from scoring.models import Evaluation
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item, session_calls
from tests.scoring.factories import FULL_MARKS, WORKED_ANSWERS, ScoringPersonas, answer_inputs

MONTH = Period(2026, 11)
STRICT = {**FULL_MARKS, "greeting": 0}  # 85
CONSENSUS = {**FULL_MARKS, "empathy": 3}  # 96.25 → 96.3
STRICT_CALIBRATION = {**FULL_MARKS, "greeting": 0, "closing": 0, "empathy": 2}  # 62.5


def at(day: int, hour: int, minute: int = 0, period: Period = MONTH) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, hour, minute))


NOW = at(5, 10, period=Period(2026, 12))


def travel(when: dt.datetime):
    return time_machine.travel(when, tick=False)


class FrozenPersonas(ScoringPersonas):
    """The personas, with the clock at NOW for the whole class (data and requests)."""

    @classmethod
    def setUpClass(cls):
        cls._clock = travel(NOW)
        cls._clock.start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._clock.stop()


def call_on(cls, day: int):
    return f.CallFactory(agent=cls.agent, line_of_business=cls.lob, start_time=at(day, 9))


def assign(cls, user, *, due: dt.datetime, reason: str = "random", call=None, status=AssignmentStatus.OPEN):
    call = call or call_on(cls, due.day - 3 if due.day > 3 else 1)
    return f.AssignmentFactory(call=call, evaluator=user, reason=reason, due_at=due, status=status)


def scored(
    cls, user, *, start: dt.datetime, minutes: float, values, assignment=None, call=None, deliver: bool = True
) -> Evaluation:
    """`user` opens the evaluation at `start` and submits it `minutes` later."""
    with travel(start):
        if assignment is not None:
            evaluation = services.evaluation_start_from_assignment(assignment=assignment, by=user)
        else:
            evaluation = services.evaluation_start(call=call, by=user, version=cls.version)
    with travel(start + dt.timedelta(minutes=minutes)):
        services.evaluation_submit(
            evaluation=evaluation, by=user, answers=answer_inputs(cls.version, values), deliver_feedback=deliver
        )
    evaluation.refresh_from_db()
    return evaluation


def build_month(cls) -> None:
    A, B = cls.qa, cls.qa2
    cls.A, cls.B = A, B
    # A: on time but one, feedback delivered with the score.
    cls.a1 = scored(cls, A, assignment=assign(cls, A, due=at(6, 18)), start=at(5, 10), minutes=12, values=FULL_MARKS)
    cls.a2 = scored(
        cls, A, assignment=assign(cls, A, due=at(10, 18)), start=at(9, 14), minutes=8, values=WORKED_ANSWERS
    )
    scored(cls, A, assignment=assign(cls, A, due=at(17, 18)), start=at(16, 9), minutes=20, values=FULL_MARKS)
    scored(cls, A, assignment=assign(cls, A, due=at(20, 18)), start=at(21, 10), minutes=10, values=FULL_MARKS)
    scored(cls, A, call=call_on(cls, 22), start=at(23, 9), minutes=300, values=FULL_MARKS)
    # B: late, feedback late or never.
    b1 = scored(
        cls, B, assignment=assign(cls, B, due=at(6, 18)), start=at(7, 10), minutes=15, values=WORKED_ANSWERS,
        deliver=False,
    )  # fmt: skip
    with travel(at(7, 16)):
        services.evaluation_deliver_feedback(evaluation=b1, by=B)
    scored(
        cls, B, assignment=assign(cls, B, due=at(13, 18)), start=at(14, 9), minutes=25, values=FULL_MARKS,
        deliver=False,
    )  # fmt: skip
    assign(cls, B, due=at(25, 18))  # never done
    assign(cls, B, due=at(18, 18), status=AssignmentStatus.CANCELLED)
    assign(cls, B, due=at(3, 18, period=Period(2026, 12)))  # December's work
    # Two double-scored pairs, one each way.
    double_b = assign(cls, B, due=at(8, 18), reason="double_scoring", call=cls.a1.call)
    scored(cls, B, assignment=double_b, start=at(7, 11), minutes=10, values=STRICT)
    double_a = assign(cls, A, due=at(12, 18), reason="double_scoring", call=b1.call)
    scored(cls, A, assignment=double_a, start=at(11, 9), minutes=9, values=STRICT)
    # The agent disputes a2; B re-scores it blind and adjusts it.
    with travel(at(12, 10)):
        cls.dispute = services.evaluation_dispute(evaluation=cls.a2, by=cls.agent_user, reason="The greeting was said.")
    review = B.assignments.get(reason="dispute_review", call=cls.a2.call)
    scored(cls, B, assignment=review, start=at(13, 9), minutes=15, values=FULL_MARKS)
    with travel(at(13, 9, 20)):
        services.evaluation_resolve_dispute(
            evaluation=cls.a2, by=B, outcome="adjusted", reason="The re-score found every point earned."
        )
    # A calibration session closed on the 19th.
    with travel(at(18, 10)):
        session = make_session(by=cls.manager, calls=session_calls(cls), participants=[A, B, cls.trainer])
        for item in session.items.all():
            score_item(item, A, FULL_MARKS)
            score_item(item, B, STRICT_CALIBRATION)
            score_item(item, cls.trainer, CONSENSUS)
        services.calibration_reveal(session=session, by=cls.manager)
        for item in session.items.all():
            services.calibration_record_consensus(
                item=item, by=cls.manager, answers=answer_inputs(item.version, CONSENSUS), notes="Empathy is a 3."
            )
    with travel(at(19, 16)):
        services.calibration_close(session=session, by=cls.manager)
    cls.session = session


class AppraisalMonth(FrozenPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_month(cls)
