"""Demo data for scoring: the default scorecard (two versions) and a history of evaluations.

Called by `seed_demo` after `monitoring.demo.seed_monitoring`, inside the same transaction.
Scores follow each agent's hidden skill, so the demo has excellent, good, struggling and at-risk
agents; the states cover the whole lifecycle (acknowledged, awaiting acknowledgement, awaiting
feedback — some late —, disputed, resolved), and the `qa`, `supervisor` and `trainer` logins
have an open work queue this week. Rows are bulk-inserted: 2,000 agents cost seconds, not hours.

The history runs as the product's would have: the weekly sampler routes a week's calls on the
Monday after it (02:00), evaluators score them during that week, feedback follows, agents answer;
the scorecard's versions were built and published before anything was scored on them. Every step
has its historical row, dated when it was taken and credited to whoever took it (demo_history).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from monitoring.demo import BATCH_SIZE, CENTER_TZ, DemoOrg, ProgressFactory, no_progress
from monitoring.models import Assignment, AssignmentReason, AssignmentStatus, Call, PrivateLine
from qa_platform import roles

from . import auto, demo_history, demo_scorecard, demo_texts, formula
from .demo_history import local_time
from .models import (
    Answer,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    Method,
    RootCause,
    Scorecard,
    ScorecardVersion,
    Status,
)
from .services.auto_answers import auto_suggestions

EVALUATOR_SPLIT = ((roles.QA, 0.70), (roles.SUPERVISOR, 0.20), (roles.TRAINER, 0.10))

SAMPLING_HOUR = 2  # the weekly sampling job: Monday 02:00 (settings.CELERY_BEAT_SCHEDULE)
ASSIGNMENT_DUE_DAYS = 5  # the default quota policy's `due_days`
LATE_WORK_SHARE = 0.05  # assignments scored after they were due
LATE_FEEDBACK_SHARE = 0.08
AUTO_FAIL_AGREED_SHARE = 0.85  # where the analysis finds a miss, the evaluator hears it too (else passes it)
DELIVERED_ON_SUBMIT_SHARE = 0.5  # the scoring page's default; the rest is delivered in a talk later
SUPERVISOR_DELIVERS_SHARE = 0.3  # of those: the agent's supervisor holds the talk


@dataclass
class DemoScoring:
    scorecard: Scorecard
    versions: list[ScorecardVersion]
    evaluation_count: int = 0
    answer_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def seed_scoring(
    *,
    rng: random.Random,
    org: DemoOrg,
    evaluations_per_agent_week: int = 4,
    progress: ProgressFactory | None = None,
) -> DemoScoring:
    progress = progress or no_progress
    manager = org.users["manager"]
    v2_from = org.weeks[max(0, len(org.weeks) - 3)]  # the last three weeks are scored on v2
    v1, v2 = demo_scorecard.scorecard_versions(manager, org, v2_from)
    result = DemoScoring(scorecard=v1.scorecard, versions=[v1, v2])

    texts = demo_texts.for_org(org)
    calls_by_agent_week = _eligible_calls(org)
    evaluators = _evaluators(org)
    specs = {v.pk: _specs(v) for v in (v1, v2)}
    # Root causes on some lost answers, from their own random stream so the rest of the demo
    # draws exactly what it drew before they existed.
    cause_rng = random.Random(f"root-causes:{org.weeks[0]}:{len(org.agents)}")
    causes = {v.pk: list(RootCause.objects.filter(version=v)) for v in (v1, v2)}
    causes_for: dict[int, dict[int, RootCause]] = {}  # call id → {criterion id: cause}
    # What the call's analysis suggested for the linked criteria, and how often the evaluator
    # agreed: also a stream of its own.
    auto_rng = random.Random(f"auto-answers:{org.weeks[0]}:{len(org.agents)}")
    auto_for: dict[int, dict[int, auto.Suggestion]] = {}  # evaluation's index → {criterion id: suggestion}

    now = timezone.now()
    evaluations: list[Evaluation] = []
    assignments: list[tuple[Evaluation, Assignment]] = []  # the history's evaluations and their random picks
    answers_for: list[list[tuple]] = []  # parallel to evaluations: (criterion id, value|NA, comment, offset)
    used_calls: set[int] = set()
    demo_agent = org.demo_agent
    # The history covers every week but the last, which `plan_week` samples below: that is the
    # work queue the demo's evaluators have this week.
    history = org.weeks[:-1]
    last_week = history[-1] if history else org.weeks[-1]
    bar = progress(len(org.agents) * len(history), "evaluations")
    sampled_at = {week: _sampled_at(week) for week in history}
    for week in history:
        version = v2 if week >= v2_from else v1
        for agent in org.agents:
            bar.update(1)
            pool = calls_by_agent_week.get((agent.pk, week), [])
            if not agent.active and week == last_week or not pool:
                continue
            skill = org.skills[agent.pk]
            # Weaker agents are monitored more (DESIGN.md §3 tiers: 3 excellent … 10 at risk).
            wanted = evaluations_per_agent_week + (2 if skill < 0.35 else 0) - (1 if skill > 0.8 else 0)
            picked = min(wanted, len(pool))
            # A simple random sample of `picked` of the agent's week: each call's chance is picked / N,
            # recorded on its assignment as the sampler does, so the dashboard's random-sample
            # estimate has real weights.
            probability = picked / len(pool)
            for call in rng.sample(pool, picked):
                role, evaluator = _pick_evaluator(rng, agent, evaluators, org)
                values = _answers(rng, skill, specs[version.pk], call["seconds"], texts)
                blamed = causes_for[call["id"]] = _root_causes(cause_rng, specs[version.pk], values, causes[version.pk])
                values, auto_for[len(evaluations)] = _with_analysis(auto_rng, version, call["id"], values)
                score = formula.compute(
                    specs[version.pk],
                    {cid: v for cid, v, _c, _o in values},
                    critical_zeroes=version.critical_zeroes,
                    excused={cid for cid, cause in blamed.items() if not cause.agent_controllable},
                )
                ev = _evaluation(rng, call, agent, evaluator, role, version, score, week, last_week, now, org)
                assignments.append((ev, _random_assignment(call, ev, week, probability, sampled_at[week])))
                evaluations.append(ev)
                answers_for.append(values)
                used_calls.add(call["id"])
    bar.close()

    disputes_for = _demo_agent_disputes(evaluations, demo_agent, last_week, now)
    _agent_extras(rng, org, v2, specs[v2.pk], calls_by_agent_week, used_calls, evaluations, answers_for, now)
    # bulk_create sets each object's pk (SQLite ≥ 3.35, PostgreSQL), so answers can refer to them.
    picks = [a for _ev, a in assignments]
    Assignment.objects.bulk_create(picks, batch_size=BATCH_SIZE)
    # `created` is stamped on insert: the sampler made each week's picks on the Monday after it.
    for week, at in sampled_at.items():
        Assignment.objects.filter(reason=AssignmentReason.RANDOM, period_start=week).update(created_at=at)
    for ev, assignment in assignments:
        ev.assignment_id = assignment.pk
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH_SIZE)
    if evaluations:  # opened when scoring started (`created` too is stamped on insert)
        Evaluation.objects.filter(pk__gte=evaluations[0].pk).update(created_at=F("started_at"))
    answers = [
        Answer(
            evaluation_id=ev.pk,
            criterion_id=cid,
            value=None if value == formula.NA else value,
            is_na=value == formula.NA,
            comment=comment,
            time_offset=offset,
            root_cause=causes_for.get(ev.call_id, {}).get(cid),
            **_auto_fields(auto_for.get(index, {}).get(cid)),
        )
        for index, (ev, values) in enumerate(zip(evaluations, answers_for, strict=True))
        for cid, value, comment, offset in values
    ]
    Answer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    disputes = _disputes(rng, org, evaluations, disputes_for)
    _write_history(picks, evaluations, disputes)
    result.evaluation_count = len(evaluations)
    result.answer_count = len(answers)
    result.counts = {
        "scorecard versions": 2,
        "evaluations": len(evaluations),
        "answers": len(answers),
        "disputes": len(disputes_for),
    }
    return result


def _specs(version: ScorecardVersion) -> list[formula.SectionSpec]:
    version = ScorecardVersion.objects.prefetch_related("sections__criteria").get(pk=version.pk)
    return version.specs()


def _eligible_calls(org: DemoOrg) -> dict[tuple[int, dt.date], list[dict]]:
    """Recorded, non-private calls per (agent, week), with the recording's length."""
    seconds = {r.name: r.seconds for r in org.recordings}
    private = set(PrivateLine.objects.values_list("line", flat=True))
    tz = zoneinfo.ZoneInfo(CENTER_TZ)
    out: dict[tuple[int, dt.date], list[dict]] = defaultdict(list)
    rows = Call.objects.exclude(recording="").values_list("id", "agent_id", "start_time", "recording", "line")
    for call_id, agent_id, start, recording, line in rows.iterator(chunk_size=10_000):
        if line in private:
            continue
        local = start.astimezone(tz).date()
        week = local - dt.timedelta(days=local.weekday())
        out[(agent_id, week)].append(
            {"id": call_id, "start": start, "seconds": seconds.get(recording, 15.0), "agent_id": agent_id}
        )
    for calls in out.values():
        calls.sort(key=lambda c: c["id"])
    return out


