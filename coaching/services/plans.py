"""Coaching plans (DESIGN.md §5): create one from evaluations or a training need, edit it, record
its sessions, the agent's acknowledgements, complete it; the daily job marks the unfinished
plans past their deadline overdue and reminds their owners and the agents' supervisors.

Status: open → in progress (the first session recorded, or `start_plan`) → completed; open or
in progress → overdue (the deadline, the latest goal's, has passed). An overdue plan can still
be worked on and completed. Who may do each step is `permissions.plans`; a refusal is a
PermissionDenied, bad input a ValidationError({field: reason}) with nothing written, a step the
plan's state does not allow an IllegalTransition.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qa_platform.errors import IllegalTransition
from qa_platform.links import absolute_url
from scoring.models import Category, Criterion, Evaluation

from ..models import (
    ACTIVE_PLAN_STATUSES,
    CoachingGoal,
    CoachingPlan,
    CoachingSession,
    GoalScope,
    LibraryCall,
    NeedStatus,
    PlanStatus,
    SessionKind,
    TrainingNeed,
)
from ..permissions import plans as rules
from ..selectors.plans import agent_scorecard_ids, agent_service_types

MAX_GOALS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a session's attachment may be: documents, images, text and audio (never executables or HTML).
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "audio/mpeg",
        "audio/wav",
        "audio/x-wav",
        "audio/wave",
        "audio/ogg",
        "audio/mp4",
        "audio/x-m4a",
        "audio/webm",
    }
)
EDITABLE = ACTIVE_PLAN_STATUSES


@dataclass
class GoalInput:
    scope: str  # GoalScope: "criterion" | "category"
    criterion: Criterion | None = None
    category: str = ""
    target: float = 0.0
    deadline: dt.date | None = None
    service_types: list[str] = field(default_factory=list)
    notes: str = ""


def _today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


def _require_active(plan: CoachingPlan, *, doing: str) -> None:
    if plan.status not in EDITABLE:
        raise IllegalTransition(
            _("This plan is %(status)s; it cannot %(doing)s.") % {"status": plan.get_status_display(), "doing": doing}
        )


def _check_owner(owner, agent) -> None:
    if owner is None:
        raise ValidationError({"owner": _("Choose the plan's owner.")})
    if not rules.can_own_plan_of(owner, agent):
        raise ValidationError(
            {
                "owner": _("%(user)s cannot own this plan: a trainer or a supervisor of the agent's team owns it.")
                % {"user": owner.get_username()}
            }
        )


def _clean_goal(i: int, goal: GoalInput, *, agent, scorecards: set[int], service_types: set[str], today) -> dict:
    """The goal's row values, or ValidationError under goals.<i>.<field>."""
    key = f"goals.{i}"
    errors: dict[str, str] = {}
    values: dict = {"scope": goal.scope, "notes": (goal.notes or "").strip()}
    if goal.scope == GoalScope.CRITERION:
        c = goal.criterion
        if c is None:
            errors[f"{key}.criterion"] = _("Choose the criterion the goal is on.")
        else:
            scorecard_id = Criterion.objects.filter(pk=c.pk).values_list("section__version__scorecard_id", flat=True)
            scorecard_id = scorecard_id.first()
            if scorecard_id not in scorecards:
                errors[f"{key}.criterion"] = _("“%(c)s” is not on a scorecard %(agent)s has been evaluated on.") % {
                    "c": c.text,
                    "agent": agent.name,
                }
            else:
                values.update(criterion=c, scorecard_id=scorecard_id, criterion_text=c.text, category=c.category)
    elif goal.scope == GoalScope.CATEGORY:
        if goal.category not in Category.values:
            errors[f"{key}.category"] = _("Choose the category the goal is on.")
        else:
            values.update(category=goal.category)
    else:
        errors[f"{key}.scope"] = _("A goal is on a criterion or on a category.")
    try:
        target = float(goal.target)
    except (TypeError, ValueError):
        target = -1.0
    if not 0 <= target <= 100:
        errors[f"{key}.target"] = _("The target is a score from 0 to 100.")
    values["target"] = target
    if goal.deadline is None:
        errors[f"{key}.deadline"] = _("Every goal has an explicit deadline.")
    elif goal.deadline < today:
        errors[f"{key}.deadline"] = _("The deadline %(d)s has already passed.") % {"d": goal.deadline.isoformat()}
    values["deadline"] = goal.deadline
    types = list(dict.fromkeys(t.strip() for t in goal.service_types or () if t and t.strip()))
    unknown = [t for t in types if t not in service_types]
    if unknown:
        errors[f"{key}.service_types"] = _("%(agent)s takes no calls of service type “%(t)s”.") % {
            "agent": agent.name,
            "t": unknown[0],
        }
    values["service_types"] = types
    if errors:
        raise ValidationError(errors)
    return values


