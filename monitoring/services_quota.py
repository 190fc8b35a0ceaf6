"""Writes for quota policies (DESIGN.md §3): the pages, the API and the admin's users all go
through these, so a policy is validated one way (the model's `clean()` and constraints) and every
change lands in its history with who made it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import LineOfBusiness, QuotaPolicy

# The editable numbers, in the order (and groups) the pages show them.
POLICY_GROUPS: list[tuple[str, Any, tuple[str, ...]]] = [
    (
        "agent_targets",
        _lazy("Agent weekly targets by tier"),
        ("target_excellent", "target_good", "target_needs_improvement", "target_at_risk", "target_no_history"),
    ),
    (
        "tiers",
        _lazy("Tiers"),
        ("excellent_min", "good_min", "needs_improvement_min", "trailing_weeks", "new_hire_days"),
    ),
    ("line_month", _lazy("Line of business per month"), ("line_month_floor", "line_month_cap")),
    ("eligibility", _lazy("Eligible calls"), ("min_talk_seconds",)),
    ("shares", _lazy("Routing: share of the work by role"), ("share_qa", "share_supervisor", "share_trainer")),
    (
        "capacities",
        _lazy("Evaluator capacity per week"),
        ("capacity_qa", "capacity_supervisor", "capacity_trainer"),
    ),
    ("reliability", _lazy("Double scoring"), ("double_scoring_percent",)),
    ("due", _lazy("Due dates"), ("due_days",)),
]
POLICY_FIELDS: tuple[str, ...] = tuple(name for _key, _label, names in POLICY_GROUPS for name in names)


def default_policy() -> QuotaPolicy:
    """The center's default (created by migration 0004; an unsaved one with the model's defaults
    if it was ever removed)."""
    return QuotaPolicy.objects.filter(line_of_business__isnull=True).first() or QuotaPolicy()


def policy_values(policy: QuotaPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


BASELINE = "baseline"


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
