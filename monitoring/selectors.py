"""Reads scoped to the requesting user (DESIGN.md §1).

agent → own record and calls; supervisor → agents of the teams they lead; qa, trainer,
manager, admin → the whole center; hr → agents only (no calls, no recordings).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from qa_platform.roles import CENTER_WIDE_ROLES, HR, SUPERVISOR, user_roles

from .models import Agent, Call, PrivateLine, Team


def agents_visible_to(user) -> QuerySet[Agent]:
    roles = user_roles(user)
    qs = Agent.objects.select_related("team", "team__site")
    if roles & CENTER_WIDE_ROLES or HR in roles:
        return qs
    return qs.filter(pk__in=_scoped_agent_ids(user, roles))


def calls_visible_to(user) -> QuerySet[Call]:
    """Calls the user may open (and whose recordings they may play). HR sees none."""
    roles = user_roles(user)
    qs = Call.objects.select_related("agent", "agent__team", "line_of_business", "shift")
    if roles & CENTER_WIDE_ROLES:
        return qs
    return qs.filter(agent_id__in=_scoped_agent_ids(user, roles))


def led_team_ids(user) -> QuerySet:
    """The ids of the teams `user` leads as a supervisor, as a subquery: the one definition of a
    supervisor's scope, which every app's selectors filter by (`team_id__in=led_team_ids(user)`).
    Callers check that the user holds the supervisor role."""
    return Team.supervisors.through.objects.filter(user_id=user.pk).values("team_id")


def _scoped_agent_ids(user, roles) -> list[int]:
    """Agents a non-center-wide user may see: own record, plus their teams' if supervisor."""
    ids = []
    if SUPERVISOR in roles:
        ids = list(Agent.objects.filter(team_id__in=led_team_ids(user)).values_list("pk", flat=True))
    own = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    if own is not None:
        ids.append(own.pk)
    return ids


def teams_visible_to(user) -> QuerySet[Team]:
    roles = user_roles(user)
    qs = Team.objects.select_related("site")
    if roles & CENTER_WIDE_ROLES or HR in roles:
        return qs
    if SUPERVISOR in roles:
        return qs.filter(pk__in=led_team_ids(user))
    own = getattr(user, "agent", None)
    return qs.filter(pk=own.team_id) if own is not None else qs.none()


def active_private_line_exists() -> Exists:
    """Annotation/filter expression: the call's line is an active private line."""
    return Exists(PrivateLine.objects.filter(line=OuterRef("line"), active=True))


def is_private_line(line: str) -> bool:
    return bool(line) and PrivateLine.objects.filter(line=line, active=True).exists()


# --- summaries for pages (aggregates in SQL, a fixed number of queries per page) -------------


@dataclass(frozen=True)
class Period:
    """A calendar month in the center's time zone: [start, end)."""

    year: int
    month: int

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime(self.year, self.month, 1))

    @property
    def end(self) -> dt.datetime:
        y, m = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return timezone.make_aware(dt.datetime(y, m, 1))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    @property
    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)


MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def month_or_none(value: str | None) -> Period | None:
    """'2026-11' → Period; None when blank, malformed or outside the years 2000–2100."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return Period(year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def parse_month(value: str | None) -> Period:
    """'2026-11' → Period; anything else → the current month."""
    period = month_or_none(value)
    if period is None:
        today = timezone.localdate()
        period = Period(today.year, today.month)
    return period


def latest_call_month() -> Period:
    """The month of the latest call (in the center's time zone), or the current month when there
    is no call yet."""
    latest = Call.objects.aggregate(m=Max("start_time"))["m"]
    day = timezone.localtime(latest).date() if latest else timezone.localdate()
    return Period(day.year, day.month)


class Center:
    """The center — as much of it as the user may see — as the object of a page other apps add
    sections to (the overview, the team list; qa_platform.menu.page_panels_for), as an Agent or a
    Team is on theirs."""


CENTER = Center()


def _call_stats(prefix: str = "") -> dict:
    p = prefix
    return {
        "calls": Count(f"{p}id"),
        "recorded": Count(f"{p}id", filter=~Q(**{f"{p}recording": ""})),
        "avg_talk": Avg(f"{p}talk_seconds"),
        "avg_handle": Avg(F(f"{p}talk_seconds") + F(f"{p}hold_seconds") + F(f"{p}acw_seconds")),
        "avg_csat": Avg(f"{p}csat"),
        "surveyed": Count(f"{p}csat"),
    }


_CELL_KEYS = ("line_of_business__code", "line_of_business__name", "shift__code", "shift__name", "direction")


_SUMMED = ("calls", "recorded", "talk_sum", "handle_sum", "csat_sum", "surveyed")


def _rolled_up(cells: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """The overview's figures grouped by `keys` (or one total for no keys), added up from the
    month's cells: counts and sums add, and each average is its sum over its count."""
    groups: dict[tuple, dict] = {}
    for cell in cells:
        group = groups.setdefault(
            tuple(cell[k] for k in keys), {**{k: cell[k] for k in keys}, **dict.fromkeys(_SUMMED, 0)}
        )
        for name in _SUMMED:
            group[name] += cell[name] or 0
    out = []
    for group in groups.values():
        calls, surveyed = group["calls"], group["surveyed"]
        row = {k: group[k] for k in (*keys, "calls", "recorded", "surveyed")}
        row["avg_talk"] = group["talk_sum"] / calls if calls else None
        row["avg_handle"] = group["handle_sum"] / calls if calls else None
        row["avg_csat"] = group["csat_sum"] / surveyed if surveyed else None
        out.append(row)
    return out


def _by_name(rows: list[dict], name: str) -> list[dict]:
    """In name order, a row without a name (no shift) first."""
    return sorted(rows, key=lambda r: (r[name] is not None, r[name] or ""))


def center_overview(*, period: Period) -> dict:
    """The month's calls by line, shift and direction, and in total: one scan of the month's
    calls grouped by line × shift × direction (a few dozen cells), rolled up here, instead of a
    scan per grouping. The same figures on SQLite and PostgreSQL (no GROUPING SETS needed)."""
    cells = list(
        Call.objects.filter(start_time__gte=period.start, start_time__lt=period.end)
        .values(*_CELL_KEYS)
        .annotate(
            calls=Count("id"),
            recorded=Count("id", filter=~Q(recording="")),
            talk_sum=Sum("talk_seconds"),
            handle_sum=Sum(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
            csat_sum=Sum("csat"),
            surveyed=Count("csat"),
        )
        .order_by()
    )
    [totals] = _rolled_up(cells, ()) or [
        {"calls": 0, "recorded": 0, "surveyed": 0, "avg_talk": None, "avg_handle": None, "avg_csat": None}
    ]
    return {
        "by_line": _by_name(
            _rolled_up(cells, ("line_of_business__code", "line_of_business__name")), "line_of_business__name"
        ),
        "by_shift": _by_name(_rolled_up(cells, ("shift__code", "shift__name")), "shift__name"),
        "by_direction": sorted(_rolled_up(cells, ("direction",)), key=lambda r: r["direction"]),
        "totals": totals,
        "agents_active": Agent.objects.filter(active=True).count(),
        "teams": Team.objects.count(),
    }


def team_summaries(*, user, period: Period) -> list[Team]:
    """Visible teams with their month's call figures: the period filters the calls in WHERE (an
    index range), so the page does not scan the whole call history."""
    teams = list(
        teams_visible_to(user)
        .annotate(agent_count=Count("agents", filter=Q(agents__active=True), distinct=True))
        .prefetch_related("lines_of_business", "supervisors")
        .order_by("name")
    )
    stats = {
        row["agent__team_id"]: row
        for row in Call.objects.filter(
            start_time__gte=period.start, start_time__lt=period.end, agent__team_id__in=[t.pk for t in teams]
        )
        .values("agent__team_id")
        .annotate(
            calls=Count("id"),
            avg_csat=Avg("csat"),
            avg_handle=Avg(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
        )
    }
    for team in teams:
        row = stats.get(team.pk, {})
        team.calls = row.get("calls", 0)
        team.avg_csat = row.get("avg_csat")
        team.avg_handle = row.get("avg_handle")
    return teams


def agent_summaries(*, team: Team, period: Period) -> list[Agent]:
    in_period = Q(calls__start_time__gte=period.start, calls__start_time__lt=period.end)
    return list(
        team.agents.annotate(
            calls_count=Count("calls", filter=in_period),
            avg_talk=Avg("calls__talk_seconds", filter=in_period),
            avg_handle=Avg(
                F("calls__talk_seconds") + F("calls__hold_seconds") + F("calls__acw_seconds"), filter=in_period
            ),
            avg_csat=Avg("calls__csat", filter=in_period),
        ).order_by("-active", "name")
    )


def agents_search(queryset: QuerySet[Agent], query: str) -> QuerySet[Agent]:
    return queryset.filter(Q(name__icontains=query) | Q(employee_id__icontains=query))


def agent_kpis(*, agent: Agent, weeks: int = 4) -> dict:
    since = timezone.now() - dt.timedelta(weeks=weeks)
    stats = Call.objects.filter(agent=agent, start_time__gte=since).aggregate(**_call_stats())
    stats["weeks"] = weeks
    return stats