def _clean_goals(goals: Sequence[GoalInput], *, agent, today) -> list[dict]:
    if not goals:
        raise ValidationError({"goals": _("A plan has at least one goal.")})
    if len(goals) > MAX_GOALS:
        raise ValidationError({"goals": _("A plan has at most %(n)s goals.") % {"n": MAX_GOALS}})
    scorecards = agent_scorecard_ids(agent.pk)
    service_types = set(agent_service_types(agent.pk))
    errors: dict[str, list[str]] = {}
    out = []
    for i, goal in enumerate(goals):
        try:
            out.append(
                _clean_goal(i, goal, agent=agent, scorecards=scorecards, service_types=service_types, today=today)
            )
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                errors.setdefault(name, []).extend(reasons)
    if errors:
        raise ValidationError(errors)
    return out


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the plan a title.")})
    if len(title) > 160:
        raise ValidationError({"title": _("A title has at most 160 characters.")})
    return title


@transaction.atomic
def create_plan(
    *,
    by,
    agent,
    owner,
    title: str,
    proposal: str = "",
    goals: Sequence[GoalInput],
    evaluations: Iterable[Evaluation] = (),
    need: TrainingNeed | None = None,
) -> CoachingPlan:
    """A plan for `agent` with its goals; its deadline is the latest goal's. `evaluations` (the
    agent's) motivated it; an individual training need it comes from is marked "plan created"."""
    rules.require_create(by, agent)
    _check_owner(owner, agent)
    title = _clean_title(title)
    rows = _clean_goals(goals, agent=agent, today=_today())
    evaluations = list(evaluations)
    strangers = [e for e in evaluations if e.agent_id != agent.pk]
    if strangers:
        raise ValidationError(
            {"evaluations": _("Evaluation %(id)s is not of %(agent)s.") % {"id": strangers[0].pk, "agent": agent.name}}
        )
    if need is not None and need.agent_id is not None and need.agent_id != agent.pk:
        raise ValidationError({"need": _("This training need is another agent's.")})
    plan = CoachingPlan.objects.create(
        agent=agent,
        owner=owner,
        created_by=by,
        title=title,
        proposal=(proposal or "").strip(),
        deadline=max(r["deadline"] for r in rows),
        need=need,
    )
    CoachingGoal.objects.bulk_create([CoachingGoal(plan=plan, **row) for row in rows])
    if evaluations:
        plan.evaluations.set(evaluations)
    if need is not None and need.agent_id is not None and need.status == NeedStatus.OPEN:
        need.status = NeedStatus.PLANNED
        need.save(update_fields=["status"])
    return plan


@transaction.atomic
def edit_plan(
    *, plan: CoachingPlan, by, title: str | None = None, proposal: str | None = None, owner=None
) -> CoachingPlan:
    """Change the title, the proposal or the owner of an unfinished plan (the editors)."""
    plan = CoachingPlan.objects.select_for_update().select_related("agent").get(pk=plan.pk)
    rules.require(rules.can_edit_plan, plan, by)
    _require_active(plan, doing=_("be changed"))
    if title is not None:
        plan.title = _clean_title(title)
    if proposal is not None:
        plan.proposal = proposal.strip()
    if owner is not None and owner.pk != plan.owner_id:
        _check_owner(owner, plan.agent)
        plan.owner = owner
    plan.save()
    return plan


def _start(plan: CoachingPlan, now: dt.datetime) -> None:
    if plan.started_at is None:
        plan.started_at = now
    if plan.status == PlanStatus.OPEN:
        plan.status = PlanStatus.IN_PROGRESS
    plan.save()


@transaction.atomic
def start_plan(*, plan: CoachingPlan, by) -> CoachingPlan:
    """Open → in progress without a session yet (recording the first session does it too)."""
    plan = CoachingPlan.objects.select_for_update().select_related("agent").get(pk=plan.pk)
    rules.require(rules.can_edit_plan, plan, by)
    if plan.status != PlanStatus.OPEN:
        raise IllegalTransition(_("Only an open plan is started."))
    _start(plan, timezone.now())
    return plan


def check_attachment(upload) -> None:
    """At most 10 MB, and a document, an image, text or audio."""
    if upload is None:
        return
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("An attachment is at most 10 MB.")})
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    guessed = (mimetypes.guess_type(upload.name or "")[0] or "").lower()
    kind = declared if declared and declared != "application/octet-stream" else guessed
    if kind not in ATTACHMENT_TYPES or (guessed and guessed not in ATTACHMENT_TYPES):
        raise ValidationError(
            {
                "attachment": _("Attach a PDF, an image, an office document, a text file or audio (not %(t)s).")
                % {"t": kind or _("an unknown type")}
            }
        )


