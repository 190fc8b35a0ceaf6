"""Demo data for the monitoring app: a believable call center (DESIGN.md §8, `seed_demo`).

`seed_monitoring` builds the org structure, the logins, the agents and several weeks of calls
with KPIs and shared, generated recordings. It is called by `qa_platform`'s `seed_demo`
command inside one transaction and returns a `DemoOrg` that the higher apps' seeders
(scoring, coaching) build on. Everything random comes from the `rng` passed in, so one seed
gives the same center, calls and KPIs every time (relative to the current week).

Objects are built in memory and written with bulk_create in bounded batches: 2,000 agents
and ~200k calls cost a few hundred queries, not one per row.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Least
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qa_platform import roles

from . import demo_zh
from .demo_recordings import RECORDING_CONTENT_TYPE, PoolRecording, write_recording_pool
from .ingest import derive_shift
from .models import Agent, Call, Direction, LineOfBusiness, PrivateLine, Shift, Site, Team

User = get_user_model()

DEMO_SOURCE = "demo"
DEMO_PASSWORD = "demo"
# The six logins DESIGN.md §8 promises, and the role each one holds.
DEMO_LOGINS = {
    "manager": roles.MANAGER,
    "qa": roles.QA,
    "supervisor": roles.SUPERVISOR,
    "trainer": roles.TRAINER,
    "hr": roles.HR,
    "agent": roles.AGENT,
}
BATCH_SIZE = 5_000
CENTER_TZ = "Asia/Shanghai"

SITES = ("Shanghai", "Chengdu")
LINES = {
    "billing": "Billing",
    "tech-support": "Technical support",
    "sales": "Sales",
    "complaints": "Complaints & escalations",  # small line: the line-level top-up must cover it
}
# (team label, lines handled: first is the main line)
TEAM_PLAN = (
    ("Billing", ("billing",)),
    ("Tech Support", ("tech-support",)),
    ("Sales", ("sales",)),
    ("Tech Support", ("tech-support", "complaints")),
    ("Billing & Sales", ("billing", "sales")),
    ("Tech Support", ("tech-support", "billing")),
)
SECONDARY_LINE_SHARE = {"complaints": 0.12}
SECONDARY_LINE_DEFAULT_SHARE = 0.3
AGENTS_PER_TEAM = 11
MIN_TEAMS = 6

# (code, name, start, end, priority): every hour is in some window; peak overlays the day.
SHIFTS = (
    ("day", "Day", dt.time(8), dt.time(16), 0),
    ("evening", "Evening", dt.time(16), dt.time(22), 0),
    ("night", "Night", dt.time(22), dt.time(8), 0),
    ("peak", "Peak", dt.time(10), dt.time(12), 10),
)
# Where agents normally work, and the intraday call curve (local hour → relative volume).
HOME_SHIFT_WEIGHTS = {"day": 60, "evening": 28, "night": 12}
HOUR_WEIGHTS = {
    "day": {8: 6, 9: 9, 10: 12, 11: 12, 12: 7, 13: 9, 14: 10, 15: 8},
    "evening": {16: 9, 17: 8, 18: 7, 19: 6, 20: 5, 21: 4},
    "night": {22: 3, 23: 2, 0: 1.5, 1: 1, 2: 0.7, 3: 0.6, 4: 0.6, 5: 0.8, 6: 1.5, 7: 2.5},
}
OVERTIME_SHARE = 0.08  # calls taken outside the agent's home shift
INGEST_DELAY = dt.timedelta(hours=1)  # a call (at most ~32 min long) reaches the platform within the hour

OUTBOUND_SHARE = {"billing": 0.10, "tech-support": 0.08, "sales": 0.55, "complaints": 0.25}
SERVICE_TYPES = {
    ("billing", Direction.INBOUND): {"invoice query": 45, "payment arrangement": 25, "refund": 20, "direct debit": 10},
    ("billing", Direction.OUTBOUND): {"payment arrangement": 60, "invoice query": 25, "refund": 15},
    ("tech-support", Direction.INBOUND): {"connectivity": 45, "device setup": 30, "outage": 25},
    ("tech-support", Direction.OUTBOUND): {"outage": 50, "device setup": 30, "connectivity": 20},
    ("sales", Direction.INBOUND): {"new contract": 45, "upgrade": 40, "retention": 15},
    ("sales", Direction.OUTBOUND): {"upgrade": 45, "retention": 35, "new contract": 20},
    ("complaints", Direction.INBOUND): {"formal complaint": 60, "escalation": 40},
    ("complaints", Direction.OUTBOUND): {"complaint follow-up": 100},
}
TALK_MEDIAN = {"billing": 240, "tech-support": 420, "sales": 330, "complaints": 480}
HOLD_SHARE = {"billing": 0.3, "tech-support": 0.45, "sales": 0.2, "complaints": 0.4}
SHORT_CALL_SHARE = 0.04  # dropped calls, wrong numbers: under 30 s
RECORDED_SHARE = 0.85
PLANTED_SHARE = 0.3  # of the calls on a dialogue with planted variants, at skill 0.5
CSAT_SHARE = 0.30
NPS_SHARE = 0.20
NEW_HIRE_SHARE = 0.12
INACTIVE_SHARE = 0.03

PRIVATE_LINE_REASONS = (
    "Team lead desk phone kept for personal calls",
    "Staff welfare hotline",
    "Break-room phone for staff personal use",
    "Employee union representative",
)

SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
    ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"),
    ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"),
    ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"),
    ("曹", "Cao"), ("彭", "Peng"), ("曾", "Zeng"), ("肖", "Xiao"), ("田", "Tian"), ("董", "Dong"), ("袁", "Yuan"),
    ("潘", "Pan"), ("蒋", "Jiang"), ("蔡", "Cai"), ("余", "Yu"), ("杜", "Du"),
)  # fmt: skip
GIVEN_ZH = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "晓明", "婷婷", "子涵", "欣怡", "浩然", "雨萱", "俊杰", "佳怡", "思远", "梦琪",
    "宇轩", "诗涵", "嘉怡", "志强", "建华", "晓燕", "海燕", "文博", "一鸣", "雪", "琳", "慧", "鑫", "凯", "博文",
    "天宇", "晨", "悦",
)  # fmt: skip
GIVEN_EN = (
    "Lily", "Kevin", "Grace", "Jason", "Emma", "Leo", "Vivian", "Eric", "Cindy", "Tony", "Amy", "Frank", "Helen",
    "Jack", "Sophie", "Michael", "Coco", "Daniel", "Iris", "Peter", "Wendy", "Steven", "Joyce", "Alan", "Nina",
    "Ryan", "Sunny", "Vincent", "Judy", "Oscar", "Queenie", "Ben", "Rachel", "Tom", "Yvonne", "Andy", "Fiona",
    "Simon", "Cherry", "Bruce",
)  # fmt: skip
ENGLISH_NAME_SHARE = 0.45

# (first name, last name) of the demo logins that are not agents.
DEMO_PEOPLE = {
    "manager": ("Min", "Zhou"),
    "qa": ("Grace", "Lin"),
    "supervisor": ("Lei", "Wang"),
    "trainer": ("Helen", "Xu"),
    "hr": ("Jing", "Chen"),
}


# --- the result -------------------------------------------------------------------------------


class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int, str], Progress]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(total: int, desc: str) -> Progress:
    return _NoProgress()


@dataclass
class DemoOrg:
    """What the monitoring seed made, for the seeders of the apps above and the summary."""

    today: dt.date  # the center's local date the data is anchored to
    weeks: list[dt.date]  # Monday of each seeded week, oldest first
    period_start: dt.datetime  # first seeded moment (inclusive), aware
    period_end: dt.datetime  # Monday 00:00 of the current week (exclusive), aware
    sites: list[Site]
    lines: dict[str, LineOfBusiness]  # by code
    shifts: dict[str, Shift]  # by code
    teams: list[Team]
    team_lines: dict[int, list[str]]  # team pk → line codes, main line first
    team_supervisors: dict[int, list[AbstractUser]]  # team pk → supervisor users
    agents: list[Agent]
    skills: dict[int, float]  # agent pk → hidden skill 0..1 (drives KPIs; use it for scores too)
    home_shifts: dict[int, str]  # agent pk → shift code the agent normally works
    users: dict[str, AbstractUser]  # the six demo logins by username
    supervisors: list[AbstractUser]  # every supervisor login, the demo one first
    qa_auditors: list[AbstractUser]  # every QA login, the demo one first
    trainers: list[AbstractUser]  # every trainer login, the demo one first
    private_lines: list[PrivateLine]
    recordings: list[PoolRecording]
    call_count: int = 0
    recorded_call_count: int = 0
    private_call_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    locale: str = "en"  # "zh-hans": the Chinese center (monitoring/demo_zh.py and the apps' *_zh tables)

    @property
    def demo_agent(self) -> Agent:
        return self.users["agent"].agent


# --- helpers ----------------------------------------------------------------------------------


class DemoDataConflict(Exception):
    """The database already holds rows the demo would collide with."""


def database_has_data() -> bool:
    """True if there is anything seed_demo would collide with or mix into."""
    return (
        Call.objects.exists()
        or Agent.objects.exists()
        or Team.objects.exists()
        or User.objects.filter(username__in=DEMO_LOGINS).exists()
    )


def _cum(weights: Sequence[float]) -> list[float]:
    return list(accumulate(weights))


class _Choice:
    """A weighted choice with precomputed cumulative weights (called ~10⁶ times)."""

    __slots__ = ("values", "cum")

    def __init__(self, weighted: dict):
        self.values = list(weighted)
        self.cum = _cum(list(weighted.values()))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum)[0]


def _person_name(rng: random.Random, locale: str = "en") -> tuple[str, str, str]:
    """(display name, first name, last name): Chinese, or an English given name with a Chinese surname;
    always Chinese (family name first, no space) in the Chinese center."""
    surname_zh, surname_py = rng.choice(SURNAMES)
    if demo_zh.is_zh(locale):
        given = rng.choice(demo_zh.GIVEN)
        return demo_zh.person_name(surname_zh, given), given, surname_zh
    if rng.random() < ENGLISH_NAME_SHARE:
        given = rng.choice(GIVEN_EN)
        return f"{given} {surname_py}", given, surname_py
    given = rng.choice(GIVEN_ZH)
    return f"{surname_zh}{given}", given, surname_zh


def _clamp(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else hi if value > hi else value


# --- the seed ---------------------------------------------------------------------------------


def seed_monitoring(
    *,
    rng: random.Random,
    agents: int = 60,
    weeks: int = 6,
    calls_per_agent_week: int = 20,
    progress: ProgressFactory | None = None,
    today: dt.date | None = None,
    locale: str = "en",
) -> DemoOrg:
    """Create the demo center's monitoring data; call inside a transaction on an empty database.
    `locale` "zh-hans" makes the Chinese center: the same draws, Chinese names and texts."""
    if agents < MIN_TEAMS:
        raise ValueError(f"At least {MIN_TEAMS} agents are needed (one per team).")
    if weeks < 1 or calls_per_agent_week < 1:
        raise ValueError("weeks and calls_per_agent_week must be at least 1.")
    progress = progress or no_progress
    tz = zoneinfo.ZoneInfo(CENTER_TZ)
    today = today or dt.datetime.now(tz).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    week_starts = [this_monday - dt.timedelta(weeks=w) for w in range(weeks, 0, -1)]

    group_by_role = roles.ensure_role_groups()
    # Configuration rows an administrator (or a data migration) may already have made are reused.
    site_names = demo_zh.pick(locale, SITES, demo_zh.SITES)
    line_names = demo_zh.pick(locale, LINES, demo_zh.LINES)
    shift_names = demo_zh.pick(locale, {c: n for c, n, *_ in SHIFTS}, demo_zh.SHIFT_NAMES)
    sites_by_name = _get_or_create_all(Site, "name", [Site(name=name, timezone=CENTER_TZ) for name in site_names])
    sites = [sites_by_name[name] for name in site_names]
    lines = _get_or_create_all(LineOfBusiness, "code", [LineOfBusiness(code=c, name=n) for c, n in line_names.items()])
    shifts = _get_or_create_all(
        Shift, "code", [Shift(code=c, name=shift_names[c], start=a, end=b, priority=p) for c, _n, a, b, p in SHIFTS]
    )

    teams, team_lines = _create_teams(agents, sites, lines, locale)
    users, supervisors, qa_auditors, trainers, team_supervisors = _create_users(
        rng, teams, agents, group_by_role, locale
    )
    agent_rows, people, skills, home_shifts = _create_agents(
        rng, agents, teams, today, week_starts[0], users["agent"], locale
    )
    private_lines = _create_private_lines(len(teams), locale)
    recordings = write_recording_pool(locale)

    org = DemoOrg(
        today=today,
        weeks=week_starts,
        period_start=dt.datetime.combine(week_starts[0], dt.time(), tzinfo=tz),
        period_end=dt.datetime.combine(this_monday, dt.time(), tzinfo=tz),
        sites=sites,
        lines=lines,
        shifts=shifts,
        teams=teams,
        team_lines=team_lines,
        team_supervisors=team_supervisors,
        agents=agent_rows,
        skills=skills,
        home_shifts=home_shifts,
        users=users,
        supervisors=supervisors,
        qa_auditors=qa_auditors,
        trainers=trainers,
        private_lines=private_lines,
        recordings=recordings,
        locale=locale,
    )
    _create_calls(rng, org, people, calls_per_agent_week, progress)
    org.counts = {
        "sites": len(sites),
        "lines of business": len(lines),
        "shifts": len(shifts),
        "teams": len(teams),
        "agents": len(agent_rows),
        "inactive agents": sum(not a.active for a in agent_rows),
        "new hires (< 90 days)": sum((today - a.hire_date).days < 90 for a in agent_rows),
        "users": len(supervisors) + len(qa_auditors) + len(trainers) + 3,  # + manager, hr, agent
        "private lines": len(private_lines),
        "recordings in pool": len(recordings),
        "calls": org.call_count,
        "calls with a recording": org.recorded_call_count,
        "calls on private lines": org.private_call_count,
    }
    return org


def _date_ingest() -> None:
    """Calls are stamped `created` on insert; the telephony feed brought each one in within the
    hour after it started (it had ended by then), never later than now. One UPDATE."""
    ingested = Least(F("start_time") + INGEST_DELAY, Value(timezone.now(), output_field=DateTimeField()))
    Call.objects.filter(source=DEMO_SOURCE).update(created_at=ingested, updated_at=ingested)


def _get_or_create_all(model, key: str, wanted: list) -> dict:
    """Rows keyed by `key`: the existing ones, plus the wanted ones that were missing."""
    keys = [getattr(obj, key) for obj in wanted]
    found = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": keys})}
    for obj in model.objects.bulk_create([obj for obj in wanted if getattr(obj, key) not in found]):
        found[getattr(obj, key)] = obj
    return {k: found[k] for k in keys}


def _create_teams(agents: int, sites: list[Site], lines: dict[str, LineOfBusiness], locale: str = "en"):
    count = max(MIN_TEAMS, round(agents / AGENTS_PER_TEAM))
    numbers: dict[tuple[str, str], int] = {}
    plans = []
    for index in range(count):
        label, codes = TEAM_PLAN[index % len(TEAM_PLAN)]
        if demo_zh.is_zh(locale):
            label = demo_zh.TEAM_LABELS[index % len(TEAM_PLAN)]
        site = sites[1] if index % 3 == 2 else sites[0]  # a third of the teams in Chengdu
        numbers[(site.name, label)] = number = numbers.get((site.name, label), 0) + 1
        name = demo_zh.team_name(site.name, label, number) if demo_zh.is_zh(locale) else f"{site.name} {label} {number}"
        plans.append((Team(name=name, site=site), codes))
    teams = Team.objects.bulk_create([team for team, _ in plans], batch_size=BATCH_SIZE)
    Through = Team.lines_of_business.through
    Through.objects.bulk_create(
        [
            Through(team_id=team.pk, lineofbusiness_id=lines[code].pk)
            for team, (_, codes) in zip(teams, plans, strict=True)
            for code in codes
        ],
        batch_size=BATCH_SIZE,
    )
    return teams, {team.pk: list(codes) for team, (_, codes) in zip(teams, plans, strict=True)}


def _create_users(rng: random.Random, teams: list[Team], agents: int, group_by_role: dict, locale: str = "en"):
    """The six demo logins (password "demo") and the other staff (no usable password)."""
    extra_supervisors = len(teams) - 2  # the demo supervisor leads two teams, everyone else one
    # Staffed for the default quota policy: ~5.5 evaluations per agent a week, 70 % to QA at 60 a
    # week each, 10 % to trainers at 30 a week each (supervisors take 20 % of their own teams).
    qa_count = max(5, agents // 12)
    trainer_count = max(2, agents // 50)
    planned: list[tuple[str, str, str, str]] = []  # (username, first, last, role)
    people = demo_zh.pick(locale, DEMO_PEOPLE, demo_zh.DEMO_PEOPLE)
    for username, role in DEMO_LOGINS.items():
        if username != "agent":
            planned.append((username, *people[username], role))

    def name(username: str, role: str):
        return (username, *_person_name(rng, locale)[1:], role)

    planned += [name(f"sup{n:02d}", roles.SUPERVISOR) for n in range(2, extra_supervisors + 2)]
    planned += [name(f"qa{n}", roles.QA) for n in range(2, qa_count + 1)]
    planned += [name(f"trainer{n}", roles.TRAINER) for n in range(2, trainer_count + 1)]
    usernames = [p[0] for p in planned] + ["agent"]
    taken = list(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise DemoDataConflict(f"Users already exist: {', '.join(sorted(taken))}.")

    hasher = User()
    hasher.set_password(DEMO_PASSWORD)  # hash once: PBKDF2 is deliberately slow
    rows = []
    for username, first, last, _role in planned + [("agent", "", "", roles.AGENT)]:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.example.com")
        if username in DEMO_LOGINS:
            user.password = hasher.password
        else:
            user.set_unusable_password()
        user.is_staff = username == "manager"  # may open the Django admin
        rows.append(user)
    created = User.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    role_of = {username: role for username, *_rest, role in planned + [("agent", "", "", roles.AGENT)]}
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=u.pk, group_id=group_by_role[role_of[u.username]].pk) for u in created],
        batch_size=BATCH_SIZE,
    )
    group_by_role[roles.MANAGER].permissions.add(*Permission.objects.filter(content_type__app_label="monitoring"))

    by_name = {u.username: u for u in created}
    supervisors = [u for u in created if role_of[u.username] == roles.SUPERVISOR]
    qa_auditors = [u for u in created if role_of[u.username] == roles.QA]
    trainers = [u for u in created if role_of[u.username] == roles.TRAINER]
    team_supervisors = {teams[0].pk: [by_name["supervisor"]], teams[1].pk: [by_name["supervisor"]]}
    for team, user in zip(teams[2:], supervisors[1:], strict=True):
        team_supervisors[team.pk] = [user]
    Lead = Team.supervisors.through
    Lead.objects.bulk_create(
        [Lead(team_id=team_pk, user_id=u.pk) for team_pk, leads in team_supervisors.items() for u in leads],
        batch_size=BATCH_SIZE,
    )
    users = {username: by_name[username] for username in DEMO_LOGINS}
    return users, supervisors, qa_auditors, trainers, team_supervisors


def _create_agents(
    rng: random.Random,
    count: int,
    teams: list[Team],
    today: dt.date,
    period_first_day: dt.date,
    agent_user,
    locale: str = "en",
):
    """Agents spread evenly over the teams, with tenure, a home shift and a hidden skill."""
    team_order = sorted((teams[i % len(teams)] for i in range(count)), key=lambda t: t.pk)  # even sizes
    home_choice = _Choice(HOME_SHIFT_WEIGHTS)
    people = []
    for team in team_order:
        name, *_ = _person_name(rng, locale)
        if rng.random() < NEW_HIRE_SHARE:
            hire_date = today - dt.timedelta(days=rng.randint(10, 85))
        else:
            hire_date = today - dt.timedelta(days=90 + min(int(rng.expovariate(1 / 700)), 3_600))
        tenure_years = (today - hire_date).days / 365
        skill = rng.betavariate(4, 2.5) * (0.75 if tenure_years < 90 / 365 else 1.0) + min(0.1, 0.02 * tenure_years)
        people.append(
            {
                "name": name,
                "team": team,
                "hire_date": hire_date,
                "notified": min(today, hire_date + dt.timedelta(days=rng.randint(0, 3))),
                "skill": round(_clamp(skill, 0.05, 0.98), 3),
                "home": home_choice(rng),
                "active": True,
            }
        )

    # The `agent` login: a settled, mid-performing member of the demo supervisor's first team.
    eligible = [p for p in people if p["team"] is teams[0] and (today - p["hire_date"]).days >= 180]
    if not eligible:
        eligible = [p for p in people if p["team"] is teams[0]]
        eligible[0]["hire_date"] = today - dt.timedelta(days=400)
        eligible[0]["notified"] = eligible[0]["hire_date"]
    median = sorted(p["skill"] for p in people)[len(people) // 2]
    demo_person = min(eligible, key=lambda p: (abs(p["skill"] - median), p["name"]))
    demo_person["home"] = "day"

    # A few leavers: they worked part of the period and are inactive now.
    veterans = [p for p in people if p is not demo_person and (today - p["hire_date"]).days >= 90]
    period_days = (today - period_first_day).days
    for person in rng.sample(veterans, k=min(len(veterans), max(1, round(count * INACTIVE_SHARE)))):
        person["active"] = False
        person["left"] = period_first_day + dt.timedelta(
            days=rng.randint(period_days // 3, max(period_days // 3, period_days - 8))
        )

    # Employee ids follow hiring order, as an HR system would have issued them.
    by_hire = sorted(range(len(people)), key=lambda i: (people[i]["hire_date"], i))
    employee_number = {index: 10_001 + rank for rank, index in enumerate(by_hire)}
    rows = [
        Agent(
            employee_id=f"E{employee_number[i]}",
            name=p["name"],
            team=p["team"],
            hire_date=p["hire_date"],
            active=p["active"],
            monitoring_notified_on=p["notified"],
            user=agent_user if p is demo_person else None,
        )
        for i, p in enumerate(people)
    ]
    agent_user.first_name, agent_user.last_name = _split_name(demo_person["name"])
    agent_user.save(update_fields=["first_name", "last_name"])
    created = bulk_create_with_history(rows, Agent, batch_size=BATCH_SIZE, default_change_reason="seed_demo")
    skills = {a.pk: p["skill"] for a, p in zip(created, people, strict=True)}
    home_shifts = {a.pk: p["home"] for a, p in zip(created, people, strict=True)}
    return created, people, skills, home_shifts


def _split_name(name: str) -> tuple[str, str]:
    if " " in name:
        first, last = name.split(" ", 1)
        return first, last
    return name[1:], name[:1]


def _create_private_lines(team_count: int, locale: str = "en") -> list[PrivateLine]:
    count = 3 + team_count // 30
    reasons = demo_zh.pick(locale, PRIVATE_LINE_REASONS, demo_zh.PRIVATE_LINE_REASONS)
    rows = [PrivateLine(line=f"6{6001 + i}", reason=reasons[i % len(reasons)]) for i in range(count)]
    return bulk_create_with_history(rows, PrivateLine, batch_size=BATCH_SIZE, default_change_reason="seed_demo")


def _extension(index: int) -> str:
    return f"8{index + 1:04d}"


def _planted(events_rng: random.Random, recording: PoolRecording, planted: dict, skill: float) -> PoolRecording:
    """Now and then one of the recording's planted variants instead (weaker agents more often):
    long dead air, a long hold, talk-over, no greeting or closing, a forbidden phrase."""
    if events_rng.random() < PLANTED_SHARE * (1.5 - skill) and recording.name in planted:
        return events_rng.choice(planted[recording.name])
    return recording


def _create_calls(
    rng: random.Random, org: DemoOrg, people: list[dict], calls_per_agent_week: int, progress: ProgressFactory
) -> None:
    tz = zoneinfo.ZoneInfo(CENTER_TZ)
    shift_list = list(org.shifts.values())
    hour_choice = {code: _Choice(weights) for code, weights in HOUR_WEIGHTS.items()}
    any_hour = _Choice({h: w for weights in HOUR_WEIGHTS.values() for h, w in weights.items()})
    service_types = demo_zh.service_types(SERVICE_TYPES) if demo_zh.is_zh(org.locale) else SERVICE_TYPES
    service_choice = {key: _Choice(weights) for key, weights in service_types.items()}
    clean = [rec for rec in org.recordings if not rec.events]
    pool_by_line: dict[str, list[PoolRecording]] = {}
    for rec in clean:
        pool_by_line.setdefault(rec.line, []).append(rec)
    planted: dict[str, list[PoolRecording]] = {}  # clean recording → its planted variants
    for rec in org.recordings:
        if rec.base:
            planted.setdefault(rec.base, []).append(rec)
    # Which calls get a planted recording: a stream of its own, so every other draw is as before.
    events_rng = random.Random(f"call-events:{org.weeks[0]}:{len(org.agents)}")
    site_tz = {site.pk: site.timezone for site in org.sites}
    team_by_pk = {team.pk: team for team in org.teams}

    # Plan first (how many calls on which days), so the progress bar knows its total.
    plan = []
    for index, (agent, person) in enumerate(zip(org.agents, people, strict=True)):
        first_day = person["hire_date"] + dt.timedelta(days=3)  # induction before the first call
        last_day = min(person.get("left", org.today), org.today - dt.timedelta(days=1))
        for week_start in org.weeks:
            pattern = range(5) if rng.random() < 0.6 else sorted(rng.sample(range(7), 5))
            days = [week_start + dt.timedelta(days=d) for d in pattern]
            days = [d for d in days if first_day <= d <= last_day]
            volume = calls_per_agent_week * rng.uniform(0.7, 1.3) * len(days) / 5
            n = round(volume)
            if n:
                plan.append((index, agent, week_start, days, n))
    total = sum(n for *_, n in plan)
    private_plan = []
    for line_index, private in enumerate(org.private_lines):
        team = org.teams[line_index % len(org.teams)]
        settled = [a for a in org.agents if a.active and a.hire_date < org.weeks[0]]
        members = [a for a in settled if a.team_id == team.pk] or settled or org.agents
        for week_start in org.weeks:
            for _ in range(rng.randint(1, 3)):
                private_plan.append((private, rng.choice(members), week_start))
    bar = progress(total + len(private_plan), "Calls")

    batch: list[Call] = []
    sequence = 0

    def flush() -> None:
        Call.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        bar.update(len(batch))
        batch.clear()

    def external_id(week_start: dt.date) -> str:
        nonlocal sequence
        sequence += 1
        iso_year, iso_week, _ = week_start.isocalendar()
        return f"{iso_year}W{iso_week:02d}-{sequence:07d}"

    def start_time(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)

    recorded = 0
    for index, agent, week_start, days, n in plan:
        skill = org.skills[agent.pk]
        codes = org.team_lines[agent.team_id]
        line_weights = {codes[0]: 1.0}
        for code in codes[1:]:
            line_weights[code] = SECONDARY_LINE_SHARE.get(code, SECONDARY_LINE_DEFAULT_SHARE)
        line_choice = _Choice(line_weights)
        home = hour_choice[org.home_shifts[agent.pk]]
        extension = _extension(index)
        tz_name = site_tz[team_by_pk[agent.team_id].site_id]
        slowness = 1.25 - 0.45 * skill  # weaker agents talk longer and wrap up slower
        for _ in range(n):
            code = line_choice(rng)
            direction = Direction.OUTBOUND if rng.random() < OUTBOUND_SHARE[code] else Direction.INBOUND
            hour = any_hour(rng) if rng.random() < OVERTIME_SHARE else home(rng)
            start = start_time(rng.choice(days), hour)
            if rng.random() < SHORT_CALL_SHARE:
                talk = rng.randint(5, 29)
            else:
                talk = rng.lognormvariate(0, 0.45) * TALK_MEDIAN[code] * slowness
                talk = int(talk) if talk <= 900 else rng.randint(700, 900)
                talk = max(talk, 60)
            hold = 0
            if talk >= 60 and rng.random() < HOLD_SHARE[code]:
                hold = min(int(rng.lognormvariate(0, 0.7) * 40 * slowness), 600)
            acw = max(5, min(int(rng.lognormvariate(0, 0.5) * 35 * slowness), 400))
            csat = nps = None
            if talk >= 30 and rng.random() < CSAT_SHARE:
                csat = int(round(_clamp(2.7 + 2.3 * skill + rng.gauss(0, 0.9), 1, 5)))
            if talk >= 30 and rng.random() < NPS_SHARE:
                base = 2 * csat if csat else 3 + 7 * skill
                nps = int(round(_clamp(base + rng.gauss(0, 1.5), 0, 10)))
            recording = None
            if rng.random() < RECORDED_SHARE:
                recording = rng.choice(pool_by_line.get(code) or clean)
                recording = _planted(events_rng, recording, planted, skill)
                recorded += 1
            batch.append(
                Call(
                    source=DEMO_SOURCE,
                    external_id=external_id(week_start),
                    agent=agent,
                    line_of_business=org.lines[code],
                    direction=direction,
                    service_type=service_choice[(code, direction)](rng),
                    start_time=start,
                    shift=derive_shift(start, shift_list, tz_name),
                    talk_seconds=talk,
                    hold_seconds=hold,
                    acw_seconds=acw,
                    csat=csat,
                    nps=nps,
                    line=extension,
                    recording=recording.name if recording else "",
                    recording_content_type=RECORDING_CONTENT_TYPE if recording else "",
                    recording_size=recording.size if recording else None,
                    transcript=recording.transcript if recording else None,
                )
            )
            if len(batch) >= BATCH_SIZE:
                flush()

    # Calls on private lines: personal calls from a desk phone, never recorded or surveyed.
    for private, agent, week_start in private_plan:
        day = week_start + dt.timedelta(days=rng.randrange(5))
        start = start_time(day, rng.randint(9, 17))
        batch.append(
            Call(
                source=DEMO_SOURCE,
                external_id=external_id(week_start),
                agent=agent,
                line_of_business=org.lines[org.team_lines[agent.team_id][0]],
                direction=Direction.OUTBOUND if rng.random() < 0.7 else Direction.INBOUND,
                service_type="",
                start_time=start,
                shift=derive_shift(start, shift_list, site_tz[team_by_pk[agent.team_id].site_id]),
                talk_seconds=rng.randint(30, 600),
                line=private.line,
            )
        )
    flush()
    bar.close()
    _date_ingest()
    org.call_count = sequence
    org.recorded_call_count = recorded
    org.private_call_count = len(private_plan)
