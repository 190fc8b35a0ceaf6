"""Writes of recognition: the weekly badge awards, kudos (with a suggestion for the call library),
the agent's "seen" mark on new badges, and the settings.

Who may do each is coaching/permissions/recognition.py. The awards are idempotent: one per agent,
badge and week (a coaching goal met: one per goal), backed by unique constraints, so the Celery
task, the command and a rerun of a week give the same rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Agent
from qa_platform.errors import IllegalTransition
from qa_platform.settings_rows import update_settings_row
from scoring.models import Evaluation

from ..models import BadgeAward, BadgeKind, CoachingGoal, Kudos, LibraryCall, LibraryKind, RecognitionPolicy
from ..permissions import recognition as rules
from ..permissions.library import can_mark
from ..selectors import recognition as sel
from ..selectors.effect import MET, goal_effects
from . import library

POLICY_FIELDS = (
    "enabled",
    "weekly_target",
    "streak_weeks",
    "no_critical_weeks",
    "min_evaluations",
    "improvement_points",
)
MAX_MESSAGE = 280


def _week_end(week_start: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min))


def badges_due(policy: RecognitionPolicy, weeks: dict, week_start: dt.date) -> list[tuple[str, dict]]:
    """The weekly badges (kind, evidence) an agent's figures earn at `week_start` (pure).

    A streak badge is given when the run reaches N weeks, and again at 2N, 3N…, so that a long
    streak is praised now and then, not every week. A run as long as the history read
    (`HISTORY_WEEKS`, a year) is not measured further, so it earns nothing more."""
    out = []
    run = sel.run_length(
        weeks,
        week_start,
        lambda w: sel.on_target(w, target=policy.weekly_target, min_evaluations=policy.min_evaluations),
    )
    if run and run < sel.HISTORY_WEEKS and run % policy.streak_weeks == 0:
        out.append((BadgeKind.ON_TARGET, {"weeks": run, "target": policy.weekly_target}))
    run = sel.run_length(weeks, week_start, sel.free_of_critical)
    if run and run < sel.HISTORY_WEEKS and run % policy.no_critical_weeks == 0:
        out.append((BadgeKind.NO_CRITICAL, {"weeks": run}))
    imp = sel.improvement(weeks, week_start)
    if imp.earned(policy.improvement_points):
        out.append(
            (
                BadgeKind.IMPROVED,
                {
                    "difference": round(imp.difference, 1),
                    "low": round(imp.ci[0], 1),
                    "high": round(imp.ci[1], 1),
                    "n_recent": imp.recent.n,
                    "n_baseline": imp.baseline.n,
                },
            )
        )
    return out


@transaction.atomic
def award_badges(*, week_start: dt.date, agent_ids=None) -> int:
    """Give the badges earned at the week starting `week_start` (a Monday) to the active agents
    (or `agent_ids`); the number of new awards. Nothing while recognition is off.

    The improvement badge is given at most once in 4 weeks (the windows overlap: one improvement
    would otherwise earn it week after week)."""
    policy = RecognitionPolicy.current()
    if not policy.enabled:
        return 0
    week_start = sel.monday(week_start)
    agents = Agent.objects.filter(active=True)
    if agent_ids is not None:
        agents = agents.filter(pk__in=agent_ids)
    ids = list(agents.values_list("pk", flat=True))
    figures = sel.figures_for(ids, end=week_start)
    existing = set(
        BadgeAward.objects.filter(agent_id__in=ids, goal__isnull=True, week_start=week_start).values_list(
            "agent_id", "kind"
        )
    )
    recent_improved = set(
        BadgeAward.objects.filter(
            agent_id__in=ids,
            kind=BadgeKind.IMPROVED,
            week_start__gt=week_start - dt.timedelta(days=7 * sel.RECENT_WEEKS),
            week_start__lt=week_start,
        ).values_list("agent_id", flat=True)
    )
    new = []
    for agent_id, weeks in figures.items():
        for kind, evidence in badges_due(policy, weeks, week_start):
            if (agent_id, kind) in existing or (kind == BadgeKind.IMPROVED and agent_id in recent_improved):
                continue
            new.append(BadgeAward(agent_id=agent_id, kind=kind, week_start=week_start, evidence=evidence))
    new += _goals_met(ids, week_start)
    BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _goals_met(agent_ids: list[int], week_start: dt.date) -> list[BadgeAward]:
    """A coaching goal shown met on evidence (coaching/selectors/effect.py) by the end of the
    week: one badge per goal, ever."""
    end = _week_end(week_start)
    goals = list(
        CoachingGoal.objects.filter(plan__agent_id__in=agent_ids, plan__created_at__lt=end)
        .exclude(badges__isnull=False)
        .select_related("plan")
    )
    out = []
    for goal_id, effect in goal_effects(goals, now=end).items():
        if effect.verdict != MET:
            continue
        goal = next(g for g in goals if g.pk == goal_id)
        evidence = {
            "goal": str(effect.label),
            "target": effect.target,
            "n": effect.since.n,
            "low": round(effect.since.ci[0], 1) if effect.since.ci else None,
        }
        out.append(
            BadgeAward(
                agent_id=goal.plan.agent_id,
                kind=BadgeKind.GOAL_MET,
                goal=goal,
                week_start=week_start,
                evidence=evidence,
            )
        )
    return out


def badges_mark_seen(*, agent: Agent) -> int:
    """The agent has seen their new badges (their page shows them as new once)."""
    return BadgeAward.objects.filter(agent=agent, seen_at__isnull=True).update(seen_at=timezone.now())


@transaction.atomic
def kudos_give(
    *,
    by,
    message: str,
    evaluation: Evaluation | None = None,
    entry: LibraryCall | None = None,
    for_library: bool = False,
) -> Kudos:
    """Kudos with a short message on the call of `evaluation` (staff) or of a library `entry`
    (peers: curated exemplary entries). `for_library`: also mark the call exemplary for the call
    library, pending a trainer's curation (the library's own service and rules); a call already
    in the library as exemplary is linked instead. One kudos per person and call (409)."""
    rules.require(rules.is_on(), rules.SWITCHED_OFF)
    call = evaluation.call if evaluation is not None else entry.call
    rules.require((refusal := rules.kudos_refusal(by, call=call, evaluation=evaluation, entry=entry)) is None, refusal)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write a few words: what was good about the call?")})
    if len(message) > MAX_MESSAGE:
        raise ValidationError(
            {"message": _("At most %(n)s characters (this has %(given)s).") % {"n": MAX_MESSAGE, "given": len(message)}}
        )
    if Kudos.objects.filter(call=call, given_by=by).exists():
        raise IllegalTransition(_("You have already given kudos on this call."))
    evaluation = evaluation or (entry.evaluation if entry is not None else None)
    linked = entry if entry is not None and entry.kind == LibraryKind.EXEMPLARY else None
    if for_library:
        if not can_mark(by) or evaluation is None:
            raise PermissionDenied(_("Calls are added to the library by supervisors, QA, trainers and managers."))
        linked = LibraryCall.objects.filter(call=call, kind=LibraryKind.EXEMPLARY).first()
        if linked is None:
            linked = library.library_mark(
                by=by,
                evaluation=evaluation,
                kind=LibraryKind.EXEMPLARY,
                title=_("Kudos: %(message)s") % {"message": message[:140]},
                note=message,
            )
    return Kudos.objects.create(
        call=call, agent_id=call.agent_id, evaluation=evaluation, given_by=by, message=message, library_entry=linked
    )


def recognition_policy_update(*, by, values: dict[str, Any]) -> RecognitionPolicy:
    """Change some settings (managers). ValidationError and nothing saved when a value breaks its
    rule; equal values change nothing and write no history."""
    if not rules.can_edit_policy(by):
        raise PermissionDenied(rules.NO_POLICY)
    return update_settings_row(RecognitionPolicy, by=by, values=values, fields=POLICY_FIELDS)
