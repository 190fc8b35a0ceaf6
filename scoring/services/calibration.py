"""Calibration sessions (DESIGN.md §4): proposed weekly or created by hand → scoring (each
participant scores every call blind, on the normal scoring page) → revealed (everyone's answers
side by side) → consensus recorded per call → closed.

Who may do each step is `permissions.can_run_calibration` (create, propose, edit) and
`permissions.can_facilitate` (open, reveal, record consensus, close, cancel). A session's
evaluations are `Kind.CALIBRATION` evaluations tied to an item: they never count toward an
agent's performance or tier and never reach the agent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Call, LineOfBusiness, PrivateLine
from qa_platform.errors import IllegalTransition
from qa_platform.roles import QA, TRAINER

from .. import formula, permissions, selectors
from ..models import (
    SCORED,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationPolicy,
    CalibrationSession,
    ConsensusAnswer,
    Criterion,
    Dispute,
    Evaluation,
    ItemReason,
    Kind,
    Method,
    SessionStatus,
    Status,
)
from ..models_calibration import OPEN_STATUSES
from .answers import AnswerInput
from .scorecards import current_version_for_call

MAX_CALLS = 10
MAX_PARTICIPANTS = 12
EDITABLE = (SessionStatus.PROPOSED, SessionStatus.SCORING)


def _locked(session: CalibrationSession) -> CalibrationSession:
    return CalibrationSession.objects.select_for_update().get(pk=session.pk)


def _require_status(session: CalibrationSession, *allowed: str, doing: str) -> None:
    if session.status not in allowed:
        raise IllegalTransition(
            _("This session is %(status)s; it cannot %(doing)s.")
            % {"status": session.get_status_display(), "doing": doing}
        )


def _item_version(call: Call):
    """The version a call is calibrated on: its regular evaluation's (so the session speaks of the
    score the agent got), else the one a new evaluation of it would use."""
    regular = Evaluation.objects.filter(call=call, kind=Kind.REGULAR).select_related("version").first()
    return regular.version if regular is not None else current_version_for_call(call)


def _check_call(call: Call, *, field: str) -> None:
    if call.line and PrivateLine.objects.filter(line=call.line, active=True).exists():
        raise ValidationError(
            {field: _("Call %(key)s is on a private line, which is never monitored.") % {"key": call}}
        )


def _check_people(users: Iterable, calls: Iterable[Call]) -> None:
    """Every participant scores calls, and none of the calls is their own."""
    agent_of = {c.agent_id: c for c in calls}
    for user in users:
        if permissions.evaluator_role_for(user) is None:
            raise ValidationError(
                {"participants": _("%(user)s does not score calls (their role).") % {"user": user.get_username()}}
            )
        own = getattr(user, "agent", None)
        if own is not None and own.pk in agent_of:
            raise ValidationError(
                {
                    "participants": _("%(user)s took call %(call)s; nobody calibrates on their own call.")
                    % {"user": user.get_username(), "call": agent_of[own.pk]}
                }
            )


def _add_items(session: CalibrationSession, calls: list[tuple[Call, str]]) -> None:
    start = session.items.count()
    for position, (call, reason) in enumerate(calls, start=start):
        _check_call(call, field="calls")
        CalibrationItem.objects.create(
            session=session, call=call, version=_item_version(call), reason=reason, position=position
        )


def _add_participants(session: CalibrationSession, users: Iterable) -> None:
    for user in users:
        CalibrationParticipant.objects.get_or_create(
            session=session, user=user, defaults={"role": permissions.evaluator_role_for(user) or ""}
        )


def calibration_session_create(
    *,
    by,
    title: str,
    week_start: dt.date,
    calls: list[Call],
    participants: list,
    line_of_business: LineOfBusiness | None = None,
    scheduled_at: dt.datetime | None = None,
    tolerance: Decimal | None = None,
    notes: str = "",
) -> CalibrationSession:
    """A session created by hand by a manager or QA: its calls (1–10), who scores them (2–12
    people), and its facilitator (`by`). It starts proposed: the facilitator opens scoring."""
    if not permissions.can_run_calibration(by):
        raise PermissionDenied(permissions.NO_CALIBRATION)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the session a title.")})
    calls = list(dict.fromkeys(calls))
    if not 1 <= len(calls) <= MAX_CALLS:
        raise ValidationError({"calls": _("Choose 1 to %(n)s calls.") % {"n": MAX_CALLS}})
    people = list(dict.fromkeys(participants))
    if not 2 <= len(people) <= MAX_PARTICIPANTS:
        raise ValidationError({"participants": _("Invite 2 to %(n)s people.") % {"n": MAX_PARTICIPANTS}})
    _check_people(people, calls)
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            title=title[:160],
            line_of_business=line_of_business,
            week_start=week_start - dt.timedelta(days=week_start.weekday()),
            scheduled_at=scheduled_at,
            tolerance=tolerance if tolerance is not None else CalibrationPolicy.current().tolerance,
            facilitator=by,
            created_by=by,
            notes=notes,
        )
        _add_items(session, [(c, ItemReason.MANUAL) for c in calls])
        _add_participants(session, people)
    return session


def calibration_session_edit(
    *,
    session: CalibrationSession,
    by,
    add_calls: list[Call] = (),
    remove_calls: list[Call] = (),
    invite: list = (),
    uninvite: list = (),
) -> CalibrationSession:
    """Change a session's calls (while proposed) and its participants (until the reveal; nobody
    who has begun scoring is removed)."""
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, *EDITABLE, doing=_("be changed"))
        if (add_calls or remove_calls) and session.status != SessionStatus.PROPOSED:
            raise IllegalTransition(_("Calls are chosen before scoring opens."))
        users = [p.user for p in session.participants.select_related("user__agent")] + list(invite)
        calls = [i.call for i in session.items.select_related("call")] + list(add_calls)
        _check_people(users, calls)
        existing = set(session.items.values_list("call_id", flat=True))
        _add_items(session, [(c, ItemReason.MANUAL) for c in dict.fromkeys(add_calls) if c.pk not in existing])
        if remove_calls:
            session.items.filter(call__in=remove_calls).delete()
        _add_participants(session, invite)
        if uninvite:
            started = Evaluation.objects.filter(calibration_item__session=session, evaluator__in=uninvite)
            if started.exists():
                raise IllegalTransition(_("Someone who has begun scoring stays in the session."))
            session.participants.filter(user__in=uninvite).delete()
        n_calls, n_people = session.items.count(), session.participants.count()
        if not 1 <= n_calls <= MAX_CALLS:
            raise ValidationError({"calls": _("Choose 1 to %(n)s calls.") % {"n": MAX_CALLS}})
        if not 2 <= n_people <= MAX_PARTICIPANTS:
            raise ValidationError({"participants": _("Invite 2 to %(n)s people.") % {"n": MAX_PARTICIPANTS}})
    return session


def calibration_session_open(*, session: CalibrationSession, by) -> CalibrationSession:
    """Proposed → scoring. Whoever opens a proposal nobody facilitates becomes its facilitator."""
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, SessionStatus.PROPOSED, doing=_("open for scoring"))
        if session.participants.count() < 2 or not session.items.exists():
            raise IllegalTransition(_("A session needs at least one call and two participants."))
        session.status = SessionStatus.SCORING
        session.started_at = timezone.now()
        session.facilitator = session.facilitator or by
        session.save(update_fields=["status", "started_at", "facilitator"])
    return session


def calibration_start_scoring(*, item: CalibrationItem, by) -> Evaluation:
    """The participant's evaluation of a session's call (theirs if it exists), scored on the
    normal scoring page."""
    session = item.session
    if not session.participants.filter(user=by).exists():
        raise PermissionDenied(permissions.ONLY_PARTICIPANTS)
    existing = Evaluation.objects.filter(calibration_item=item, evaluator=by).first()
    if existing is not None:
        return existing
    _require_status(session, SessionStatus.SCORING, doing=_("be scored"))
    refusal = permissions.start_refusal(by, call=item.call, kind=Kind.CALIBRATION)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                call=item.call,
                agent_id=item.call.agent_id,
                evaluator=by,
                evaluator_role=permissions.evaluator_role_for(by) or "",
                method=Method.RECORDING,
                kind=Kind.CALIBRATION,
                version=item.version,
                calibration_item=item,
                status=Status.IN_PROGRESS,
                started_at=now,
            )
    except IntegrityError:
        return Evaluation.objects.get(calibration_item=item, evaluator=by)  # a double click won


def calibration_reveal(*, session: CalibrationSession, by) -> CalibrationSession:
    """Scoring → revealed: every submitted answer is shown side by side. A draft left unsubmitted
    stays out of the session's figures (and can no longer be submitted)."""
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, SessionStatus.SCORING, doing=_("be revealed"))
        submitted = Evaluation.objects.filter(calibration_item__session=session, status__in=SCORED)
        if submitted.values("evaluator").distinct().count() < 2:
            raise IllegalTransition(_("Wait until at least two participants have submitted."))
        session.status = SessionStatus.REVEALED
        session.revealed_at = timezone.now()
        session.save(update_fields=["status", "revealed_at"])
    return session


