"""What the dispute tests share (issue 9): the original evaluation's answers, the reviewer's
assignment, and a base class that disputes a score and makes evaluators calibrated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from monitoring.models import Assignment, AssignmentReason
from scoring import services
from scoring.models import CalibrationSession, SessionStatus
from tests import factories as f
from tests.scoring.calibration_helpers import make_session, score_item
from tests.scoring.factories import WORKED_ANSWERS, ScoringPersonas, make_evaluation

# The original scores "resolved" No: 57.5 (the worked example, S3 at 0.5); the blind re-score
# answers it Yes: 77.5.
ORIGINAL = {**WORKED_ANSWERS, "resolved": 0}


def review_assignment(call, user) -> Assignment:
    return Assignment.objects.get(call=call, evaluator=user, reason=AssignmentReason.DISPUTE_REVIEW)


class DisputeReviewBase(ScoringPersonas):
    """qa scores by default; qa2 is the other QA auditor; `calibrate(user)` makes someone
    calibrated (submitted scores in a session closed `days_ago`)."""

    def calibrate(self, *users, days_ago: int = 10, submit: bool = True) -> CalibrationSession:
        calls = [f.CallFactory(agent=self.other_agent, line_of_business=self.lob) for _ in range(2)]
        session = make_session(by=self.manager, calls=calls, participants=[self.manager, *users])
        for item in session.items.all():
            for user in users:
                score_item(item, user, submit=submit)
        CalibrationSession.objects.filter(pk=session.pk).update(
            status=SessionStatus.CLOSED, closed_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        return session

    def disputed(self, *, by=None, call=None, values=None, reason="I did resolve the customer's problem.", **kw):
        evaluation = make_evaluation(call=call or self.call, by=by or self.qa, values=values or ORIGINAL, **kw)
        services.evaluation_dispute(evaluation=evaluation, by=self.agent_user, reason=reason)
        evaluation.refresh_from_db()
        return evaluation
