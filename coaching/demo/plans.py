"""Demo data for coaching plans: plans in every status (open, in progress, completed, overdue),
owned by the demo `trainer` and the demo `supervisor`, with sessions (some acknowledged by the
agent), each on a criterion where its agent really lost points, created two to four weeks before
the demo's end so that there are evaluations before and since the plan.

The goals are chosen where the demo's evaluations since the plan really score better than before
(the goal's criterion score per evaluation, as `selectors.effect` measures it), so the plan pages
and the coaching report show measurable effects. The demo `agent` has one plan in progress,
neither it nor its session acknowledged yet: the agent's "My coaching" has something to do.

Called by `seed_demo` after scoring, inside the same transaction. Set-based: one read of the
candidates' answers, bulk inserts, a handful of updates for the back-dated timestamps.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from monitoring.demo import DemoOrg
from monitoring.models import Call
from scoring.models import SCORED, Answer, Criterion, Kind

from ..models import CoachingGoal, CoachingPlan, CoachingSession, LibraryCall, PlanStatus, SessionKind
from ..selectors.effect import SHOWN_IMPROVED, goal_effects
from . import texts_zh

# The statuses of the plans after the demo agent's, in order; the owners alternate.
STATUSES = (
    PlanStatus.OPEN,
    PlanStatus.IN_PROGRESS,
    PlanStatus.COMPLETED,
    PlanStatus.OVERDUE,
    PlanStatus.IN_PROGRESS,
    PlanStatus.COMPLETED,
    PlanStatus.OVERDUE,
    PlanStatus.OPEN,
)
CANDIDATES = 40  # the weakest agents (by their hidden skill) looked at for goals
AGE_DAYS = (14, 21, 28)  # a plan is created this long before the demo's end
MIN_EACH_SIDE = 2
NOTES = {
    SessionKind.SIDE_BY_SIDE: "Sat in on live calls; agreed to summarise before closing.",
    SessionKind.ONE_TO_ONE: "Went through the marked evaluations and the guidance; practised the wording.",
    SessionKind.RECORDING_REVIEW: "Listened to two recordings together and to the library example.",
}
PROPOSAL = (
    "The evaluations show points lost on “{c}”. Work through the guidance, listen to the library example, "
    "and apply it on every call; the follow-up monitoring checks exactly this point."
)
OUTCOMES = ("Applies it consistently now; keep an eye on busy days.", "Improved; a refresher in a month.")


@dataclass
class Pick:
    agent_id: int
    criterion_id: int
    scorecard_id: int
    text: str
    category: str
    created: dt.datetime
    before: float
    since: float
    evaluations: list[int]  # before the plan, that lost points on it


def _scores(org: DemoOrg, agent_ids: list[int]):
    """{agent: {(scorecard, text): [(call start, score 0–100, evaluation id, criterion id, category)]}}."""
    rows = Answer.objects.filter(
        evaluation__agent_id__in=agent_ids,
        evaluation__kind=Kind.REGULAR,
        evaluation__status__in=SCORED,
        is_na=False,
        value__isnull=False,
    ).values_list(
        "evaluation__agent_id",
        "evaluation_id",
        "evaluation__call__start_time",
        "criterion_id",
        "criterion__section__version__scorecard_id",
        "criterion__text",
        "criterion__category",
        "criterion__scale_max",
        "value",
    )
    out: dict[int, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
    for agent_id, ev, start, cid, scorecard, text, category, scale_max, value in rows:
        out[agent_id][(scorecard, text)].append((start, 100 * min(value, scale_max) / scale_max, ev, cid, category))
    return out


def _best(agent_id: int, by_criterion: dict, org: DemoOrg, rng: random.Random, *, gain_only=True) -> Pick | None:
    """The (plan date, criterion) where the agent's score since the plan rose most over the one
    before it (with `gain_only=False`, the most points lost before it, risen or not)."""
    best = None
    for age in AGE_DAYS:
        created = org.period_end - dt.timedelta(days=age, hours=rng.randint(10, 40))
        start = created - dt.timedelta(days=56)
        for (scorecard, text), points in by_criterion.items():
            before = [p for p in points if start <= p[0] < created]
            since = [p for p in points if p[0] >= created]
            if len(before) < MIN_EACH_SIDE or len(since) < MIN_EACH_SIDE:
                continue
            b, s = statistics.fmean(p[1] for p in before), statistics.fmean(p[1] for p in since)
            gain = s - b if gain_only else 100 - b
            if b >= 100 or gain <= 0 or (best is not None and gain <= best[0]):
                continue
            lost = sorted({p[2] for p in before if p[1] < 100})[-2:]
            latest = max(points, key=lambda p: p[3])  # the latest version's row of the criterion
            best = (gain, Pick(agent_id, latest[3], scorecard, text, latest[4], created, b, s, lost))
    return best[1] if best else None


def _criterion_rows(picks: list[Pick]) -> dict[int, Criterion]:
    return Criterion.objects.in_bulk([p.criterion_id for p in picks])


def _top_service_types(agent_ids: list[int]) -> dict[int, str]:
    counts = (
        Call.objects.filter(agent_id__in=agent_ids)
        .exclude(service_type="")
        .values_list("agent_id", "service_type")
        .annotate(n=Count("pk"))
    )
    best: dict[int, tuple[int, str]] = {}
    for agent_id, service_type, n in counts:
        if agent_id not in best or (n, service_type) > best[agent_id]:
            best[agent_id] = (n, service_type)
    return {a: t for a, (_n, t) in best.items()}


def seed_plans(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    trainer, supervisor = org.users["trainer"], org.users["supervisor"]
    led = {team_id for team_id, users in org.team_supervisors.items() if supervisor in users}
    team_of = {a.pk: a.team_id for a in org.agents}
    demo_agent = org.demo_agent
    weakest = sorted((a for a in org.agents if a.active and a.pk != demo_agent.pk), key=lambda a: org.skills[a.pk])
    candidates = [demo_agent.pk, *(a.pk for a in weakest[:CANDIDATES])]
    scores = _scores(org, candidates)
    picks = {a: p for a in candidates if (p := _best(a, scores.get(a, {}), org, rng)) is not None}
    if demo_agent.pk not in picks:  # the demo agent has a plan whatever their scores did
        fallback = _best(demo_agent.pk, scores.get(demo_agent.pk, {}), org, rng, gain_only=False)
        if fallback is not None:
            picks[demo_agent.pk] = fallback
    if not picks:
        return {"coaching plans": 0}

    # The demo agent first (in progress), then by the size of the gain, the owners alternating:
    # a supervisor owns plans of their own teams' agents only.
    chosen: list[tuple[Pick, str, object]] = []
    if demo_agent.pk in picks:
        owner = supervisor if team_of[demo_agent.pk] in led else trainer
        chosen.append((picks.pop(demo_agent.pk), PlanStatus.IN_PROGRESS, owner))
    ranked = sorted(picks.values(), key=lambda p: p.before - p.since)
    for i, status in enumerate(STATUSES):
        want_supervisor = i % 2 == 1
        pool = [p for p in ranked if (team_of[p.agent_id] in led) == want_supervisor] or ranked
        if not pool:
            break
        pick = pool[0]
        ranked.remove(pick)
        chosen.append((pick, status, supervisor if team_of[pick.agent_id] in led and want_supervisor else trainer))

    criteria = _criterion_rows([p for p, _s, _o in chosen])
    service_types = _top_service_types([p.agent_id for p, _s, _o in chosen])
    end = org.period_end
    library = list(LibraryCall.objects.filter(curated=True).values_list("pk", flat=True)[:5])
    texts = texts_zh if texts_zh.zh(org) else None
    title, proposal = (texts.PLAN_TITLE, texts.PROPOSAL) if texts else ("Coaching: {c}", PROPOSAL)
    notes, outcomes = (texts.NOTES, texts.OUTCOMES) if texts else (NOTES, OUTCOMES)
    plans, goals, created_at = [], [], {}
    for pick, status, owner in chosen:
        overdue = status == PlanStatus.OVERDUE
        deadline = (
            end - dt.timedelta(days=rng.randint(2, 5)) if overdue else end + dt.timedelta(days=rng.randint(7, 28))
        ).date()
        started = pick.created + dt.timedelta(days=2) if status != PlanStatus.OPEN else None
        criterion = criteria[pick.criterion_id]
        plan = CoachingPlan(
            agent_id=pick.agent_id,
            owner=owner,
            created_by=owner,
            title=title.format(c=pick.text),
            proposal=proposal.format(c=pick.text),
            status=status,
            deadline=deadline,
            started_at=started,
            completed_at=end - dt.timedelta(days=1, hours=3) if status == PlanStatus.COMPLETED else None,
            outcome=rng.choice(outcomes) if status == PlanStatus.COMPLETED else "",
            overdue_at=end - dt.timedelta(days=1) if overdue else None,
            reminded_at=end - dt.timedelta(days=1) if overdue else None,
            acknowledged_at=pick.created + dt.timedelta(days=1)
            if status != PlanStatus.OPEN and pick.agent_id != demo_agent.pk
            else None,
        )
        plans.append(plan)
        target = float(min(100, max(80, round(pick.before / 5) * 5 + 15)))
        types = [service_types[pick.agent_id]] if pick.agent_id in service_types and rng.random() < 0.6 else []
        goals.append(
            CoachingGoal(
                scope="criterion",
                criterion=criterion,
                scorecard_id=pick.scorecard_id,
                criterion_text=pick.text,
                category=pick.category,
                target=target,
                deadline=deadline,
                service_types=types,
                notes="",
            )
        )
    CoachingPlan.objects.bulk_create(plans)
    for plan, goal, (pick, _status, _owner) in zip(plans, goals, chosen, strict=True):
        goal.plan = plan
        created_at[plan.pk] = pick.created
    CoachingGoal.objects.bulk_create(goals)
    for pk, when in created_at.items():  # auto_now_add: back-dated afterwards
        CoachingPlan.objects.filter(pk=pk).update(created_at=when)
    through = CoachingPlan.evaluations.through
    through.objects.bulk_create(
        [
            through(coachingplan_id=plan.pk, evaluation_id=e)
            for plan, (pick, _s, _o) in zip(plans, chosen, strict=True)
            for e in pick.evaluations
        ]
    )

    sessions, kinds = [], list(SessionKind.values)
    for plan, (pick, status, owner) in zip(plans, chosen, strict=True):
        if status == PlanStatus.OPEN:
            continue
        n = 1 if pick.agent_id == demo_agent.pk else rng.randint(1, 2)
        for k in range(n):
            held = pick.created + dt.timedelta(days=2 + 6 * k, hours=rng.randint(1, 6))
            kind = kinds[(plan.pk + k) % len(kinds)]
            acknowledged = pick.agent_id != demo_agent.pk and (status == PlanStatus.COMPLETED or rng.random() < 0.6)
            sessions.append(
                CoachingSession(
                    plan=plan,
                    kind=kind,
                    held_at=min(held, end - dt.timedelta(hours=2)),
                    held_by=owner,
                    notes=notes[kind],
                    acknowledged_at=held + dt.timedelta(hours=20) if acknowledged else None,
                )
            )
    CoachingSession.objects.bulk_create(sessions)
    if library:
        link = CoachingSession.library_calls.through
        link.objects.bulk_create(
            [
                link(coachingsession_id=s.pk, librarycall_id=library[i % len(library)])
                for i, s in enumerate(sessions)
                if s.kind == SessionKind.RECORDING_REVIEW
            ]
        )
    effects = goal_effects(CoachingGoal.objects.filter(plan__in=plans).select_related("plan"))
    status_counts = Counter(p.status for p in plans)
    return {
        "coaching plans": len(plans),
        **{f"coaching plans {PlanStatus(s).label.lower()}": n for s, n in sorted(status_counts.items())},
        "coaching sessions": len(sessions),
        "coaching goals improved": sum(1 for e in effects.values() if e.verdict in SHOWN_IMPROVED),
    }
