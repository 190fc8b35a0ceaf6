"""The evaluator appraisal (DESIGN.md §4, issue 9): how each evaluator — QA, supervisors,
trainers, anyone who scores — worked in a month, by the month of the work.

The figures, each with what it rests on (n)
-------------------------------------------
- On time: the evaluator's assignments *due* in the month, done with `completed_at` ≤ `due_at`,
  out of those due (95 % Wilson interval). Every reason counts — sampled picks, top-ups,
  coaching follow-ups, hand assignments, and the secondary ones (double scoring, dispute
  re-scores): all are work assigned with a due time. A cancelled assignment is left out (it was
  taken away), and so is one still open whose due time has not come yet (it cannot be late yet);
  one still open past its due time counts as late.
- Feedback SLA: the dashboard's rule (`dashboard.feedback_due` and `FEEDBACK_SLA_COUNTS`, written
  once): the evaluator's regular evaluations *submitted* in the month with a feedback deadline,
  met when delivered on or before it.
- Scoring time: `submitted_at − started_at` of the evaluator's regular, double-scoring,
  calibration and dispute re-score evaluations submitted in the month (self-evaluations are the
  agent's). Mean with its 95 % interval, and the median. A duration over `SCORING_TIME_CAP`
  (2 hours: a form left open overnight, not scoring time) or under `SCORING_TIME_FLOOR` (10
  seconds: answers written elsewhere and submitted in one go) is left out and counted apart, so
  one forgotten tab does not move the mean.
- Calibration: `scoring.selectors_calibration.participant_offsets` for sessions *closed* in the
  month — deviation (mean |total − consensus|) and alignment (points-weighted, 0–100 %) over the
  month's calls, each session weighted by its calls; how many sessions were within tolerance.
- Severity, the signed offset (+ lenient, − strict), two ways:
  from the consensus (the same offsets: the mean over the month's calibration calls; its 95 %
  interval treats each session as a cluster, since `participant_offsets` gives a mean per
  session — a cluster-robust interval with sessions − 1 degrees of freedom, none below two
  sessions), and from the second rater of double-scored pairs whose second was submitted in the
  month (`scoring.selectors_reliability.double_scored_pairs`): the evaluator's total minus the
  other's, whichever side they were, with Student's t interval. Not `scoring.stats.mean_interval`:
  it clamps to the 0–100 score range and an offset is signed; the same t quantile is used.
- Disputes: `scoring.selectors_disputes.overturns_by_evaluator` for disputes finally decided in
  the month: how many changed the evaluator's score.

The appraisal score and the drift alerts are computed by `reports.appraisal` (pure; its
docstring has the formula and a worked example), with the weights and thresholds of
`AppraisalPolicy`.

Queries: a fixed number whatever the number of evaluators or evaluations — one grouped query
each for assignments, feedback and scoring time, three for calibration, two for the pairs, one
per month for disputes, and one for the people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from monitoring.models import Assignment, AssignmentStatus
from monitoring.selectors import Period
from planning.selectors.people import evaluators
from qa_platform.roles import EVALUATOR_ROLES, MANAGER
from scoring.models import SCORED, Evaluation, Kind
from scoring.selectors_calibration import ParticipantOffset, participant_offsets
from scoring.selectors_disputes import OverturnCount, overturns_by_evaluator
from scoring.selectors_reliability import double_scored_pairs

from ..appraisal import TREND_MONTHS, EvaluatorMonth, evaluator_month
from ..models import AppraisalPolicy
from .dashboard import FEEDBACK_SLA_COUNTS, FeedbackSla, Share, feedback_due
from .periods import months_back

# --- queries ----------------------------------------------------------------------------------------

Key = tuple[int, tuple[int, int]]  # (user id, (year, month))
# What an evaluator scores as work (a self-evaluation is the agent's own).
SCORING_WORK = (Kind.REGULAR, Kind.CALIBRATION, Kind.REVIEW)


def _ym(value) -> tuple[int, int]:
    """(year, month) of a datetime in the center's time zone (or of a date)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.year, value.month


def _users(qs, field_name: str, user_ids: list[int] | None):
    return qs if user_ids is None else qs.filter(**{f"{field_name}__in": user_ids})