def calibration_record_consensus(
    *, item: CalibrationItem, by, answers: list[AnswerInput], notes: str = "", criterion_notes: dict | None = None
) -> CalibrationItem:
    """The facilitator records the answers the session agreed for one call (the reference), with
    notes; every criterion answered, scored with the formula. Recorded again, it replaces the last."""
    session = item.session
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    criterion_notes = criterion_notes or {}
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, SessionStatus.REVEALED, doing=_("take a consensus"))
        criteria = {c.pk: c for c in Criterion.objects.filter(section__version=item.version_id)}
        given = {a.criterion_id: a for a in answers}
        errors: dict[str, list[str]] = {}
        for cid in given:
            if cid not in criteria:
                errors[f"criterion.{cid}"] = [_("Not a criterion of this scorecard.")]
        for cid, criterion in criteria.items():
            a = given.get(cid)
            if a is None or (a.value is None and not a.na):
                errors[f"criterion.{cid}"] = [_("'%(t)s' is not answered.") % {"t": criterion.text}]
                continue
            try:
                formula.check_answer(criterion.spec(), formula.NA if a.na else a.value)
            except formula.AnswerError as exc:
                errors[f"criterion.{cid}"] = [exc.reason]
        if errors:
            raise ValidationError(errors)
        version = item.version
        specs = [
            formula.SectionSpec(
                id=s.pk, weight=s.weight, title=s.title, criteria=tuple(c.spec() for c in s.criteria.all())
            )
            for s in version.sections.prefetch_related("criteria")
        ]
        values = {cid: formula.NA if a.na else a.value for cid, a in given.items()}
        result = formula.compute(specs, values, critical_zeroes=version.critical_zeroes)
        if result.total is None:
            raise ValidationError({"answers": _("At least one criterion must be answered (not all N/A).")})
        item.consensus_answers.all().delete()
        ConsensusAnswer.objects.bulk_create(
            ConsensusAnswer(
                item=item,
                criterion_id=cid,
                value=None if a.na else a.value,
                is_na=a.na,
                note=str(criterion_notes.get(cid, "") or a.comment or "")[:4000],
            )
            for cid, a in given.items()
        )
        item.consensus_total = result.total
        item.consensus_critical_failed = result.critical_failed
        item.consensus_notes = (notes or "")[:10000]
        item.consensus_by = by
        item.consensus_at = timezone.now()
        item.save()
    return item