def _evaluators(org: DemoOrg) -> dict[str, list]:
    return {roles.QA: org.qa_auditors, roles.TRAINER: org.trainers}


def _pick_evaluator(rng: random.Random, agent, evaluators, org: DemoOrg):
    draw = rng.random()
    if draw < EVALUATOR_SPLIT[0][1]:
        return roles.QA, rng.choice(evaluators[roles.QA])
    if draw < EVALUATOR_SPLIT[0][1] + EVALUATOR_SPLIT[1][1]:
        return roles.SUPERVISOR, rng.choice(org.team_supervisors[agent.team_id])
    return roles.TRAINER, rng.choice(evaluators[roles.TRAINER])


CAUSE_GIVEN_SHARE = 0.5  # of lost answers, the evaluator names a root cause for half
PROCESS_CAUSE_SHARE = 0.3  # and three in ten of those are the process's


def _root_causes(rng: random.Random, specs, values, causes) -> dict[int, RootCause]:
    """Some lost answers' root causes, as evaluators give them: {criterion id: cause}."""
    if not causes:
        return {}
    criteria = {c.id: c for s in specs for c in s.criteria}
    agents = [c for c in causes if c.agent_controllable]
    process = [c for c in causes if not c.agent_controllable]
    blamed = {}
    for cid, value, _comment, _offset in values:
        if not criteria[cid].loses(value):
            continue
        if rng.random() < CAUSE_GIVEN_SHARE:
            pool = process if process and rng.random() < PROCESS_CAUSE_SHARE else agents or process
            blamed[cid] = rng.choice(pool)
    return blamed


