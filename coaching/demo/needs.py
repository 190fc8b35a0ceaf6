"""Demo data for training needs and group training: the weekly job run over the demo's last
scored weeks (with the default thresholds), then two group sessions made from common needs by
the demo `trainer`: one held the week after its need, attendance taken, so its page compares the
group's rate before and since; one planned later this week.

Called by `seed_demo` after scoring (inside the same transaction); everything goes through the
services, as a trainer's clicks would.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from monitoring.demo import DemoOrg

from ..models import GroupKind, NeedDimension, NeedStatus, TrainingNeed, TrainingSession
from ..services.needs import create_training_session, find_training_needs, take_attendance
from . import texts_zh

# The job runs over this many of the last scored weeks (the demo's last week is this week's
# sampling, not scored yet).
WEEKS_SEARCHED = 3
ATTENDANCE_SHARE = 0.85


def _scored_weeks(org: DemoOrg) -> list[dt.date]:
    return org.weeks[:-1][-WEEKS_SEARCHED:] if len(org.weeks) > 1 else list(org.weeks)


def _pick(needs, *, exclude=()) -> TrainingNeed | None:
    """The common need most worth a course: a criterion of the group with the most agents
    affected (then the highest rate), of a kind a trainer would run a course for."""
    ranked = sorted(
        (n for n in needs if n.pk not in exclude),
        key=lambda n: (n.dimension != NeedDimension.CRITERION, -n.agents_affected, -n.rate, n.pk),
    )
    return ranked[0] if ranked else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _attendees(need: TrainingNeed) -> list[int]:
    return [a["id"] for a in need.evidence.get("agents", []) if a.get("affected")]


def _date_history(session: TrainingSession, need: TrainingNeed, *, created: dt.datetime) -> None:
    """The held session was made on the morning of its day and its attendance taken after it:
    its rows and history say so (the services stamped them with the seeding time)."""
    TrainingSession.objects.filter(pk=session.pk).update(created_at=created)
    records = list(session.history.order_by("history_date", "history_id"))
    for record, when in zip(records, [created, session.held_at], strict=False):
        type(record).objects.filter(pk=record.pk).update(history_date=when)
    need.history.filter(status=NeedStatus.SCHEDULED).update(history_date=created)


def seed_needs(*, rng: random.Random, org: DemoOrg) -> dict[str, int]:
    trainer = org.users["trainer"]
    weeks = _scored_weeks(org)
    zh = texts_zh.zh(org)
    for week in weeks:
        find_training_needs(week_start=week)
        # The weekly job ran on the Monday after the week, 04:00 (settings.CELERY_BEAT_SCHEDULE).
        TrainingNeed.objects.filter(week_start=week).update(computed_at=_at(week + dt.timedelta(days=7), 4))
    common = list(TrainingNeed.objects.exclude(group_kind=GroupKind.AGENT).filter(week_start__in=weeks))
    sessions = 0
    # Held: from a need of the earliest week searched, the Monday after it, 14:00.
    earliest = [n for n in common if n.week_start == weeks[0]]
    held = _pick(earliest) if len(weeks) > 1 else None
    if held is not None:
        at = _at(held.week_start + dt.timedelta(days=7), 14)
        session = create_training_session(
            by=trainer,
            need=held,
            topic=f"{held.problem_label} — {held.group_label}",
            scheduled_for=at,
            location=texts_zh.HELD_LOCATION if zh else "Training room 1",
            materials=texts_zh.HELD_MATERIALS
            if zh
            else "Listen to two library calls, then role-play the criterion in pairs; the scorecard's guidance.",
            attendees=_attendees(held),
        )
        attended = {agent_id: rng.random() < ATTENDANCE_SHARE for agent_id in _attendees(held)}
        session = take_attendance(by=trainer, session=session, attended=attended, now=at + dt.timedelta(hours=2))
        _date_history(session, held, created=_at(held.week_start + dt.timedelta(days=7), 9))
        sessions += 1
    # Planned: from a need of the latest week, later this week (or tomorrow, late in the week).
    latest = [n for n in common if n.week_start == weeks[-1] and n.status == NeedStatus.OPEN]
    planned = _pick(latest, exclude={held.pk} if held else ())
    if planned is not None:
        today = timezone.localdate()
        day = max(today + dt.timedelta(days=1), today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=3))
        create_training_session(
            by=trainer,
            need=planned,
            topic=f"{planned.problem_label} — {planned.group_label}",
            scheduled_for=_at(day, 10),
            location=texts_zh.PLANNED_LOCATION if zh else "Training room 2",
            materials=texts_zh.PLANNED_MATERIALS
            if zh
            else "The criterion's guidance and three exemplary calls from the library.",
            attendees=_attendees(planned),
        )
        sessions += 1
    needs = TrainingNeed.objects.filter(week_start__in=weeks)
    return {
        "training needs (common)": needs.exclude(group_kind=GroupKind.AGENT).count(),
        "training needs (individual)": needs.filter(group_kind=GroupKind.AGENT).count(),
        "training sessions": sessions,
    }
