"""Writes for quota policies (DESIGN.md §3): the pages, the API and the admin's users all go
through these, so a policy is validated one way (the model's `clean()` and constraints) and every
change lands in its history with who made it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from monitoring.models import LineOfBusiness

from ..models import QuotaPolicy
from ..policies import BASELINE, POLICY_FIELDS, default_policy, policy_values


def _save(policy: QuotaPolicy, *, by, reason: str) -> QuotaPolicy:
    policy.full_clean()
    policy._history_user = by
    policy._change_reason = reason
    with transaction.atomic():
        if policy.pk is not None and not QuotaPolicy.history.filter(id=policy.pk).exists():
            # A policy written before history was kept (the default, made by a migration): record
            # how it stood first, so this change shows what it changed.
            before = QuotaPolicy.objects.get(pk=policy.pk)
            QuotaPolicy.history.bulk_history_create([before], update=True, default_change_reason=BASELINE)
        policy.save()
    return policy


def quota_policy_update(*, policy: QuotaPolicy, values: dict[str, Any], by) -> QuotaPolicy:
    """Change some of a policy's numbers. Raises ValidationError ({field: [reasons]}) and saves
    nothing when the result breaks a rule (shares add up to 100, cap ≥ floor, thresholds fall).
    Values equal to the current ones change nothing and write no history."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This setting cannot be changed here.") for name in sorted(unknown)})
    changed = {name: value for name, value in values.items() if getattr(policy, name) != value}
    if not changed:
        return policy  # nothing to record
    for name, value in changed.items():
        setattr(policy, name, value)
    return _save(policy, by=by, reason="edited")


def quota_policy_create(*, line: LineOfBusiness, by, values: dict[str, Any] | None = None) -> QuotaPolicy:
    """A line's own policy: the center default's numbers, then `values` on top."""
    if QuotaPolicy.objects.filter(line_of_business=line).exists():
        raise ValidationError({"line_of_business": _("%(line)s already has its own policy.") % {"line": line.name}})
    policy = QuotaPolicy(line_of_business=line, **policy_values(default_policy()))
    for name, value in (values or {}).items():
        if name not in POLICY_FIELDS:
            raise ValidationError({name: _("This setting cannot be changed here.")})
        setattr(policy, name, value)
    return _save(policy, by=by, reason="override created")


def quota_policy_delete(*, policy: QuotaPolicy, by) -> None:
    """Remove a line's own policy: the line follows the center default again. The default itself
    cannot be removed."""
    if policy.line_of_business_id is None:
        raise ValidationError({"line_of_business": _("The center default cannot be deleted.")})
    policy._history_user = by
    policy._change_reason = "override deleted"
    with transaction.atomic():
        policy.delete()