def _on_time(start, end, user_ids, now) -> dict[Key, Share]:
    """Assignments due in [start, end) that can be judged: done (on time when completed by the
    due time), or still open past the due time (late). One grouped query."""
    tz = timezone.get_current_timezone()
    qs = _users(Assignment.objects.filter(due_at__gte=start, due_at__lt=end), "evaluator_id", user_ids)
    qs = qs.filter(Q(status=AssignmentStatus.DONE) | Q(status=AssignmentStatus.OPEN, due_at__lte=now))
    rows = (
        qs.annotate(month=TruncMonth("due_at", tzinfo=tz))
        .values("evaluator_id", "month")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(status=AssignmentStatus.DONE, completed_at__lte=F("due_at"))))
        .order_by()
    )
    return {(r["evaluator_id"], _ym(r["month"])): Share(r["k"], r["n"]) for r in rows}


def _feedback(start, end, user_ids) -> dict[Key, FeedbackSla]:
    tz = timezone.get_current_timezone()
    qs = _users(Evaluation.objects.filter(feedback_due(start, end)), "evaluator_id", user_ids)
    rows = (
        qs.annotate(month=TruncMonth("submitted_at", tzinfo=tz))
        .values("evaluator_id", "month")
        .annotate(**FEEDBACK_SLA_COUNTS)
        .order_by()
    )
    counts = tuple(FEEDBACK_SLA_COUNTS)
    return {(r["evaluator_id"], _ym(r["month"])): FeedbackSla(**{c: r[c] for c in counts}) for r in rows}


def _scoring_seconds(start, end, user_ids) -> dict[Key, list[float]]:
    qs = Evaluation.objects.filter(
        kind__in=SCORING_WORK,
        status__in=SCORED,
        submitted_at__gte=start,
        submitted_at__lt=end,
        started_at__isnull=False,
    )
    out: dict[Key, list[float]] = defaultdict(list)
    for uid, started, submitted in _users(qs, "evaluator_id", user_ids).values_list(
        "evaluator_id", "started_at", "submitted_at"
    ):
        out[(uid, _ym(submitted))].append((submitted - started).total_seconds())
    return out


def _calibration(start, end, user_ids) -> dict[Key, list[ParticipantOffset]]:
    out: dict[Key, list[ParticipantOffset]] = defaultdict(list)
    for o in participant_offsets(since=start, until=end, user_ids=user_ids):
        out[(o.user_id, _ym(o.closed_at))].append(o)
    return out


def _pair_offsets(start, end, user_ids) -> dict[Key, list[float]]:
    """Per evaluator and month of the second's submission: their total minus the other's."""
    wanted = None if user_ids is None else set(user_ids)
    out: dict[Key, list[float]] = defaultdict(list)
    for p in double_scored_pairs(since=start, until=end, last=None, with_answers=False):
        month = _ym(p.submitted_at)
        for me, mine, theirs in (
            (p.first.id, p.first_total, p.second_total),
            (p.second.id, p.second_total, p.first_total),
        ):
            if wanted is None or me in wanted:
                out[(me, month)].append(mine - theirs)
    return out


def _overturns(months: Sequence[Period], user_ids) -> dict[Key, OverturnCount]:
    out: dict[Key, OverturnCount] = {}
    for period in months:
        for uid, count in overturns_by_evaluator(since=period.start, until=period.end).items():
            if user_ids is None or uid in user_ids:
                out[(uid, (period.year, period.month))] = count
    return out


NO_SHARE = Share(0, 0)
NO_FEEDBACK = FeedbackSla(due=0, met=0, late=0, waiting=0)
NO_DISPUTES = OverturnCount(resolved=0, overturned=0)


def appraisal_months(
    *, months: Sequence[Period], user_ids: Iterable[int] | None = None, policy: AppraisalPolicy
) -> dict[tuple[int, str], EvaluatorMonth]:
    """{(user id, "YYYY-MM"): figures} for `months` (consecutive, oldest first) and `user_ids`
    (None: everyone with any figure). A fixed number of queries whatever the number of users."""
    ids = None if user_ids is None else list(user_ids)
    start, end, now = months[0].start, months[-1].end, timezone.now()
    on_time = _on_time(start, end, ids, now)
    feedback = _feedback(start, end, ids)
    seconds = _scoring_seconds(start, end, ids)
    calibration = _calibration(start, end, ids)
    pairs = _pair_offsets(start, end, ids)
    disputes = _overturns(months, ids)
    found = {uid for source in (on_time, feedback, seconds, calibration, pairs, disputes) for uid, _m in source}
    out = {}
    for uid in found if ids is None else set(ids) | found:
        for period in months:
            key = (uid, (period.year, period.month))
            out[(uid, period.label)] = evaluator_month(
                user_id=uid,
                period=period,
                policy=policy,
                on_time=on_time.get(key, NO_SHARE),
                feedback=feedback.get(key, NO_FEEDBACK),
                seconds=seconds.get(key, ()),
                offsets=calibration.get(key, ()),
                pair_offsets=pairs.get(key, ()),
                disputes=disputes.get(key, NO_DISPUTES),
            )
    return out