def _answers(rng: random.Random, skill: float, specs, seconds: float, texts=demo_texts) -> list[tuple]:
    values = []
    for section in specs:
        for c in section.criteria:
            if c.allow_na and rng.random() < 0.12:
                values.append((c.id, formula.NA, "", None))
                continue
            quality = min(1.0, max(0.0, rng.gauss(0.5 + 0.5 * skill, 0.12)))
            if c.kind == formula.YES_NO:
                fail_chance = (1 - quality) * (0.025 if c.critical else 0.55)
                value = 0 if rng.random() < fail_chance else 1
            else:
                value = round(quality * c.scale_max)
            low = value == 0 or (c.kind == formula.SCALE and value < c.scale_max / 2)
            comment, offset = "", None
            if low and rng.random() < 0.7:
                comment = rng.choice(texts.COMMENTS_LOW)
                offset = round(rng.uniform(0.5, max(1.0, seconds - 1)), 1)
            elif not low and rng.random() < 0.05:
                comment = rng.choice(texts.COMMENTS_HIGH)
            values.append((c.id, value, comment, offset))
    return values


def _with_analysis(rng: random.Random, version, call_id: int, values: list[tuple]):
    """The linked criteria's suggestions from the call's analysis (as the scoring page pre-fills
    them), and the answers as the evaluator gave them: where the analysis found a miss (no
    greeting, no closing) the evaluator mostly heard it too; elsewhere their own judgement stands,
    so people and rules agree on most calls, not all."""
    suggestions = auto_suggestions(Evaluation(version=version, call_id=call_id))
    if not suggestions:
        return values, {}
    out = []
    for cid, value, comment, offset in values:
        found = suggestions.get(cid)
        if found and found.value == auto.NO and value == auto.YES and rng.random() < AUTO_FAIL_AGREED_SHARE:
            value = auto.NO
        out.append((cid, value, comment, offset))
    return out, suggestions


def _auto_fields(suggestion: auto.Suggestion | None) -> dict:
    if suggestion is None:
        return {}
    return {
        "auto_value": suggestion.value,
        "auto_source": suggestion.evidence["source"],
        "auto_evidence": suggestion.evidence,
    }


