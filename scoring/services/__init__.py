"""Writes for scoring (DESIGN.md §2), one module per sub-domain: `scorecards` (versions built,
published, copied), `answers` (parsed, checked, scored), `start` (an evaluation opened from a call
or an assignment: at most one regular evaluation per call), `evaluations` (autosave, submit,
feedback, acknowledgement), `disputes` (raised, decided, appealed), `dispute_review` (a dispute
routed to an independent reviewer, blind), `reminders` (the feedback deadline), `calibration`
(sessions proposed, scored blind, revealed, agreed and closed).

Lifecycle: assigned → in progress (draft autosaved) → submitted → feedback delivered →
acknowledged, or disputed → resolved (upheld / adjusted). Every entry point (pages, API, admin,
tasks) goes through these functions, and who may take each step is asked of `permissions`, so
each rule is written once.

Errors: `PermissionDenied` for the wrong person (403), `IllegalTransition` for a step the
evaluation's state does not allow (409), `ValidationError` with field names for bad input (400);
`qa_platform.errors` turns them into answers for the API and the pages.
"""

from qa_platform.errors import IllegalTransition

from .answers import MAX_OFFSET_SECONDS, AnswerInput, evaluation_score, parse_answers
from .calibration import (
    calibration_cancel,
    calibration_close,
    calibration_propose_call,
    calibration_propose_week,
    calibration_record_consensus,
    calibration_reveal,
    calibration_session_create,
    calibration_session_edit,
    calibration_session_open,
    calibration_start_scoring,
)
from .calibration_policy import calibration_policy_update
from .dispute_review import dispute_reassign_reviewer, eligible_reviewers
from .disputes import evaluation_appeal, evaluation_dispute, evaluation_resolve_dispute
from .evaluations import (
    evaluation_acknowledge,
    evaluation_deliver_feedback,
    evaluation_save_draft,
    evaluation_submit,
)
from .reminders import feedback_reminders_send
from .scorecards import (
    MAX_POINTS,
    NO_SCORECARD,
    current_version_for_call,
    scorecard_create,
    scorecard_draft_save,
    scorecard_new_draft,
    scorecard_publish,
    scorecard_publish_problems,
)
from .start import (
    StartConflict,
    evaluation_get_or_start,
    evaluation_start,
    evaluation_start_from_assignment,
    open_double_scoring_assignment,
    open_secondary_assignment,
    regular_start_conflict,
)

__all__ = [
    "MAX_OFFSET_SECONDS",
    "MAX_POINTS",
    "NO_SCORECARD",
    "AnswerInput",
    "IllegalTransition",
    "StartConflict",
    "calibration_cancel",
    "calibration_close",
    "calibration_policy_update",
    "calibration_propose_call",
    "calibration_propose_week",
    "calibration_record_consensus",
    "calibration_reveal",
    "calibration_session_create",
    "calibration_session_edit",
    "calibration_session_open",
    "calibration_start_scoring",
    "current_version_for_call",
    "dispute_reassign_reviewer",
    "eligible_reviewers",
    "evaluation_appeal",
    "evaluation_acknowledge",
    "evaluation_deliver_feedback",
    "evaluation_dispute",
    "evaluation_get_or_start",
    "evaluation_resolve_dispute",
    "evaluation_save_draft",
    "evaluation_score",
    "evaluation_start",
    "evaluation_start_from_assignment",
    "evaluation_submit",
    "feedback_reminders_send",
    "open_double_scoring_assignment",
    "open_secondary_assignment",
    "parse_answers",
    "regular_start_conflict",
    "scorecard_create",
    "scorecard_draft_save",
    "scorecard_new_draft",
    "scorecard_publish",
    "scorecard_publish_problems",
]
