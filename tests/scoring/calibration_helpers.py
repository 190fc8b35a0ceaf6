"""A calibration session for tests, built through the services (the real paths)."""

from __future__ import annotations

import datetime as dt

from scoring import services
from scoring.models import CalibrationSession, Evaluation
from tests import factories as f
from tests.scoring.factories import FULL_MARKS, answer_inputs


def make_session(*, by, calls, participants, title="Week 47 calibration", open_scoring=True) -> CalibrationSession:
    session = services.calibration_session_create(
        by=by, title=title, week_start=dt.date(2026, 11, 16), calls=calls, participants=participants
    )
    if open_scoring:
        session = services.calibration_session_open(session=session, by=by)
    return session


def score_item(item, by, values=None, *, submit=True) -> Evaluation:
    """`by`'s evaluation of the session's call, answered with `values` (full marks by default)."""
    evaluation = services.calibration_start_scoring(item=item, by=by)
    services.evaluation_save_draft(
        evaluation=evaluation, by=by, answers=answer_inputs(item.version, values or FULL_MARKS)
    )
    if submit:
        services.evaluation_submit(evaluation=evaluation, by=by)
    evaluation.refresh_from_db()
    return evaluation


def session_calls(personas, n=3):
    return [f.CallFactory(agent=personas.agent, line_of_business=personas.lob) for _ in range(n)]