def _evaluation(rng, call, agent, evaluator, role, version, score, week, last_week, now, org) -> Evaluation:
    """A history evaluation of `call` (of `week`), scored from the sampler's assignment during
    the week after, in working hours (a few after the assignment was due); its feedback
    delivered on submit or in a talk later (a few late), by the evaluator or the supervisor."""
    sampled = _sampled_at(week)
    # Due on the Saturday at 02:00: a late one is caught up at the weekend.
    workday = 7 + (5 + rng.randrange(2) if rng.random() < LATE_WORK_SHARE else rng.randrange(5))
    started = local_time(week + dt.timedelta(days=workday), rng.uniform(8.5, 17.5))
    started = max(sampled, min(started, now - dt.timedelta(hours=3)))
    submitted = started + dt.timedelta(minutes=rng.uniform(6, 25))
    saved = max(started, submitted - dt.timedelta(minutes=rng.uniform(0.1, 2)))  # the last autosave
    due = submitted + dt.timedelta(hours=settings.FEEDBACK_SLA_HOURS)
    deliverer = evaluator
    if rng.random() < LATE_FEEDBACK_SHARE:
        delivered = due + dt.timedelta(hours=rng.uniform(0.5, 20))
    elif rng.random() < DELIVERED_ON_SUBMIT_SHARE:
        delivered = submitted
    else:
        delivered = submitted + dt.timedelta(minutes=rng.uniform(5, settings.FEEDBACK_SLA_HOURS * 60 - 5))
    if delivered != submitted and rng.random() < SUPERVISOR_DELIVERS_SHARE:
        lead = org.team_supervisors[agent.team_id][0]
        deliverer = lead if lead.pk != evaluator.pk else evaluator
    delivered = max(submitted, min(delivered, now - dt.timedelta(hours=1)))
    draw = rng.random()
    if week < last_week:
        status = Status.ACKNOWLEDGED if draw < 0.9 else Status.FEEDBACK_DELIVERED
    else:
        status = Status.FEEDBACK_DELIVERED if draw < 0.55 else Status.ACKNOWLEDGED if draw < 0.85 else Status.SUBMITTED
    if agent.pk == org.demo_agent.pk and status == Status.ACKNOWLEDGED and week == last_week:
        status = Status.FEEDBACK_DELIVERED  # the demo agent has something to acknowledge
    ev = Evaluation(
        call_id=call["id"],
        agent_id=agent.pk,
        evaluator=evaluator,
        evaluator_role=role,
        method=Method.RECORDING if rng.random() < 0.8 else rng.choice([Method.LIVE, Method.SIDE_BY_SIDE, Method.PEER]),
        kind=Kind.REGULAR,
        version=version,
        status=status,
        total=score.total,
        agent_score=score.agent_total,
        agent_critical_failed=score.agent_result.critical_failed,
        critical_failed=score.critical_failed,
        summary=rng.choice(demo_texts.for_org(org).SUMMARIES),
        started_at=started,
        draft_saved_at=saved,
        submitted_at=submitted,
        feedback_due_at=due,
    )
    if status != Status.SUBMITTED:
        ev.feedback_delivered_at = delivered
        ev.feedback_delivered_by = deliverer
    if status == Status.ACKNOWLEDGED:
        acknowledged = delivered + dt.timedelta(hours=rng.uniform(0.2, 24))
        ev.acknowledged_at = max(delivered, min(acknowledged, now - dt.timedelta(minutes=30)))
    return ev


def _sampled_at(week: dt.date) -> dt.datetime:
    """When the weekly sampler routed `week`'s calls: the Monday after it, at 02:00."""
    return local_time(week + dt.timedelta(days=7), SAMPLING_HOUR)


def _random_assignment(call: dict, ev: Evaluation, week: dt.date, probability: float, sampled: dt.datetime):
    """The done assignment of a history evaluation, drawn at random with `probability` by the
    sampler's run of `sampled` and due `ASSIGNMENT_DUE_DAYS` later."""
    return Assignment(
        call_id=call["id"],
        evaluator=ev.evaluator,
        evaluator_role=ev.evaluator_role,
        reason=AssignmentReason.RANDOM,
        inclusion_probability=probability,
        period_start=week,
        due_at=sampled + dt.timedelta(days=ASSIGNMENT_DUE_DAYS),
        status=AssignmentStatus.DONE,
        created_at=sampled,
        started_at=ev.started_at,
        completed_at=ev.submitted_at,
    )


