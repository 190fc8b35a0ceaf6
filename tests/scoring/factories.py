"""Scorecards and evaluations for tests, built through the services (the real paths).

`make_scorecard_version()` builds the DESIGN.md §2 worked example, published:

    S1 Etiquette 30      greeting yes/no 5, closing yes/no 5
    S2 Communication 30  empathy scale 0–4 10 (N/A allowed), clarity scale 0–4 10 (N/A allowed)
    S3 Resolution 40     correct information yes/no 10 (critical), resolved yes/no 10

`criteria(version)` gives its criteria by key (greeting, closing, empathy, clarity,
correct_information, resolved); `WORKED_ANSWERS` are the example's answers (total 77.5).
"""

from __future__ import annotations

import itertools

from rest_framework.test import APIClient

from monitoring.models import Assignment, AssignmentReason
from scoring import services
from scoring.formula import NA
from scoring.models import Criterion, Evaluation, ScorecardVersion
from tests import factories as f
from tests.personas import Personas

WORKED_EXAMPLE = {
    "sections": [
        {
            "title": "Etiquette",
            "weight": 30,
            "criteria": [
                {"text": "Greeting", "kind": "yes_no", "points": 5, "category": "etiquette"},
                {"text": "Closing", "kind": "yes_no", "points": 5, "category": "etiquette"},
            ],
        },
        {
            "title": "Communication",
            "weight": 30,
            "criteria": [
                {
                    "text": "Empathy",
                    "kind": "scale",
                    "scale_max": 4,
                    "points": 10,
                    "allow_na": True,
                    "category": "communication",
                },
                {
                    "text": "Clarity",
                    "kind": "scale",
                    "scale_max": 4,
                    "points": 10,
                    "allow_na": True,
                    "category": "communication",
                },
            ],
        },
        {
            "title": "Resolution",
            "weight": 40,
            "criteria": [
                {
                    "text": "Correct information",
                    "kind": "yes_no",
                    "points": 10,
                    "critical": True,
                    "category": "knowledge",
                },
                {"text": "Resolved", "kind": "yes_no", "points": 10, "category": "resolution"},
            ],
        },
    ]
}

# The worked example's answers: S1 0.5, S2 0.75, S3 1.0 → 77.5.
WORKED_ANSWERS = {
    "greeting": 1,
    "closing": 0,
    "empathy": 3,
    "clarity": NA,
    "correct_information": 1,
    "resolved": 1,
}

# Every point earned (total 100).
FULL_MARKS = {"greeting": 1, "closing": 1, "empathy": 4, "clarity": 4, "correct_information": 1, "resolved": 1}

_names = itertools.count(1)


def make_scorecard_version(
    *,
    structure: dict | None = None,
    lines_of_business=(),
    name: str | None = None,
    critical_zeroes: bool = True,
    by=None,
) -> ScorecardVersion:
    """A published scorecard version (the worked example unless `structure` is given), linked to
    `lines_of_business` (a LineOfBusiness or an iterable of them)."""
    if hasattr(lines_of_business, "pk"):
        lines_of_business = [lines_of_business]
    scorecard = services.scorecard_create(
        name=name or f"Scorecard {next(_names)}", lines_of_business=lines_of_business, by=by
    )
    draft = scorecard.versions.get()
    services.scorecard_draft_save(
        version=draft, structure={**(structure or WORKED_EXAMPLE), "critical_zeroes": critical_zeroes}, by=by
    )
    return services.scorecard_publish(version=draft, by=by)


def flat_structure(n_criteria: int) -> dict:
    """One section of `n_criteria` yes/no criteria worth 1 point each (for size-independence tests)."""
    criteria = [{"text": f"Criterion {i + 1}", "kind": "yes_no", "points": 1} for i in range(n_criteria)]
    return {"sections": [{"title": "All", "weight": 100, "criteria": criteria}]}


def key(text: str) -> str:
    return text.lower().replace(" ", "_")


