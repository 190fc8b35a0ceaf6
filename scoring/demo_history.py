"""The demo's history, told the way it happened (issue 15).

seed_demo builds months of work in seconds: rows are bulk-inserted in their final state, or made
by the services (which stamp the present) and moved back in time with `.update()`. Left at that,
an evaluation's history would say it was created by nobody (or by whoever ran the seed) after it
was submitted. These helpers write the history the product would have written had each step been
taken by its person at its time:

- `*_to_history` write the historical rows of objects bulk-inserted in their final state, one per
  lifecycle step, each a snapshot of the object as that step left it (later steps' fields still
  empty), with one INSERT … SELECT per step;
- `restamp_*` move the historical rows the services wrote to when, and by whom, each step was
  taken, reading the step from the row's own snapshot (its status, what it has set).

Everything is set-based: a few queries per model, whatever the size of the demo.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast

from monitoring.demo import CENTER_TZ
from monitoring.models import Agent, Assignment, AssignmentStatus

from .models import Answer, Dispute, DisputeStatus, Evaluation, Status
from .models_calibration import CalibrationItem, CalibrationParticipant, CalibrationSession, SessionStatus

Step = tuple[dt.datetime, int | None]  # when, and the id of the user who did it (None: the system)

# An evaluation's lifecycle: (status reached, the time it was reached, the fields that step set).
EVALUATION_STEPS = (
    (Status.IN_PROGRESS, "started_at", ("started_at",)),
    (
        Status.SUBMITTED,
        "submitted_at",
        ("total", "critical_failed", "summary", "draft_saved_at", "submitted_at", "feedback_due_at"),
    ),
    (Status.FEEDBACK_DELIVERED, "feedback_delivered_at", ("feedback_delivered_at", "feedback_delivered_by_id")),
    (Status.ACKNOWLEDGED, "acknowledged_at", ("acknowledged_at",)),
    (Status.DISPUTED, "disputed_at", ("disputed_at",)),
    (Status.RESOLVED, "resolved_at", ("resolved_at",)),
)
EVALUATION_TIMES = (
    "created_at",
    "started_at",
    "draft_saved_at",
    "submitted_at",
    "feedback_due_at",
    "feedback_delivered_at",
    "acknowledged_at",
    "disputed_at",
    "resolved_at",
)


def local_time(day: dt.date, hours: float) -> dt.datetime:
    """`hours` hours after midnight of `day` in the center, aware."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(CENTER_TZ)) + dt.timedelta(hours=hours)


# --- rows for objects bulk-inserted in their final state ---------------------------------------


@functools.cache
def _history_of(model: type[models.Model]):
    """The model's historical model and the fields it tracks (`Model.history` builds a manager
    class on every access)."""
    History = model.history.model
    return History, tuple(History.tracked_fields)


def _empty(field: models.Field):
    """What a field holds before the step that sets it: its default, or NULL."""
    default = field.get_default()
    return Value(default, output_field=field) if default is not None else Cast(Value(None), output_field=field)


def copy_to_history(queryset: models.QuerySet, *, kind: str, when, who, changes: dict | None = None) -> None:
    """A historical row for every row of `queryset`, written by the database in one
    INSERT … SELECT: the row as it stands but for `changes` (field name → expression, or None for
    the field's empty value), dated `when` and credited to `who` (expressions on the row)."""
    History, tracked = _history_of(queryset.model)
    changes = changes or {}
    columns = {}
    for field in tracked:
        name = field.name if field.name in changes else field.attname
        if name in changes:
            change = changes[name]
            columns[field] = _empty(field) if change is None else change
        else:
            columns[field] = F(field.attname)
    columns[History._meta.get_field("history_date")] = when
    columns[History._meta.get_field("history_user")] = who
    columns[History._meta.get_field("history_type")] = Value(kind)
    columns[History._meta.get_field("history_change_reason")] = Value("")
    aliases = {f"h_{index}": expression for index, expression in enumerate(columns.values())}
    select = queryset.order_by().annotate(**aliases).values(*aliases)
    try:
        sql, params = select.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: a small demo with none of these rows
        return
    quote = connection.ops.quote_name
    target = ", ".join(quote(field.column) for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(History._meta.db_table)} ({target}) {sql}", params)


def _cleared(*steps) -> dict:
    return {name: None for _status, _stamp, names in steps for name in names}


