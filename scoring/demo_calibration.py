"""Demo data for calibration and evaluator quality (DESIGN.md §4, issue 9).

Called by `seed_demo` right after `scoring.demo.seed_scoring`, inside the same transaction. Every
write goes through the services, as a person would make it; the services stamp the present, so
the times are moved back afterwards:

- double scoring: about 5 % of the history's regular evaluations also went blind to a second QA
  auditor (a double-scoring assignment from the same sampler run, and its submitted score). Each auditor has a leaning and
  about a quarter of the pairs lie beyond the policy's tolerance, so /reliability/ has figures,
  a trend and pairs to propose;
- past weekly sessions: one a week (billing and technical support in turn), 3–4 calls — a
  disagreeing double-scored call among them when the week has one — scored blind by the demo
  `supervisor` (lenient by a point here and there), `qa`, `trainer` (strict) and, every other
  week, a second QA; revealed, agreed call by call and closed;
- the latest history week's session still scoring, where `qa` has two calls left (one a draft);
- the weekly job's proposals for last week, one of which a disagreeing call was added to.

Afterwards every historical row those services wrote (evaluations and their answers, assignments,
disputes, sessions, their calls and participants) is moved to when its step was taken and
credited to whoever took it (demo_history.restamp_*).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from monitoring.demo import CENTER_TZ, DemoOrg
from monitoring.models import Assignment, AssignmentReason, Call, PrivateLine
from qa_platform import roles

from . import demo_history, demo_texts, formula, services
from .demo import _answers, _specs
from .demo_history import local_time
from .models import (
    SCORED,
    Answer,
    CalibrationItem,
    CalibrationPolicy,
    CalibrationSession,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    ScorecardVersion,
)
from .services import AnswerInput

DOUBLE_SCORED_SHARE = 0.05
DISAGREEING_SHARE = 0.25  # of the pairs: beyond the tolerance
SESSION_LINES = ("billing", "tech-support")
DRAWS = 12  # attempts to draw a rater's answers on the wanted side of the tolerance


@dataclass(frozen=True)
class Leaning:
    """How a rater departs from what the call deserves: `lenient` > 0 gives a point more (a
    scale step up, a missed step let pass), < 0 a point less; `noise` is a scale step either way;
    `slips` a yes/no answered the other way. Critical criteria are never slipped (one would zero
    the total and say nothing about the rater)."""

    lenient: float = 0.0
    noise: float = 0.1
    slips: float = 0.03


SUPERVISOR = Leaning(lenient=0.5)
TRAINER = Leaning(lenient=-0.3)
QA_LEAD = Leaning(noise=0.12, slips=0.03)
OTHER_QA = (Leaning(lenient=-0.25, noise=0.15), Leaning(lenient=0.3, noise=0.15), Leaning(noise=0.2))

WIDEST_GAP = 3  # × the tolerance: a disagreeing pair is beyond it, but not absurdly so
DISAGREEING = (Leaning(noise=0.3, slips=0.15), Leaning(noise=0.5, slips=0.3))  # the second if the first falls short


@dataclass
class Scored:
    """A regular evaluation of the history, the reference a second rater departs from."""

    pk: int
    call_id: int
    version_id: int
    evaluator_id: int
    submitted_at: dt.datetime
    line: str
    week: dt.date
    probability: float | None
    answers: dict[int, int | str] | None = None  # criterion id → value or formula.NA
    assigned_at: dt.datetime | None = None  # when the sampler routed it, and when it was due
    assignment_due: dt.datetime | None = None


def seed_calibration(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    history = org.weeks[:-1]
    if not history:
        return {}
    before = demo_history.last_pks()  # what the services make from here on is moved to its time
    scored = _regular_evaluations()
    specs = {v.pk: _specs(v) for v in ScorecardVersion.objects.filter(pk__in={s.version_id for s in scored})}
    zeroes = dict(ScorecardVersion.objects.values_list("pk", "critical_zeroes"))
    tolerance = float(CalibrationPolicy.current().tolerance)
    rater = Rater(rng, specs, zeroes)

    pairs = _double_scoring(rng, org, scored, rater, tolerance)
    beyond = [s for s, gap in pairs if gap > tolerance]
    # Random session calls are neither double-scored nor in another session; a disagreeing pair
    # joins its week's session as the flagged call.
    used = {s.call_id for s, _gap in pairs}
    closed_weeks = history[:-1] or history[:1]
    closed = 0
    for index, week in enumerate(closed_weeks):
        # The lines take turns, the latest closed session on the other line than the one scoring.
        line = SESSION_LINES[(len(closed_weeks) - index) % len(SESSION_LINES)]
        calls = _pick(rng, scored, week=week, line=line, n=3, exclude=used)
        if not calls:
            continue
        flagged = next((s for s in beyond if s.week == week and s.line == line), None)
        _closed_session(rng, org, week, line, calls, flagged, _people(org, second_qa=index % 2 == 0), rater)
        closed += 1
        used.update(s.call_id for s in calls)
    scoring = _scoring_session(rng, org, history[-1], scored, used, rater)
    proposals, flagged_item = _weekly_proposals(org, beyond)
    disputes = _resolved_disputes(rng, org, scored, rater, tolerance)
    demo_history.restamp_since(before)
    if flagged_item is not None:
        _stamp_flagged(org, flagged_item)
    return {
        "double-scored pairs": len(pairs),
        "double-scored pairs beyond tolerance": len(beyond),
        "calibration sessions closed": closed,
        "calibration sessions scoring": int(scoring),
        "calibration sessions proposed": proposals,
        "disputes re-scored blind and decided": disputes,
    }


def _regular_evaluations() -> list[Scored]:
    tz = zoneinfo.ZoneInfo(CENTER_TZ)
    rows = (
        Evaluation.objects.filter(kind=Kind.REGULAR, status__in=SCORED, submitted_at__isnull=False)
        .exclude(assignment__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "call_id",
            "version_id",
            "evaluator_id",
            "submitted_at",
            "call__line_of_business__code",
            "call__start_time",
            "assignment__inclusion_probability",
            "assignment__created_at",
            "assignment__due_at",
        )
    )
    out = []
    for pk, call_id, version_id, evaluator_id, submitted_at, line, start, probability, assigned, due in rows:
        day = start.astimezone(tz).date()
        week = day - dt.timedelta(days=day.weekday())
        scored = Scored(pk, call_id, version_id, evaluator_id, submitted_at, line, week, probability)
        scored.assigned_at, scored.assignment_due = assigned, due
        out.append(scored)
    return out


def _load_answers(scored: Iterable[Scored]) -> None:
    """The reference answers of these evaluations (one query)."""
    by_pk = {s.pk: s for s in scored if s.answers is None}
    for s in by_pk.values():
        s.answers = {}
    rows = Answer.objects.filter(evaluation_id__in=list(by_pk)).values_list(
        "evaluation_id", "criterion_id", "value", "is_na"
    )
    for evaluation_id, criterion_id, value, is_na in rows:
        by_pk[evaluation_id].answers[criterion_id] = formula.NA if is_na else value


class Rater:
    """Draws a rater's answers from a call's reference answers and a `Leaning`, and their total."""

    def __init__(self, rng: random.Random, specs: dict, zeroes: dict):
        self.rng, self.specs, self.zeroes = rng, specs, zeroes

    def answers(self, s: Scored, leaning: Leaning) -> dict[int, int | str]:
        rng = self.rng
        out = {}
        for section in self.specs[s.version_id]:
            for c in section.criteria:
                v = s.answers.get(c.id, formula.NA)
                if v != formula.NA and not c.critical:
                    v = self._lean(rng, c, v, leaning)
                out[c.id] = v
        return out

    @staticmethod
    def _lean(rng: random.Random, c, v: int, leaning: Leaning) -> int:
        if c.kind == formula.SCALE:
            if rng.random() < leaning.noise:
                v += rng.choice((-1, 1))
            if rng.random() < abs(leaning.lenient):
                v += 1 if leaning.lenient > 0 else -1
            return max(0, min(c.scale_max, v))
        if rng.random() < leaning.slips:
            v = 1 - v
        if leaning.lenient > 0 and v == 0 and rng.random() < leaning.lenient:
            return 1
        if leaning.lenient < 0 and v == 1 and rng.random() < -leaning.lenient * 0.3:
            return 0
        return v

    def total(self, s: Scored, answers: dict) -> float:
        result = formula.compute(self.specs[s.version_id], answers, critical_zeroes=self.zeroes[s.version_id])
        return float(result.total or 0)

    def gap(self, s: Scored, answers: dict) -> float:
        return abs(self.total(s, answers) - self.total(s, s.answers))

    def most_split(self, s: Scored, answer_sets: list[dict]) -> str | None:
        """The criterion the raters' answers were furthest apart on (as a share of its scale)."""
        widest, text = 0.0, None
        for section in self.specs[s.version_id]:
            for c in section.criteria:
                values = [a[c.id] for a in answer_sets if a.get(c.id, formula.NA) != formula.NA]
                if len(values) >= 2 and (max(values) - min(values)) / c.scale_max > widest:
                    widest, text = (max(values) - min(values)) / c.scale_max, c.text
        return text