# --- the pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    name: str
    roles: frozenset[str]


def _people(condition: Q) -> dict[int, Person]:
    return {pk: Person(pk, p["username"], p["name"], frozenset(p["roles"])) for pk, p in evaluators(condition).items()}


@dataclass
class CenterRow:
    person: Person
    month: EvaluatorMonth


@dataclass
class CenterAppraisal:
    period: Period
    policy: AppraisalPolicy
    rows: list[CenterRow]

    @property
    def alerts(self) -> list[CenterRow]:
        return [r for r in self.rows if r.month.drift]


def center_appraisal(*, period: Period, policy: AppraisalPolicy | None = None) -> CenterAppraisal:
    """Every evaluator's month: the active users holding an evaluator role, and anyone else with
    a figure that month (a manager who scored, someone since deactivated). The caller has
    checked `permissions.can_view_all_appraisals`."""
    policy = policy or AppraisalPolicy.current()
    figures = appraisal_months(months=[period], policy=policy)
    with_data = [uid for uid, _label in figures]
    people = _people(Q(is_active=True, groups__name__in=EVALUATOR_ROLES) | Q(pk__in=with_data))
    rows = []
    for uid, person in people.items():
        month = figures.get((uid, period.label)) or evaluator_month(
            user_id=uid,
            period=period,
            policy=policy,
            on_time=NO_SHARE,
            feedback=NO_FEEDBACK,
            seconds=(),
            offsets=(),
            pair_offsets=(),
            disputes=NO_DISPUTES,
        )
        rows.append(CenterRow(person, month))
    rows.sort(key=lambda r: (r.person.name.lower(), r.person.user_id))
    return CenterAppraisal(period, policy, rows)


@dataclass
class EvaluatorAppraisal:
    person: Person
    period: Period  # the latest month shown
    policy: AppraisalPolicy
    months: list[EvaluatorMonth]  # oldest first

    @property
    def alerts(self) -> list[EvaluatorMonth]:
        """The months with a drift alert, newest first."""
        return [m for m in reversed(self.months) if m.drift]

    @property
    def latest(self) -> EvaluatorMonth:
        return self.months[-1]


def appraised_user(user_id: int) -> Person | None:
    """The person an appraisal page may show: an existing user holding an evaluator role or
    the manager role (managers score too). One query."""
    return _people(Q(pk=user_id, groups__name__in=(*EVALUATOR_ROLES, MANAGER))).get(user_id)


def evaluator_appraisal(
    *, person: Person, period: Period, policy: AppraisalPolicy | None = None, months: int = TREND_MONTHS
) -> EvaluatorAppraisal:
    """`person`'s last `months` months ending with `period`. The caller has checked
    `permissions.require_appraisal_of`."""
    policy = policy or AppraisalPolicy.current()
    periods = months_back(period, months)
    figures = appraisal_months(months=periods, user_ids=[person.user_id], policy=policy)
    return EvaluatorAppraisal(person, period, policy, [figures[(person.user_id, p.label)] for p in periods])


POLICY_FIELDS = (
    "weight_on_time",
    "weight_feedback",
    "weight_alignment",
    "weight_severity",
    "weight_disputes",
    "severity_scale",
    "drift_offset",
    "drift_alignment",
)


def policy_history(limit: int = 20) -> list[dict]:
    """The policy's latest changes, newest first: who, when, what (setting: old → new). One
    query: each record is compared with the one before it in the same list."""
    records = list(
        AppraisalPolicy.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    out = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, included_fields=list(POLICY_FIELDS))
            changes = [
                {"label": str(AppraisalPolicy._meta.get_field(c.field).verbose_name), "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        out.append(
            {"when": record.history_date, "who": record.history_user, "type": record.history_type, "changes": changes}
        )
    return out