def evaluations_to_history(evaluations: models.QuerySet) -> None:
    """The history of evaluations bulk-inserted in their final state: a row per step each went
    through, in order, by the person who took it: the evaluator starts and submits (delivering
    the feedback with it, as the scoring page does, when both were one moment), the deliverer
    delivers, the agent (their login, if they have one) acknowledges or disputes, the resolver
    decides."""
    agent_user = Subquery(Agent.objects.filter(pk=OuterRef("agent_id")).values("user_id")[:1])
    resolver = Subquery(
        Dispute.objects.filter(evaluation=OuterRef("pk"), resolved_at__isnull=False)
        .order_by("-resolved_at")
        .values("resolved_by_id")[:1]
    )
    not_delivered_on_submit = (
        Q(feedback_delivered_at__isnull=True)
        | ~Q(feedback_delivered_at=F("submitted_at"))
        | ~Q(feedback_delivered_by=F("evaluator"))
    )
    who = {
        Status.IN_PROGRESS: F("evaluator_id"),
        Status.SUBMITTED: F("evaluator_id"),
        Status.FEEDBACK_DELIVERED: F("feedback_delivered_by_id"),
        Status.ACKNOWLEDGED: agent_user,
        Status.DISPUTED: agent_user,
        Status.RESOLVED: resolver,
    }
    for index, (status, stamp, _names) in enumerate(EVALUATION_STEPS):
        rows = evaluations.filter(**{f"{stamp}__isnull": False})
        if status == Status.SUBMITTED:
            rows = rows.filter(not_delivered_on_submit)
        copy_to_history(
            rows,
            kind="+" if index == 0 else "~",
            when=F(stamp),
            who=who[status],
            changes={"status": Value(status), **_cleared(*EVALUATION_STEPS[index + 1 :])},
        )


def assignments_to_history(assignments: models.QuerySet) -> None:
    """Assignments bulk-inserted done: routed by whoever made them (the sampler: nobody), opened
    and done by their evaluator."""
    is_open = Value(AssignmentStatus.OPEN)
    copy_to_history(
        assignments,
        kind="+",
        when=F("created_at"),
        who=F("created_by_id"),
        changes={"status": is_open, "started_at": None, "completed_at": None},
    )
    copy_to_history(
        assignments.filter(started_at__isnull=False),
        kind="~",
        when=F("started_at"),
        who=F("evaluator_id"),
        changes={"status": is_open, "completed_at": None},
    )
    copy_to_history(
        assignments.filter(completed_at__isnull=False), kind="~", when=F("completed_at"), who=F("evaluator_id")
    )


def disputes_to_history(disputes: models.QuerySet) -> None:
    """Disputes bulk-inserted: raised by the agent, then decided by their resolver."""
    undecided = {"status": Value(DisputeStatus.OPEN), "resolved_by": None, "resolution": None, "resolved_at": None}
    copy_to_history(
        disputes, kind="+", when=F("raised_at"), who=F("raised_by_id"), changes={**undecided, "adjusted_total": None}
    )
    copy_to_history(
        disputes.filter(resolved_at__isnull=False), kind="~", when=F("resolved_at"), who=F("resolved_by_id")
    )


# --- moving rows the services wrote ----------------------------------------------------------


def restamp(
    model: type[models.Model],
    objects: dict[int, models.Model],
    step: Callable[[models.Model, models.Model], Step],
    *,
    times: Sequence[str] = (),
) -> int:
    """Move the historical rows of `objects` (pk → current row) to `step(current, record)`, and
    their snapshots' `times` (those the step had set) to the current values. Returns the rows moved."""
    History = _history_of(model)[0]
    records = list(History.objects.filter(id__in=list(objects)).order_by("id", "history_id"))
    moves: dict[Step, list[int]] = defaultdict(list)
    for record in records:
        moves[step(objects[record.id], record)].append(record.history_id)
    # Rows of one step share their time and person (an evaluation's answers, a session's calls):
    # an UPDATE per step is cheaper than bulk_update's CASE over every row.
    for (at, by), ids in moves.items():
        History.objects.filter(history_id__in=ids).update(history_date=at, history_user_id=by)
    # A snapshot's times are the ones the demo moved the row to; the last is the row as it stands.
    ids = list(objects)
    latest = list({record.id: record.history_id for record in records}.values())
    for name in times:
        current = Subquery(model.objects.filter(pk=OuterRef("id")).values(name)[:1])
        History.objects.filter(id__in=ids, **{f"{name}__isnull": False}).update(**{name: current})
        History.objects.filter(history_id__in=latest).update(**{name: current})
    return len(records)


def restamp_evaluations(evaluations: models.QuerySet) -> None:
    """Evaluations the services made and the demo moved back: created when started, and every
    historical row (theirs and their answers') at its step's time, by its step's person."""
    evaluations.filter(started_at__isnull=False).update(created_at=F("started_at"))
    current = evaluations.select_related("agent").in_bulk()
    resolver = dict(
        Dispute.objects.filter(evaluation__in=list(current), resolved_at__isnull=False)
        .order_by("resolved_at")
        .values_list("evaluation_id", "resolved_by_id")
    )

    def step(ev: Evaluation, record) -> Step:
        if record.history_type == "+":
            return ev.created_at, ev.evaluator_id
        status = record.status
        if status == Status.IN_PROGRESS:
            return ev.draft_saved_at or ev.started_at, ev.evaluator_id
        if status == Status.SUBMITTED:
            return ev.submitted_at, ev.evaluator_id
        if status == Status.FEEDBACK_DELIVERED:
            return ev.feedback_delivered_at, ev.feedback_delivered_by_id
        if status == Status.ACKNOWLEDGED:
            return ev.acknowledged_at, ev.agent.user_id
        if status == Status.DISPUTED:
            return ev.disputed_at, ev.agent.user_id
        return ev.resolved_at, resolver.get(ev.pk)

    restamp(Evaluation, current, step, times=EVALUATION_TIMES)

    def answer_step(answer: Answer, record) -> Step:
        ev = current[answer.evaluation_id]
        if record.history_type != "+" and ev.resolved_at is not None:
            return ev.resolved_at, resolver.get(ev.pk)  # the decision of an adjusted dispute
        return ev.submitted_at or ev.draft_saved_at or ev.started_at, ev.evaluator_id

    restamp(Answer, Answer.objects.filter(evaluation__in=list(current)).in_bulk(), answer_step)


