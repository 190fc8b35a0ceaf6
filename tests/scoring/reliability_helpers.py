"""Double-scored pairs for tests, built through the services (the real paths): a regular
evaluation, a double-scoring assignment to a second evaluator and their blind, submitted score."""

from __future__ import annotations

from scoring import services
from scoring.models import Evaluation
from tests import factories as f
from tests.scoring.factories import answer_inputs, make_evaluation

FULL = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}
# Answer sets and their totals on the worked-example scorecard (S1 30, S2 30, S3 40).
ANSWERS = {
    100.0: FULL,
    85.0: {**FULL, "greeting": 0},  # S1 0.5 → −15
    92.5: {**FULL, "empathy": 3, "clarity": 3},  # S2 0.75 → −7.5
    80.0: {**FULL, "resolved": 0},  # S3 0.5 → −20
    70.0: {**FULL, "greeting": 0, "closing": 0},  # S1 0 → −30
    77.5: {**FULL, "closing": 0, "empathy": 3, "clarity": 3},  # −15 − 7.5
}


def make_pair(personas, first_total: float, second_total: float, *, second_by=None, submitted_at=None):
    """(first, second) evaluations of a new call of `personas.agent`: the first by `qa`, the second
    (default `qa2`) scored blind from a double-scoring assignment, submitted at `submitted_at`
    (default now)."""
    call = f.CallFactory(agent=personas.agent, line_of_business=personas.lob)
    first = make_evaluation(call=call, by=personas.qa, version=personas.version, values=ANSWERS[first_total])
    by = second_by or personas.qa2
    assignment = f.AssignmentFactory(call=call, evaluator=by, reason="double_scoring")
    second = services.evaluation_start_from_assignment(assignment=assignment, by=by)
    services.evaluation_submit(evaluation=second, by=by, answers=answer_inputs(personas.version, ANSWERS[second_total]))
    if submitted_at is not None:
        Evaluation.objects.filter(pk=second.pk).update(submitted_at=submitted_at)
    second.refresh_from_db()
    return first, second