def calibration_close(*, session: CalibrationSession, by) -> CalibrationSession:
    """Revealed → closed, once every call has its consensus; the session's figures are final."""
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, SessionStatus.REVEALED, doing=_("be closed"))
        missing = [str(i.call) for i in session.items.select_related("call") if not i.has_consensus]
        if missing:
            raise IllegalTransition(
                _("Record the consensus for every call first (missing: %(calls)s).") % {"calls": ", ".join(missing)}
            )
        session.status = SessionStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
    return session


def calibration_cancel(*, session: CalibrationSession, by) -> CalibrationSession:
    """A session that will not take place (before its reveal); its drafts go with it."""
    if not permissions.can_facilitate(session, by):
        raise PermissionDenied(permissions.ONLY_FACILITATOR)
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, *EDITABLE, doing=_("be cancelled"))
        Evaluation.objects.filter(calibration_item__session=session).exclude(status__in=SCORED).delete()
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status"])
    return session


def require_session_scoring(evaluation: Evaluation) -> None:
    """A session's evaluation is saved and submitted only while its session is scoring."""
    if evaluation.calibration_item_id is None:
        return
    session = CalibrationSession.objects.only("status").get(items=evaluation.calibration_item_id)
    if session.status != SessionStatus.SCORING:
        raise IllegalTransition(
            _("This calibration session is %(s)s; its scores can no longer change.")
            % {"s": session.get_status_display()}
        )