def _demo_agent_disputes(evaluations, demo_agent, last_week, now) -> list[tuple[int, str]]:
    """Only agents with a login dispute; in the demo that is `agent`: one dispute resolved last
    month and one open for `qa` to resolve (scored by someone else, so `qa` may decide it)."""
    mine = [(i, ev) for i, ev in enumerate(evaluations) if ev.agent_id == demo_agent.pk and ev.feedback_delivered_at]
    older = [i for i, ev in mine if ev.submitted_at < now - dt.timedelta(days=10)]
    recent = [i for i, ev in mine if ev.evaluator.username != "qa" and i not in older[:1]]
    picks: list[tuple[int, str]] = []
    if older:
        picks.append((older[0], Status.RESOLVED))
    if recent:
        picks.append((recent[-1], Status.DISPUTED))
    for i, status in picks:
        ev = evaluations[i]
        ev.status = status
        ev.acknowledged_at = None
        ev.disputed_at = min(ev.feedback_delivered_at + dt.timedelta(hours=3), now - dt.timedelta(minutes=30))
        if status == Status.RESOLVED:
            ev.resolved_at = min(ev.disputed_at + dt.timedelta(days=1), now - dt.timedelta(minutes=10))
    return picks


def _agent_extras(rng, org, version, specs, calls_by_agent_week, used_calls, evaluations, answers_for, now) -> None:
    """The demo agent's self-evaluation of a call the QA also scored, shown side by side."""
    agent = org.demo_agent
    scored = [ev for ev in evaluations if ev.agent_id == agent.pk and ev.version_id == version.pk]
    if not scored:
        return
    target = scored[-1]
    texts = demo_texts.for_org(org)
    values = _answers(rng, min(1.0, org.skills[agent.pk] + 0.15), specs, 15.0, texts)
    score = formula.compute(specs, {cid: v for cid, v, _c, _o in values}, critical_zeroes=version.critical_zeroes)
    evaluations.append(
        Evaluation(
            call_id=target.call_id,
            agent_id=agent.pk,
            evaluator=org.users["agent"],
            evaluator_role=roles.AGENT,
            method=Method.SELF,
            kind=Kind.SELF,
            version=version,
            status=Status.SUBMITTED,
            total=score.total,
            agent_score=score.agent_total,
            agent_critical_failed=score.agent_result.critical_failed,
            critical_failed=score.critical_failed,
            summary=texts.SELF_SUMMARY,
            started_at=target.submitted_at - dt.timedelta(hours=2),
            draft_saved_at=target.submitted_at - dt.timedelta(hours=1),
            submitted_at=target.submitted_at - dt.timedelta(hours=1),
        )
    )
    answers_for.append(values)


def _disputes(rng, org, evaluations, disputes_for) -> list[Dispute]:
    texts = demo_texts.for_org(org)
    rows = []
    for index, status in disputes_for:
        ev = evaluations[index]
        dispute = Dispute(
            evaluation_id=ev.pk,
            raised_by=org.users["agent"],
            reason=rng.choice(texts.DISPUTE_REASONS),
            original_total=ev.total,
        )
        if status == Status.RESOLVED:
            dispute.status = DisputeStatus.UPHELD
            dispute.resolved_by = org.users["qa"] if ev.evaluator_id != org.users["qa"].pk else org.qa_auditors[1]
            dispute.resolution = texts.DISPUTE_RESOLUTION
            dispute.resolved_at = ev.resolved_at
            dispute.adjusted_total = ev.total
        rows.append(dispute)
    Dispute.objects.bulk_create(rows)
    for dispute, (index, _status) in zip(rows, disputes_for, strict=True):
        # raised_at is set on insert; the demo's disputes were raised when the evaluation was.
        Dispute.objects.filter(pk=dispute.pk).update(raised_at=evaluations[index].disputed_at)
    return rows


def _write_history(picks: list[Assignment], evaluations: list[Evaluation], disputes: list[Dispute]) -> None:
    """The history of what was bulk-inserted: each step when, and by whom, it was taken."""
    if evaluations:
        demo_history.assignments_to_history(
            Assignment.objects.filter(pk__gte=picks[0].pk) if picks else Assignment.objects.none()
        )
        demo_history.evaluations_to_history(Evaluation.objects.filter(pk__gte=evaluations[0].pk))
    demo_history.disputes_to_history(Dispute.objects.filter(pk__in=[d.pk for d in disputes]))
