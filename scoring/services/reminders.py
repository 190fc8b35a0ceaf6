"""The feedback deadline: reminders to whoever owes the agent feedback."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qa_platform.links import absolute_url

from ..models import Evaluation, Kind, Status

REMIND_BEFORE = dt.timedelta(hours=1)


def feedback_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail the evaluator (and the agent's supervisors) about feedback due within the hour or
    overdue, once per evaluation. Returns the number of evaluations reminded."""
    now = now or timezone.now()
    due = (
        Evaluation.objects.filter(
            kind=Kind.REGULAR,
            status=Status.SUBMITTED,
            feedback_reminded_at__isnull=True,
            feedback_due_at__lte=now + REMIND_BEFORE,
        )
        .select_related("evaluator", "agent", "call")
        .prefetch_related("agent__team__supervisors")
    )
    messages, ids = [], []
    for ev in due[:500]:
        recipients = {ev.evaluator.email} | {s.email for s in ev.agent.team.supervisors.all()}
        recipients.discard("")
        late = ev.feedback_due_at <= now
        subject = (_("Feedback overdue: %(agent)s") if late else _("Feedback due soon: %(agent)s")) % {
            "agent": ev.agent.name
        }
        body = _(
            "Feedback on the evaluation of call %(call)s (score %(total)s) for %(agent)s is due at %(due)s.\n"
            "Deliver it from the evaluation page: %(link)s"
        ) % {
            "call": ev.call.external_id,
            "total": ev.total,
            "agent": ev.agent.name,
            "due": date_format(timezone.localtime(ev.feedback_due_at), "SHORT_DATETIME_FORMAT"),
            "link": absolute_url(reverse("evaluation-detail", args=[ev.pk])),
        }
        ids.append(ev.pk)
        if recipients:
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients)))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    Evaluation.objects.filter(pk__in=ids).update(feedback_reminded_at=now)
    return len(ids)