@transaction.atomic
def record_session(
    *,
    plan: CoachingPlan,
    by,
    kind: str,
    held_at: dt.datetime | None = None,
    notes: str = "",
    attachment=None,
    library_calls: Iterable[LibraryCall] = (),
) -> CoachingSession:
    """A session held with the agent; the plan's first moves it open → in progress."""
    plan = CoachingPlan.objects.select_for_update().select_related("agent").get(pk=plan.pk)
    rules.require(rules.can_edit_plan, plan, by)
    _require_active(plan, doing=_("have sessions recorded"))
    now = timezone.now()
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("A session is side-by-side, one-to-one or a recording review.")})
    held_at = held_at or now
    if held_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"held_at": _("Record a session once it has been held.")})
    check_attachment(attachment)
    library_calls = list(library_calls)
    not_curated = [c for c in library_calls if not c.curated]
    if not_curated:
        raise ValidationError({"library_calls": _("“%(t)s” is not in the library.") % {"t": not_curated[0].title}})
    session = CoachingSession(plan=plan, kind=kind, held_at=held_at, held_by=by, notes=(notes or "").strip())
    if attachment is not None:
        session.attachment.save(attachment.name, attachment, save=False)
    session.save()
    if library_calls:
        session.library_calls.set(library_calls)
    _start(plan, now)
    return session


@transaction.atomic
def acknowledge_plan(*, plan: CoachingPlan, by) -> CoachingPlan:
    """The agent says they have read the plan (once; the first time is kept)."""
    plan = CoachingPlan.objects.select_for_update().get(pk=plan.pk)
    rules.require(rules.can_acknowledge_plan, plan, by)
    if plan.acknowledged_at is None:
        plan.acknowledged_at = timezone.now()
        plan.save(update_fields=["acknowledged_at"])
    return plan


@transaction.atomic
def acknowledge_session(*, session: CoachingSession, by) -> CoachingSession:
    """The agent confirms the session took place as written (once; the first time is kept)."""
    session = CoachingSession.objects.select_for_update().select_related("plan").get(pk=session.pk)
    rules.require(rules.can_acknowledge_plan, session.plan, by)
    if session.acknowledged_at is None:
        session.acknowledged_at = timezone.now()
        session.save(update_fields=["acknowledged_at"])
    return session


@transaction.atomic
def complete_plan(*, plan: CoachingPlan, by, outcome: str) -> CoachingPlan:
    """Close the plan with what came of it (an open, in-progress or overdue plan)."""
    plan = CoachingPlan.objects.select_for_update().select_related("agent").get(pk=plan.pk)
    rules.require(rules.can_edit_plan, plan, by)
    _require_active(plan, doing=_("be completed"))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write the outcome: what the agent achieved, what remains.")})
    plan.status = PlanStatus.COMPLETED
    plan.completed_at = timezone.now()
    plan.outcome = outcome
    plan.save()
    return plan


# --- the daily job ------------------------------------------------------------------------------


@transaction.atomic
def mark_overdue_plans(*, now: dt.datetime | None = None) -> int:
    """Mark every open or in-progress plan whose deadline has passed overdue, and e-mail the owner
    and the agent's team supervisors about each overdue plan not reminded yet (once: reminded_at).
    Returns the number of plans marked overdue by this run."""
    now = now or timezone.now()
    today = _today(now)
    late = CoachingPlan.objects.select_for_update().filter(
        status__in=(PlanStatus.OPEN, PlanStatus.IN_PROGRESS), deadline__lt=today
    )
    marked = 0
    for plan in late:
        plan.status = PlanStatus.OVERDUE
        plan.overdue_at = now
        plan.save(update_fields=["status", "overdue_at"])
        marked += 1
    _remind_overdue(now)
    return marked


def _remind_overdue(now: dt.datetime) -> int:
    due = (
        CoachingPlan.objects.select_for_update(of=("self",))
        .filter(status=PlanStatus.OVERDUE, reminded_at__isnull=True)
        .select_related("owner", "agent", "agent__team")
        .prefetch_related("agent__team__supervisors")
        .order_by("pk")
    )
    messages, ids = [], []
    for plan in due[:500]:
        recipients = {plan.owner.email} | {s.email for s in plan.agent.team.supervisors.all()}
        recipients.discard("")
        subject = _("Coaching plan overdue: %(agent)s") % {"agent": plan.agent.name}
        body = _(
            "The coaching plan “%(title)s” for %(agent)s was due on %(deadline)s and is not completed.\n"
            "Record its sessions or complete it with the outcome: %(link)s"
        ) % {
            "title": plan.title,
            "agent": plan.agent.name,
            "deadline": plan.deadline.isoformat(),
            "link": absolute_url(reverse("coaching-plan-detail", args=[plan.pk])),
        }
        ids.append(plan.pk)
        if recipients:
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients)))
    if ids:
        CoachingPlan.objects.filter(pk__in=ids).update(reminded_at=now)
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(ids)
