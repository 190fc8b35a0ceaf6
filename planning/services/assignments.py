"""Writes on assignments (DESIGN.md §3): reassignment and overdue reminders. The sampler and
router that create them are `services.sampling` and `services.topup`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, Call
from qa_platform.links import absolute_url
from qa_platform.roles import routing_role, user_roles
from scoring.models import Evaluation

from ..permissions import reassign_refusal
from ..policies import PolicyBook

REMIND_EVERY = dt.timedelta(hours=20)


def _overdue(now: dt.datetime):
    return Assignment.objects.filter(status=AssignmentStatus.OPEN, due_at__lt=now).filter(
        Q(overdue_reminded_at__isnull=True) | Q(overdue_reminded_at__lt=now - REMIND_EVERY)
    )


def assignments_overdue_remind(*, now: dt.datetime | None = None) -> int:
    """One e-mail per evaluator listing their overdue open assignments; each assignment is
    mentioned at most once every REMIND_EVERY. Returns the number of e-mails sent.

    Safe to run twice at once: each evaluator's batch is selected again, under row locks that
    skip rows another run holds (`skip_locked`), inside a transaction per evaluator, and only
    then mailed and marked — a concurrent run finds those rows locked or already marked."""
    now = now or timezone.now()
    evaluator_ids = list(_overdue(now).order_by("evaluator_id").values_list("evaluator_id", flat=True).distinct())
    sent = 0
    budget = 5_000
    for evaluator_id in evaluator_ids:
        if budget <= 0:
            break
        with transaction.atomic():
            items = list(
                _overdue(now)
                .filter(evaluator_id=evaluator_id)
                .select_related("evaluator", "call", "call__agent")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("due_at", "pk")[:budget]
            )
            if not items:
                continue
            budget -= len(items)
            evaluator = items[0].evaluator
            ids = [a.pk for a in items]
            if not evaluator.email:
                Assignment.objects.filter(pk__in=ids).update(overdue_reminded_at=now)
                continue
            lines = [
                _("- call %(call)s (%(agent)s), due %(due)s")
                % {
                    "call": a.call.external_id,
                    "agent": a.call.agent.name,
                    "due": f"{timezone.localtime(a.due_at):%Y-%m-%d %H:%M}",
                }
                for a in items
            ]
            subject = _("%(n)s overdue call(s) in your QA work queue") % {"n": len(items)}
            body = _("These assignments are past their due time:\n%(lines)s\n\nOpen your work queue: %(link)s") % {
                "lines": "\n".join(lines),
                "link": absolute_url(reverse("work-queue")),
            }
            # Sent, then marked, one evaluator at a time: a mail failure part-way leaves the rest
            # unmarked for the next run, and nobody is mailed twice for the same reminder.
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [evaluator.email], fail_silently=False)
            Assignment.objects.filter(pk__in=ids).update(overdue_reminded_at=now)
            sent += 1
    return sent


def assignment_reassign(*, assignment: Assignment, to, by) -> Assignment:
    """Hand an open assignment to another evaluator (a manager, or a supervisor for their own
    teams' calls). The new evaluator must hold the evaluator role the work is routed by (QA,
    supervisor of the agent's team, or trainer), must not be the agent, and must not already
    hold this call."""
    agent = assignment.call.agent
    team_supervisors = set(agent.team.supervisors.values_list("pk", flat=True))
    refusal = reassign_refusal(by, team_supervisor_ids=team_supervisors)
    if refusal:
        raise PermissionDenied(refusal)
    if assignment.status != AssignmentStatus.OPEN:
        raise ValidationError({"assignment": _("Only open assignments can be reassigned.")})
    if assignment.reason == AssignmentReason.DISPUTE_REVIEW:
        # A dispute's blind re-score goes only to an eligible, calibrated QA: handed over by a
        # manager from the dispute (scoring.services.dispute_reassign_reviewer), never here.
        raise ValidationError(
            {"assignment": _("A dispute's re-score is handed to another reviewer from the disputes page.")}
        )
    if assignment.started_at is not None:
        raise ValidationError({"assignment": _("The evaluator has already started scoring this call.")})
    to_roles = user_roles(to)
    if agent.user_id == to.pk:
        raise ValidationError({"to": _("Nobody evaluates their own calls.")})
    if not to.is_active:
        raise ValidationError({"to": _("%(u)s is not an active user.") % {"u": to.username}})
    if to.pk == assignment.evaluator_id:
        raise ValidationError({"to": _("This call is already assigned to %(u)s.") % {"u": to.username}})
    role = routing_role(to_roles, leads_team=to.pk in team_supervisors)
    if role is None:
        raise ValidationError(
            {"to": _("%(u)s is not QA, a trainer, or a supervisor of this agent's team.") % {"u": to.username}}
        )
    with transaction.atomic():
        # Re-checked under the row lock that evaluation_start also takes: an evaluator opening the
        # call at this moment either wins (and this refuses) or waits for the reassignment.
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != AssignmentStatus.OPEN or locked.started_at is not None:
            raise ValidationError({"assignment": _("Only open assignments not yet started can be reassigned.")})
        if Assignment.objects.filter(call=locked.call_id, evaluator=to).exists():
            raise ValidationError({"to": _("%(u)s already holds this call (double scoring).") % {"u": to.username}})
        if Evaluation.objects.filter(call_id=locked.call_id, evaluator=to).exists():
            raise ValidationError({"to": _("%(u)s has already evaluated this call.") % {"u": to.username}})
        locked.evaluator = to
        locked.evaluator_role = role
        # The new evaluator gets their own overdue reminder, and work already overdue gets a
        # fresh due window (the policy's due days from now) rather than arriving late.
        locked.overdue_reminded_at = None
        fields = ["evaluator", "evaluator_role", "overdue_reminded_at"]
        now = timezone.now()
        if locked.due_at < now:
            line_id = Call.objects.filter(pk=locked.call_id).values_list("line_of_business_id", flat=True).first()
            locked.due_at = now + dt.timedelta(days=PolicyBook().for_line(line_id).due_days)
            fields.append("due_at")
        locked._change_reason = f"reassigned by {by.username}"
        locked.save(update_fields=fields)
    return locked