# --- the weekly proposal ---------------------------------------------------------------------


def _flagged_calls(
    line: LineOfBusiness, start: dt.datetime, end: dt.datetime, tolerance: Decimal
) -> list[tuple[Call, str]]:
    """Calls of the line a dispute raised in the week, or a double-scoring pair that disagreed
    beyond the tolerance in the week, flagged for calibration."""
    disputed = Dispute.objects.filter(
        raised_at__gte=start, raised_at__lt=end, evaluation__call__line_of_business=line, level=1
    ).values_list("evaluation__call_id", flat=True)
    from ..selectors_reliability import disagreeing_call_ids

    disagreeing = disagreeing_call_ids(line=line.code, since=start, until=end, tolerance=float(tolerance))
    flagged = [(cid, ItemReason.DISPUTE) for cid in disputed]
    flagged += [(cid, ItemReason.DISAGREEMENT) for cid in disagreeing]
    calls = Call.objects.in_bulk({cid for cid, _r in flagged})
    seen: dict[int, str] = {}
    for cid, reason in flagged:
        seen.setdefault(cid, reason)
    return [(calls[cid], reason) for cid, reason in seen.items() if cid in calls]


def _default_participants(line: LineOfBusiness, calls: list[Call]) -> list:
    """One supervisor (leading most of the calls' agents), the two QA who scored most of the
    line's calls lately, one trainer: the seed's three-party meeting."""
    User = get_user_model()
    agents = [c.agent_id for c in calls]
    busy = {getattr(c.agent, "user_id", None) for c in calls}
    people = []
    supervisor = (
        User.objects.filter(is_active=True, supervised_teams__agents__in=agents)
        .annotate(n=Count("supervised_teams__agents"))
        .order_by("-n", "pk")
        .first()
    )
    if supervisor is not None:
        people.append(supervisor)
    since = timezone.now() - dt.timedelta(days=28)
    qa = (
        User.objects.filter(is_active=True, groups__name=QA)
        .annotate(
            n=Count(
                "evaluations",
                filter=Q(evaluations__call__line_of_business=line, evaluations__submitted_at__gte=since),
            )
        )
        .order_by("-n", "pk")
    )
    people += [u for u in qa if u.pk not in busy][:2]
    trainer = User.objects.filter(is_active=True, groups__name=TRAINER).order_by("pk").first()
    if trainer is not None:
        people.append(trainer)
    return [u for u in dict.fromkeys(people) if u.pk not in busy and permissions.evaluator_role_for(u)]