def _inputs(answers: dict[int, int | str]) -> list[AnswerInput]:
    return [
        AnswerInput(criterion_id=cid, value=None if v == formula.NA else v, na=v == formula.NA)
        for cid, v in answers.items()
    ]


def _past(moment: dt.datetime, margin_minutes: float = 30) -> dt.datetime:
    return min(moment, timezone.now() - dt.timedelta(minutes=margin_minutes))


# --- double scoring ----------------------------------------------------------------------------


def _double_scoring(rng, org: DemoOrg, scored: list[Scored], rater: Rater, tolerance: float) -> list[tuple]:
    """About 5 % of the history's regular evaluations, scored a second time, blind, from a
    double-scoring assignment to another QA auditor (routed by the same sampler run as the
    first, and due with it); (reference, |difference|) per pair."""
    n = min(len(scored), max(3, round(DOUBLE_SCORED_SHARE * len(scored))))
    picked = sorted(rng.sample(scored, n), key=lambda s: s.pk)
    _load_answers(picked)
    auditors = org.qa_auditors
    leaning = {u.pk: OTHER_QA[i % len(OTHER_QA)] if i else QA_LEAD for i, u in enumerate(auditors)}
    calls = Call.objects.in_bulk([s.call_id for s in picked])
    versions = ScorecardVersion.objects.in_bulk({s.version_id for s in picked})
    out = []
    for index, s in enumerate(picked):
        second = rng.choice([u for u in auditors if u.pk != s.evaluator_id])
        disagree = index % round(1 / DISAGREEING_SHARE) == 1
        # Drawn again with more slips if need be: a small demo may have one disagreeing pair in all.
        for attempt in range(DRAWS * (len(DISAGREEING) if disagree else 1)):
            answers = rater.answers(s, DISAGREEING[attempt // DRAWS] if disagree else leaning[second.pk])
            gap = rater.gap(s, answers)
            if (tolerance < gap <= WIDEST_GAP * tolerance) if disagree else gap <= tolerance:
                break
        due = s.assignment_due
        assignment = Assignment.objects.create(
            call_id=s.call_id,
            evaluator=second,
            evaluator_role=roles.QA,
            reason=AssignmentReason.DOUBLE_SCORING,
            inclusion_probability=s.probability,
            period_start=s.week,
            due_at=due,
        )
        evaluation = services.evaluation_start(
            call=calls[s.call_id],
            by=second,
            kind=Kind.CALIBRATION,
            assignment=assignment,
            version=versions[s.version_id],
        )
        services.evaluation_submit(evaluation=evaluation, by=second, answers=_inputs(answers))
        submitted = _past(s.submitted_at + dt.timedelta(hours=rng.uniform(3, 40)), 60)
        started = submitted - dt.timedelta(minutes=rng.uniform(7, 22))
        Evaluation.objects.filter(pk=evaluation.pk).update(
            started_at=started, draft_saved_at=submitted, submitted_at=submitted
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            created_at=s.assigned_at, started_at=started, completed_at=submitted
        )
        out.append((s, rater.gap(s, answers)))
    return out


# --- sessions ----------------------------------------------------------------------------------


def _people(org: DemoOrg, *, second_qa: bool) -> list:
    people = [org.users["supervisor"], org.users["qa"], org.users["trainer"]]
    if second_qa and len(org.qa_auditors) > 1:
        people.append(org.qa_auditors[1])
    return people


def _leaning(org: DemoOrg, user) -> Leaning:
    by_user = {org.users["supervisor"].pk: SUPERVISOR, org.users["trainer"].pk: TRAINER, org.users["qa"].pk: QA_LEAD}
    return by_user.get(user.pk, OTHER_QA[0])


def _pick(rng, scored: list[Scored], *, week: dt.date, line: str, n: int, exclude: set[int]) -> list[Scored]:
    pool = [s for s in scored if s.week == week and s.line == line and s.call_id not in exclude]
    return sorted(rng.sample(pool, min(n, len(pool))), key=lambda s: s.pk)


def _title(line: str, week: dt.date, org: DemoOrg) -> str:
    return demo_texts.for_org(org).TITLE.format(line=org.lines[line].name, week=week.isoformat())


def _score(rater: Rater, org: DemoOrg, item: CalibrationItem, reference: Scored, person, *, submit: bool = True):
    """`person` scores the session's call after their leaning (a draft of half of it unless
    `submit`); their answers."""
    evaluation = services.calibration_start_scoring(item=item, by=person)
    answers = rater.answers(reference, _leaning(org, person))
    if submit:
        services.evaluation_submit(evaluation=evaluation, by=person, answers=_inputs(answers))
    else:
        half = _inputs(answers)[: len(answers) // 2]
        services.evaluation_save_draft(evaluation=evaluation, by=person, answers=half)
    return answers


def _closed_session(rng, org, week, line, calls, flagged, people, rater) -> None:
    """A past weekly session: created on the Monday after its week, scored blind over two days,
    revealed, agreed and closed at the Wednesday meeting."""
    qa, texts = org.users["qa"], demo_texts.for_org(org)
    meeting = local_time(week + dt.timedelta(days=9), 15)
    session = services.calibration_session_create(
        by=qa,
        title=_title(line, week, org),
        week_start=week,
        calls=[Call.objects.get(pk=s.call_id) for s in calls],
        participants=people,
        line_of_business=org.lines[line],
        scheduled_at=meeting,
        notes=texts.SESSION_NOTES,
    )
    references = {s.call_id: s for s in calls}
    if flagged is not None and flagged.call_id not in references:
        services.calibration_propose_call(call=Call.objects.get(pk=flagged.call_id), by=qa)
        references[flagged.call_id] = flagged
    _load_answers(references.values())
    session = services.calibration_session_open(session=session, by=qa)
    items = list(session.items.select_related("call"))
    given = {
        item.pk: [_score(rater, org, item, references[item.call_id], person) for person in people] for item in items
    }
    services.calibration_reveal(session=session, by=qa)
    for item in items:
        reference = references[item.call_id]
        split = rater.most_split(reference, given[item.pk])
        notes = texts.MOST_DISCUSSED.format(split=split) if split else ""
        services.calibration_record_consensus(
            item=item, by=qa, answers=_inputs(reference.answers), notes=notes + rng.choice(texts.AGREED)
        )
    services.calibration_close(session=session, by=qa)
    created = local_time(week + dt.timedelta(days=7), 9)
    _move_session(rng, session, created=created, scoring_until=meeting - dt.timedelta(hours=2))
    CalibrationSession.objects.filter(pk=session.pk).update(
        revealed_at=meeting + dt.timedelta(minutes=5), closed_at=meeting + dt.timedelta(minutes=70)
    )
    CalibrationItem.objects.filter(session=session).update(consensus_at=meeting + dt.timedelta(minutes=50))


def _scoring_session(rng, org, week, scored, used, rater) -> bool:
    """The latest history week's session, facilitated by the manager: the others have scored
    every call; `qa` has submitted one, saved a draft of another and not opened the third."""
    calls = _pick(rng, scored, week=week, line=SESSION_LINES[0], n=3, exclude=used)
    if len(calls) < 3:
        return False
    _load_answers(calls)
    manager, qa = org.users["manager"], org.users["qa"]
    people = [org.users["supervisor"], qa, org.users["trainer"], *org.qa_auditors[1:2]]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    session = services.calibration_session_create(
        by=manager,
        title=_title(SESSION_LINES[0], week, org),
        week_start=week,
        calls=[Call.objects.get(pk=s.call_id) for s in calls],
        participants=people,
        line_of_business=org.lines[SESSION_LINES[0]],
        scheduled_at=local_time(tomorrow, 15),
    )
    session = services.calibration_session_open(session=session, by=manager)
    references = {s.call_id: s for s in calls}
    for index, item in enumerate(session.items.select_related("call")):
        for person in people:
            if person.pk == qa.pk and index > 0:
                if index == 1:
                    _score(rater, org, item, references[item.call_id], person, submit=False)
                continue
            _score(rater, org, item, references[item.call_id], person)
    used.update(references)
    _move_session(rng, session, created=local_time(week + dt.timedelta(days=7), 9), scoring_until=timezone.now())
    return True


def _move_session(rng, session: CalibrationSession, *, created: dt.datetime, scoring_until: dt.datetime) -> None:
    """The services stamped the present: move the session and its scores back to when they were
    made (its scores between the opening and `scoring_until`)."""
    started = _past(created + dt.timedelta(minutes=30))
    CalibrationSession.objects.filter(pk=session.pk).update(created_at=_past(created), started_at=started)
    span = max(60.0, (_past(scoring_until) - started).total_seconds())
    for evaluation in Evaluation.objects.filter(calibration_item__session=session).order_by("pk"):
        saved = started + dt.timedelta(seconds=rng.uniform(0.1, 1.0) * span)
        opened = max(started, saved - dt.timedelta(minutes=rng.uniform(6, 20)))  # not before scoring opened
        update = {"started_at": opened, "draft_saved_at": saved}
        if evaluation.submitted_at is not None:
            update["submitted_at"] = saved
        Evaluation.objects.filter(pk=evaluation.pk).update(**update)


def _weekly_proposals(org: DemoOrg, disagreeing: list[Scored]) -> tuple[int, CalibrationItem | None]:
    """The Monday job's proposals for last week, and a disagreeing double-scored call a QA lead
    added to its line's proposal from the reliability page (that call's item)."""
    sessions = services.calibration_propose_week(week_start=org.weeks[-1])
    monday = org.weeks[-1] + dt.timedelta(days=7)
    CalibrationSession.objects.filter(pk__in=[s.pk for s in sessions]).update(created_at=_past(local_time(monday, 6)))
    proposed_lines = {s.line_of_business.code for s in sessions}
    # The job flags the disagreements of last week itself; an older one not yet in a session:
    in_sessions = set(CalibrationItem.objects.values_list("call_id", flat=True))
    candidate = next(
        (s for s in reversed(disagreeing) if s.line in proposed_lines and s.call_id not in in_sessions), None
    )
    item = None
    if candidate is not None:
        item = services.calibration_propose_call(call=Call.objects.get(pk=candidate.call_id), by=org.users["qa"])
    return len(sessions), item


def _stamp_flagged(org: DemoOrg, item: CalibrationItem) -> None:
    """The call `qa` added to a weekly proposal: added by them, on the morning the job ran."""
    session = CalibrationSession.objects.get(pk=item.session_id)
    added = _past(session.created_at + dt.timedelta(hours=3), 20)
    CalibrationItem.history.filter(id=item.pk).update(history_date=added, history_user=org.users["qa"])


# --- disputes decided by an independent reviewer -----------------------------------------------

STRICT_FIRST = Leaning(lenient=-0.7, slips=0.0)  # an evaluator who marked the disputed call down
CAREFUL = Leaning(noise=0.05, slips=0.0)


def _resolved_disputes(rng, org: DemoOrg, scored: list[Scored], rater: Rater, tolerance: float) -> int:
    """The demo agent disputes a few more evaluations, a week apart: each goes blind to an
    independent, calibrated reviewer who re-scores the call and then upholds or adjusts it."""
    from .services.dispute_review import review_assignment

    agent, agent_user = org.demo_agent, org.users["agent"]
    version_of = {s.week: s.version_id for s in scored}
    evaluated = Evaluation.objects.filter(call=OuterRef("pk"))
    calls = (
        Call.objects.filter(agent=agent)
        .exclude(recording="")
        .exclude(line__in=PrivateLine.objects.values("line"))
        .exclude(Exists(evaluated))
        .order_by("start_time")
    )
    tz = zoneinfo.ZoneInfo(CENTER_TZ)
    by_week: dict[dt.date, list[Call]] = {}
    for call in calls:
        day = call.start_time.astimezone(tz).date()
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append(call)
    # The version in force when each was scored: the latest published by then.
    versions = sorted(ScorecardVersion.objects.exclude(published_at=None), key=lambda v: v.published_at)
    evaluators = [*org.qa_auditors[1:], org.users["supervisor"]]
    # Newest weeks first, one dispute a week while there are weeks with a call to spare.
    weeks = sorted((w for w in version_of if by_week.get(w)), reverse=True)
    made = 0
    for index, (outcome, complaint, decision) in enumerate(demo_texts.for_org(org).DISPUTES):
        pool = by_week[weeks[index % len(weeks)]] if weeks else None
        if not pool:
            continue
        call = pool.pop(rng.randrange(len(pool)))
        week = weeks[index % len(weeks)]
        times = _dispute_times(rng, call.start_time)
        version = [v for v in versions if v.published_at <= times["started"]][-1]
        if version.pk not in rater.specs:
            rater.specs[version.pk] = _specs(version)
            rater.zeroes[version.pk] = version.critical_zeroes
        truth = _answers(rng, org.skills[agent.pk], rater.specs[version.pk], 15.0, demo_texts.for_org(org))
        reference = Scored(0, call.pk, version.pk, 0, call.start_time, "", week, None)
        reference.answers = {cid: v for cid, v, _c, _o in truth}
        first, second = reference.answers, rater.answers(reference, CAREFUL)
        if outcome == DisputeStatus.ADJUSTED:
            for _attempt in range(DRAWS):
                first = rater.answers(reference, STRICT_FIRST)
                if rater.gap(reference, first) > tolerance:
                    break
        comments = {cid: (c, o) for cid, _v, c, o in truth}
        evaluator = evaluators[made % len(evaluators)]
        evaluation = services.evaluation_start(call=call, by=evaluator, version=version)
        original = [
            AnswerInput(cid, None if v == formula.NA else v, v == formula.NA, *comments[cid])
            for cid, v in first.items()
        ]
        services.evaluation_submit(evaluation=evaluation, by=evaluator, answers=original)
        proposed = rater.total(reference, reference.answers) if outcome == DisputeStatus.ADJUSTED else None
        dispute = services.evaluation_dispute(
            evaluation=evaluation, by=agent_user, reason=complaint, proposed_total=proposed
        )
        reviewer = dispute.reviewer or org.users["manager"]
        assignment = review_assignment(dispute)
        if assignment is not None:
            review = services.evaluation_start_from_assignment(assignment=assignment, by=reviewer)
            services.evaluation_submit(evaluation=review, by=reviewer, answers=_inputs(second))
        answers = _inputs(second) if assignment is None and outcome == DisputeStatus.ADJUSTED else None
        services.evaluation_resolve_dispute(
            evaluation=evaluation, by=reviewer, outcome=outcome, reason=decision, answers=answers
        )
        _move_dispute(dispute, evaluation, assignment, times)
        made += 1
    return made


def _dispute_times(rng, call_start: dt.datetime) -> dict[str, dt.datetime]:
    """When a disputed evaluation's steps happened: scored the day after the call, disputed that
    afternoon, re-scored blind the next day and decided within the hour."""
    submitted = _past(call_start + dt.timedelta(hours=rng.uniform(16, 30)), 240)
    disputed = _past(submitted + dt.timedelta(hours=rng.uniform(2, 6)), 200)
    reviewed = _past(disputed + dt.timedelta(hours=rng.uniform(14, 30)), 120)
    return {
        "started": submitted - dt.timedelta(minutes=rng.uniform(8, 20)),
        "submitted": submitted,
        "disputed": disputed,
        "review_started": reviewed - dt.timedelta(minutes=rng.uniform(8, 20)),
        "reviewed": reviewed,
        "resolved": _past(reviewed + dt.timedelta(minutes=rng.uniform(10, 50)), 60),
    }


def _move_dispute(dispute, evaluation: Evaluation, assignment: Assignment | None, times: dict) -> None:
    """Back to when it happened (`_dispute_times`)."""
    submitted, disputed, reviewed, resolved = (times[k] for k in ("submitted", "disputed", "reviewed", "resolved"))
    Evaluation.objects.filter(pk=evaluation.pk).update(
        started_at=times["started"],
        draft_saved_at=submitted,
        submitted_at=submitted,
        feedback_due_at=submitted + dt.timedelta(hours=settings.FEEDBACK_SLA_HOURS),
        feedback_delivered_at=submitted,
        disputed_at=disputed,
        resolved_at=resolved,
    )
    due = disputed + dt.timedelta(hours=CalibrationPolicy.current().dispute_review_hours)
    Dispute.objects.filter(pk=dispute.pk).update(raised_at=disputed, resolved_at=resolved, review_due_at=due)
    if assignment is not None:
        monday = timezone.localdate(disputed) - dt.timedelta(days=timezone.localdate(disputed).weekday())
        opened = times["review_started"]
        Assignment.objects.filter(pk=assignment.pk).update(
            created_at=disputed, period_start=monday, due_at=due, started_at=opened, completed_at=reviewed
        )
        Evaluation.objects.filter(assignment=assignment).update(
            started_at=opened, draft_saved_at=reviewed, submitted_at=reviewed
        )
