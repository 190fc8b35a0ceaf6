"""Quota policy pages (DESIGN.md §3): managers and admins edit; supervisors, QA and trainers read;
agents and HR get a 403. Writes go through `services.policies`, so every save is validated by the
model's `clean()` and lands in the policy's history with who made it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.models import MAX_ID, LineOfBusiness
from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from ..forms import QuotaPolicyForm
from ..models import QuotaPolicy
from ..permissions import POLICY_EDITORS, POLICY_READERS, can_edit_policies
from ..policies import BASELINE, POLICY_FIELDS, POLICY_GROUPS, default_policy, policy_display, policy_values
from ..services import policies as services

HISTORY_SHOWN = 12


def _label(name: str) -> str:
    return str(QuotaPolicy._meta.get_field(name).verbose_name)


def _comparison(default: QuotaPolicy, overrides: list[QuotaPolicy]) -> list[dict]:
    """Rows of the policy matrix, grouped: each field's default and every override's value, with
    a flag where an override differs from the default."""
    groups = []
    for key, label, names in POLICY_GROUPS:
        rows = []
        for name in names:
            base = getattr(default, name)
            cells = [
                {"value": policy_display(getattr(p, name)), "differs": getattr(p, name) != base} for p in overrides
            ]
            rows.append({"name": name, "label": _label(name), "default": policy_display(base), "cells": cells})
        groups.append({"key": key, "label": label, "rows": rows})
    return groups


def _history() -> list[dict]:
    """The latest changes to any policy: who, when, what (field: old → new). At most
    HISTORY_SHOWN records, each compared with its predecessor (a bounded number of queries)."""
    records = list(
        QuotaPolicy.history.select_related("history_user", "line_of_business")
        .exclude(history_change_reason=BASELINE)
        .order_by("-history_date", "-history_id")[:HISTORY_SHOWN]
    )
    out = []
    for record in records:
        changes = []
        if record.history_type == "~":
            previous = record.prev_record
            if previous is not None:
                delta = record.diff_against(previous, included_fields=list(POLICY_FIELDS))
                changes = [
                    {"label": _label(c.field), "old": policy_display(c.old), "new": policy_display(c.new)}
                    for c in delta.changes
                ]
        out.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "policy": record.line_of_business.name
                if record.line_of_business_id and record.line_of_business
                else None,
                "line_id": record.line_of_business_id,
                "kind": record.history_type,
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return out


@role_required(*POLICY_READERS)
@require_http_methods(["GET"])
def policy_list(request):
    return _render_list(request)


def _render_list(request, status: int = 200):
    policies = list(QuotaPolicy.objects.select_related("line_of_business").order_by("line_of_business__name"))
    default = next((p for p in policies if p.line_of_business_id is None), None)
    if default is None:
        default = default_policy()
    overrides = [p for p in policies if p.line_of_business_id is not None]
    covered = {p.line_of_business_id for p in overrides}
    following = [line for line in LineOfBusiness.objects.order_by("name") if line.pk not in covered]
    return render(
        request,
        "planning/quota_policy_list.html",
        {
            "default": default,
            "overrides": overrides,
            "following": following,
            "groups": _comparison(default, overrides),
            "history": _history(),
            "can_edit": can_edit_policies(request.user),
        },
        status=status,
    )


def _render_form(request, form, *, policy, line, status=200):
    return render(
        request, "planning/quota_policy_form.html", {"form": form, "policy": policy, "line": line}, status=status
    )


def _defaults_for(line) -> dict | None:
    """The center default's values when the form is a line's override (to mark differences)."""
    return policy_values(default_policy()) if line is not None else None


@role_required(*POLICY_EDITORS)
@require_http_methods(["GET", "POST"])
def policy_edit(request, pk: int):
    policy = get_object_or_404(QuotaPolicy.objects.select_related("line_of_business"), pk=pk)
    if request.method == "POST":
        form = QuotaPolicyForm(request.POST, instance=policy, defaults=_defaults_for(policy.line_of_business))
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            with page_errors(request, form=form) as outcome:
                # A fresh copy: the form has already written its values onto `policy`.
                services.quota_policy_update(
                    policy=QuotaPolicy.objects.get(pk=policy.pk), values=changed, by=request.user
                )
            if not outcome.failed:
                if changed:
                    messages.success(
                        request,
                        _("Saved %(policy)s: %(n)s setting(s) changed.") % {"policy": policy, "n": len(changed)},
                    )
                else:
                    messages.info(request, _("Nothing changed in %(policy)s.") % {"policy": policy})
                return redirect("quota-policy-list")
        return _render_form(request, form, policy=policy, line=policy.line_of_business, status=400)
    form = QuotaPolicyForm(instance=policy, defaults=_defaults_for(policy.line_of_business))
    return _render_form(request, form, policy=policy, line=policy.line_of_business)


@role_required(*POLICY_EDITORS)
@require_http_methods(["GET", "POST"])
def policy_create(request):
    """A line's own policy, prefilled from the center default; created only when saved."""
    raw = request.POST.get("line") if request.method == "POST" else request.GET.get("line")
    valid = bool(raw) and raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID
    line = get_object_or_404(LineOfBusiness, pk=raw) if valid else None
    if line is None:
        messages.error(request, _("Choose the line of business the override is for."))
        return redirect("quota-policy-list")
    existing = QuotaPolicy.objects.filter(line_of_business=line).first()
    if existing is not None:
        messages.info(request, _("%(line)s already has its own policy; edit it here.") % {"line": line.name})
        return redirect("quota-policy-edit", pk=existing.pk)
    if request.method == "POST":
        form = QuotaPolicyForm(request.POST, instance=QuotaPolicy(line_of_business=line), defaults=_defaults_for(line))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in POLICY_FIELDS}
            with page_errors(request, form=form) as outcome:
                services.quota_policy_create(line=line, values=values, by=request.user)
            if outcome.status == 409:  # a second click raced the first: the policy exists
                return redirect("quota-policy-list")
            if not outcome.failed:
                messages.success(request, _("%(line)s now has its own policy.") % {"line": line.name})
                return redirect("quota-policy-list")
        return _render_form(request, form, policy=None, line=line, status=400)
    defaults = _defaults_for(line)
    return _render_form(request, QuotaPolicyForm(initial=defaults, defaults=defaults), policy=None, line=line)


@role_required(*POLICY_EDITORS)
@require_POST
def policy_delete(request, pk: int):
    policy = get_object_or_404(QuotaPolicy.objects.select_related("line_of_business"), pk=pk)
    with page_errors(request) as outcome:
        services.quota_policy_delete(policy=policy, by=request.user)
    if outcome.failed:
        return _render_list(request, status=outcome.status)
    messages.success(request, _("%(line)s follows the center default again.") % {"line": policy.line_of_business.name})
    return redirect("quota-policy-list")