def calibration_propose_week(*, week_start: dt.date) -> list[CalibrationSession]:
    """One proposed session per line of business (with a scorecard) from the week's calls:
    the calls flagged by a dispute or a double-scoring disagreement first, then random among the
    week's eligible calls (a recording or a transcript, not on a private line), up to the policy's
    3–5. Idempotent: a line and week that have a proposal are skipped."""
    policy = CalibrationPolicy.current()
    monday = week_start - dt.timedelta(days=week_start.weekday())
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=7)
    private = PrivateLine.objects.filter(active=True).values("line")
    created = []
    for line in LineOfBusiness.objects.order_by("code"):
        if CalibrationSession.objects.filter(
            line_of_business=line, week_start=monday, proposed_automatically=True
        ).exists():
            continue
        if selectors.scorecard_version_for_line(line) is None:
            continue
        picked = _flagged_calls(line, start, end, policy.tolerance)[: policy.calls_per_session]
        taken = {c.pk for c, _r in picked}
        eligible = list(
            Call.objects.filter(line_of_business=line, start_time__gte=start, start_time__lt=end)
            .filter(~Q(recording="") | Q(transcript__isnull=False))
            .exclude(line__in=private)
            .exclude(pk__in=taken)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rng = random.Random(f"calibration:{line.code}:{monday.isoformat()}")
        extra = rng.sample(eligible, min(len(eligible), policy.calls_per_session - len(picked)))
        picked += [(c, ItemReason.RANDOM) for c in Call.objects.filter(pk__in=extra).order_by("start_time")]
        if not picked:
            continue
        calls = [c for c, _r in picked]
        people = _default_participants(line, calls)
        with transaction.atomic():
            session = CalibrationSession.objects.create(
                title=_proposal_title(line, monday),
                line_of_business=line,
                week_start=monday,
                tolerance=policy.tolerance,
                proposed_automatically=True,
            )
            _add_items(session, picked)
            _add_participants(session, people)
        created.append(session)
    return created


# --- a call proposed by hand (the reliability page) ------------------------------------------


def _proposal_title(line: LineOfBusiness, monday: dt.date) -> str:
    return _("%(line)s calibration, week of %(week)s") % {"line": line.name, "week": monday.isoformat()}


def calibration_propose_call(*, call: Call, by, reason: str = ItemReason.DISAGREEMENT) -> CalibrationItem:
    """Add `call` to the next session of its line that is still proposed (the latest such
    proposal), or, when the line has none, to a new proposal for the current week with the
    weekly job's participants. For QA and managers, e.g. a double-scored pair that disagreed
    beyond tolerance. Refused (409) for a call already in a session under way (proposed, scoring
    or revealed) and when the session already has its maximum of calls."""
    if not permissions.can_run_calibration(by):
        raise PermissionDenied(permissions.NO_CALIBRATION)
    if reason not in ItemReason.values:
        raise ValidationError({"reason": _("Unknown reason '%(r)s'.") % {"r": reason}})
    _check_call(call, field="call")
    with transaction.atomic():
        # The call's row lock makes two proposals of it (a double click) one after the other:
        # the second sees the first's item and is refused.
        call = Call.objects.select_for_update().select_related("line_of_business", "agent").get(pk=call.pk)
        existing = (
            CalibrationItem.objects.filter(call=call, session__status__in=OPEN_STATUSES)
            .select_related("session")
            .first()
        )
        if existing is not None:
            raise IllegalTransition(
                _("Call %(call)s is already in the calibration session “%(title)s” (%(status)s).")
                % {"call": call, "title": existing.session.title, "status": existing.session.get_status_display()}
            )
        line = call.line_of_business
        session = (
            CalibrationSession.objects.select_for_update()
            .filter(line_of_business=line, status=SessionStatus.PROPOSED)
            .order_by("-week_start", "-pk")
            .first()
        )
        if session is None:
            today = timezone.localdate()
            monday = today - dt.timedelta(days=today.weekday())
            session = CalibrationSession.objects.create(
                title=_proposal_title(line, monday)[:160],
                line_of_business=line,
                week_start=monday,
                tolerance=CalibrationPolicy.current().tolerance,
                created_by=by,
            )
            _add_participants(session, _default_participants(line, [call]))
        elif session.items.count() >= MAX_CALLS:
            raise IllegalTransition(
                _("“%(title)s” already has %(n)s calls; open it or take a call out first.")
                % {"title": session.title, "n": MAX_CALLS}
            )
        _check_people([p.user for p in session.participants.select_related("user__agent")], [call])
        _add_items(session, [(call, reason)])
        return session.items.select_related("session").get(call=call)
