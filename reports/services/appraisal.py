"""The evaluator appraisal's policy (weights of the appraisal score, drift thresholds), changed
by managers and admins. One row, every change kept in its history with who made it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import APPRAISAL_WEIGHT_FIELDS, AppraisalPolicy
from ..permissions import can_edit_appraisal_policy

WEIGHT_FIELDS = tuple(name for _code, name in APPRAISAL_WEIGHT_FIELDS)
THRESHOLD_FIELDS = ("severity_scale", "drift_offset", "drift_alignment")
EDITABLE = WEIGHT_FIELDS + THRESHOLD_FIELDS


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: _("This setting cannot be changed here.") for name in unknown})
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in WEIGHT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError({name: _("A weight is a whole number from 0 to 100 (%).")})
            out[name] = value
        else:
            try:
                out[name] = Decimal(str(value))
            except (InvalidOperation, ValueError):
                raise ValidationError({name: _("Enter a number.")}) from None
            if not out[name].is_finite() or out[name] <= 0:
                raise ValidationError({name: _("A threshold is a positive number.")})
    return out


def appraisal_policy_update(*, by, **values: Any) -> AppraisalPolicy:
    """Change the policy's weights (whole %, adding up to 100) and thresholds (positive; the
    alignment threshold at most 100 %). Nothing is saved unless the whole policy is valid; a
    save that changes nothing writes no history."""
    if not can_edit_appraisal_policy(by):
        raise PermissionDenied(_("Only managers and administrators change the appraisal policy."))
    changes = _clean(values)
    with transaction.atomic():
        AppraisalPolicy.current()
        policy = AppraisalPolicy.objects.select_for_update().get(pk=1)
        dirty = False
        for name, value in changes.items():
            if getattr(policy, name) != value:
                setattr(policy, name, value)
                dirty = True
        policy.full_clean()
        if dirty:
            policy._history_user = by
            policy.save()
    return policy