def restamp_assignments(assignments: models.QuerySet) -> None:
    """Assignments made by the services: made by whoever routed them, opened and done by their evaluator."""

    def step(a: Assignment, record) -> Step:
        if record.history_type == "+":
            return a.created_at, a.created_by_id
        if record.status == AssignmentStatus.DONE:
            return a.completed_at, a.evaluator_id
        return a.started_at or a.created_at, a.evaluator_id

    restamp(Assignment, assignments.in_bulk(), step, times=("created_at", "due_at", "started_at", "completed_at"))


def restamp_disputes(disputes: models.QuerySet) -> None:
    """Disputes made by the services: raised (and routed) by the agent, their blind re-score
    opened by the reviewer, decided by the resolver."""
    current = disputes.in_bulk()
    review_started = dict(
        Evaluation.objects.filter(pk__in=[d.review_id for d in current.values() if d.review_id]).values_list(
            "pk", "started_at"
        )
    )

    def step(d: Dispute, record) -> Step:
        if record.status != DisputeStatus.OPEN:
            return d.resolved_at, d.resolved_by_id
        if record.review_id is not None:
            return review_started.get(record.review_id, d.raised_at), d.reviewer_id
        return d.raised_at, d.raised_by_id

    restamp(Dispute, current, step, times=("raised_at", "review_due_at", "resolved_at"))


SESSION_STAMPS = {
    SessionStatus.SCORING: "started_at",
    SessionStatus.REVEALED: "revealed_at",
    SessionStatus.CLOSED: "closed_at",
}


def restamp_sessions(sessions: models.QuerySet) -> None:
    """Calibration sessions: created by their creator (the weekly job: nobody), opened, revealed
    and closed by their facilitator; their calls added at creation and agreed at the consensus,
    their participants invited at creation."""
    current = sessions.in_bulk()

    def step(s: CalibrationSession, record) -> Step:
        stamp = SESSION_STAMPS.get(record.status)
        if record.history_type == "+" or stamp is None:
            return s.created_at, s.created_by_id
        return getattr(s, stamp) or s.created_at, s.facilitator_id

    restamp(CalibrationSession, current, step, times=("created_at", "started_at", "revealed_at", "closed_at"))

    def item_step(item: CalibrationItem, record) -> Step:
        if record.consensus_at is not None:
            return item.consensus_at, item.consensus_by_id
        session = current[item.session_id]
        return session.created_at, session.created_by_id

    items = CalibrationItem.objects.filter(session__in=list(current)).in_bulk()
    restamp(CalibrationItem, items, item_step, times=("consensus_at",))
    for pk, session in current.items():
        CalibrationParticipant.objects.filter(session_id=pk).update(invited_at=session.created_at)
    participants = CalibrationParticipant.objects.filter(session__in=list(current)).in_bulk()

    def participant_step(p: CalibrationParticipant, record) -> Step:
        session = current[p.session_id]
        return session.created_at, session.created_by_id

    restamp(CalibrationParticipant, participants, participant_step, times=("invited_at",))


RESTAMPED = (CalibrationSession, Evaluation, Assignment, Dispute)


def last_pks() -> dict:
    """The last primary key of each model `restamp_since` moves (0 for none yet)."""
    return {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for model in RESTAMPED}


def restamp_since(before: dict) -> None:
    """Move the history of everything the services made since `last_pks()` gave `before`."""
    restamp_sessions(CalibrationSession.objects.filter(pk__gt=before[CalibrationSession]))
    restamp_evaluations(Evaluation.objects.filter(pk__gt=before[Evaluation]))
    restamp_assignments(Assignment.objects.filter(pk__gt=before[Assignment]))
    restamp_disputes(Dispute.objects.filter(pk__gt=before[Dispute]))


def stamp_new_rows(models_: Iterable[type[models.Model]], since: dict, *, at: dt.datetime, by) -> None:
    """Stamp the historical rows written since `since` (from `history_marks`) with `at` and `by`:
    for a step made through a service whose time and person are known."""
    for model in models_:
        model.history.model.objects.filter(history_id__gt=since[model]).update(history_date=at, history_user=by)


def history_marks(models_: Iterable[type[models.Model]]) -> dict:
    """The last historical row id of each model (0 for none yet)."""
    out = {}
    for model in models_:
        last = model.history.model.objects.order_by("-history_id").values_list("history_id", flat=True).first()
        out[model] = last or 0
    return out
