"""The center's calibration policy (DESIGN.md §4): tolerance, calls per proposed session, the
weekly proposal, the pairs in the rolling reliability figure, the dispute re-score deadline and
how long a closed session keeps an evaluator calibrated. Managers and admins change it here, from
the page or anywhere else, so it is validated one way and every change lands in its history with
who made it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qa_platform.settings_rows import update_settings_row

from .. import permissions
from ..models import CalibrationPolicy

POLICY_FIELDS = (
    "tolerance",
    "calls_per_session",
    "weekly_proposals",
    "reliability_pairs",
    "dispute_review_hours",
    "calibrated_within_days",
    "auto_trust_reviews",
    "auto_trust_kappa",
)


def calibration_policy_update(*, by, values: dict[str, Any]) -> CalibrationPolicy:
    """Change some of the policy's settings. ValidationError ({field: [reasons]}) and nothing
    saved when a value breaks its rule (the model's validators and constraints); values equal to
    the current ones change nothing and write no history."""
    if not permissions.can_edit_calibration_policy(by):
        raise PermissionDenied(permissions.NO_CALIBRATION_POLICY)
    return update_settings_row(CalibrationPolicy, by=by, values=values, fields=POLICY_FIELDS)