def criteria(version: ScorecardVersion) -> dict[str, Criterion]:
    """The version's criteria by key: "Correct information" → "correct_information"."""
    return {key(c.text): c for c in Criterion.objects.filter(section__version=version)}


def answers_payload(version: ScorecardVersion, values: dict[str, int | str | None], **extra) -> list[dict]:
    """API answers for `values` ({key: value | "na" | None}); `extra` is added to each answer."""
    by_key = criteria(version)
    return [{"criterion": by_key[k].pk, "value": v, **extra} for k, v in values.items()]


def answer_inputs(version: ScorecardVersion, values: dict[str, int | str | None]) -> list[services.AnswerInput]:
    return services.parse_answers(answers_payload(version, values))


def make_evaluation(
    *,
    call,
    by,
    version: ScorecardVersion | None = None,
    values: dict[str, int | str | None] | None = None,
    submit: bool = True,
    deliver_feedback: bool = True,
    kind: str = "regular",
) -> Evaluation:
    """An evaluation of `call` by `by`, answered with `values` (default: the worked example),
    submitted and delivered unless told otherwise."""
    evaluation = services.evaluation_start(call=call, by=by, kind=kind, version=version)
    values = WORKED_ANSWERS if values is None else values
    if values:
        services.evaluation_save_draft(evaluation=evaluation, by=by, answers=answer_inputs(evaluation.version, values))
    if submit:
        services.evaluation_submit(evaluation=evaluation, by=by, deliver_feedback=deliver_feedback)
    evaluation.refresh_from_db()
    return evaluation


def rescore_dispute(evaluation: Evaluation, answers: list[services.AnswerInput] | None = None) -> Evaluation:
    """The reviewer of `evaluation`'s open dispute opens their re-score assignment and submits the
    blind re-score: `answers`, by default the disputed evaluation's own values (no comments)."""
    dispute = evaluation.disputes.get(status="open", level=1)
    assignment = Assignment.objects.get(
        call_id=evaluation.call_id, evaluator=dispute.reviewer, reason=AssignmentReason.DISPUTE_REVIEW, status="open"
    )
    review = services.evaluation_start_from_assignment(assignment=assignment, by=dispute.reviewer)
    if answers is None:
        answers = [
            services.AnswerInput(a.criterion_id, a.value, a.is_na, "", a.time_offset) for a in evaluation.answers.all()
        ]
    services.evaluation_submit(evaluation=review, by=dispute.reviewer, answers=answers)
    review.refresh_from_db()
    return review


def settle_dispute(
    evaluation: Evaluation,
    *,
    outcome: str,
    answers: list[services.AnswerInput] | None = None,
    reason: str = "Listened again.",
):
    """The reviewer re-scores blind with `answers` (default: the original's) and decides `outcome`;
    an adjustment applies the re-score. Returns the dispute."""
    review = rescore_dispute(evaluation, answers)
    evaluation.refresh_from_db()
    return services.evaluation_resolve_dispute(
        evaluation=evaluation, by=review.evaluator, outcome=outcome, reason=reason
    )


class ScoringPersonas(Personas):
    """The personas, plus the worked-example scorecard for their line of business, a second QA
    auditor (`qa2`: disputes go to someone other than the evaluator) and API helpers."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.qa2 = f.UserFactory(username="qa2", roles=["qa"])
        cls.version = make_scorecard_version(lines_of_business=cls.lob, name="Billing QA")
        cls.criteria = criteria(cls.version)

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    @staticmethod
    def url(evaluation_or_id=None, step: str | None = None) -> str:
        if evaluation_or_id is None:
            return "/api/v1/evaluations/"
        pk = getattr(evaluation_or_id, "pk", evaluation_or_id)
        return f"/api/v1/evaluations/{pk}/{step}/" if step else f"/api/v1/evaluations/{pk}/"

    def payload(self, values: dict | None = None, **extra) -> list[dict]:
        return answers_payload(self.version, WORKED_ANSWERS if values is None else values, **extra)

    def cid(self, key_: str) -> int:
        return self.criteria[key_].pk
