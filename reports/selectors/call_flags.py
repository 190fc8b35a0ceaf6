"""Automatic QA flags over every call, beside the human QA average on the sample (DESIGN.md §9:
"flag rates are reported over 100 % of calls beside the human sample").

What is counted
---------------
The month's calls (by start time, `selectors.qa.calls_in`) within what the reader may see
(`permissions.reach`: a supervisor their teams), optionally one line of business. A call counts
in a flag's n when its analysis (`monitoring.CallAnalysis`) is *done*: a call without an
analysis (no recording or transcript, or not analysed yet), or whose analysis was skipped or
failed, is in the month's calls (so the coverage, analysed ÷ calls, shows it) but in no rate.
Each flag's rate is k flagged ÷ n analysed with its 95 % Wilson interval
(`scoring.stats.proportion_interval`, through `selectors.dashboard.Share`); "any flag" is the
share of analysed calls with at least one of the six flags.

The QA average beside it
------------------------
The counted evaluations of the same calls and reader (`selectors.qa.evaluations_in`: regular,
submitted onwards, calls started in the month), averaging the center's QA figure — the agent
score or the interaction total, `selectors.qa_figure` — with n and its 95 % t interval. It is the
plain average of the evaluations there are, random and targeted picks alike (as the dashboard's
"QA average"; the random-sample estimate is the dashboard's). An evaluation belongs to its agent
and their team, as every QA figure does.

Whether flags track human scores: the same average over evaluated calls whose analysis flagged
something against those it analysed and flagged nothing (n each; evaluated calls without a done
analysis are in neither), and their difference, flagged − unflagged, with its 95 % Welch
interval (`scoring.stats.welch_interval`); for the whole scope per flag too (with the flag
against without it). A difference whose interval lies below 0 says people score flagged calls
lower.

The queries
-----------
`call_flag_report` costs three queries whatever the number of calls, agents or evaluations: the
center's QA figure, the calls counted GROUP BY line × agent, and the evaluations' sums (n, Σx,
Σx²) GROUP BY line × agent. Every count and sum adds up, so the lines, teams, agents and the whole
scope are summed from those rows in Python, with no query per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast

from monitoring.models import AnalysisStatus, Call, CallAnalysis
from monitoring.models_analytics import FLAG_FIELDS
from monitoring.selectors import Period, active_private_line_exists
from scoring.models import Evaluation
from scoring.stats import welch_interval

from ..models import PerformanceComponent
from ..permissions import reach
from .dashboard import Share
from .qa import Mean, Scope, calls_in, evaluations_in
from .qa_figure import qa_figure_expression, qa_figure_of

LINE, TEAM, AGENT = "line", "team", "agent"


def flag_label(flag: str) -> str:
    """The flag's name as the call page shows it (the analysis field's verbose name)."""
    return CallAnalysis._meta.get_field(flag).verbose_name


# --- the sums (additive, so rows roll up) -------------------------------------------------------


@dataclass
class Moments:
    """n, Σx and Σx² of a QA figure: whatever they are summed over, a mean, an SD and an
    interval follow."""

    n: int = 0
    sx: float = 0.0
    sxx: float = 0.0

    def add(self, other: Moments) -> None:
        self.n += other.n
        self.sx += other.sx
        self.sxx += other.sxx

    @property
    def as_mean(self) -> Mean:
        """A `selectors.qa.Mean` (mean, sample SD, n; its `interval` is the 95 % t interval)."""
        if not self.n:
            return Mean(n=0, mean=None, sd=None)
        mean = self.sx / self.n
        sd = math.sqrt(max(0.0, (self.sxx - self.sx * self.sx / self.n) / (self.n - 1))) if self.n > 1 else None
        return Mean(n=self.n, mean=mean, sd=sd)


@dataclass(frozen=True)
class Difference:
    """Mean of `b` − mean of `a` with its 95 % Welch interval (None below n = 2 on a side)."""

    a: Mean
    b: Mean

    @property
    def value(self) -> float | None:
        if self.a.mean is None or self.b.mean is None:
            return None
        return self.b.mean - self.a.mean

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.value is None or self.a.sd is None or self.b.sd is None:
            return None
        return welch_interval((self.a.n, self.a.mean, self.a.sd), (self.b.n, self.b.mean, self.b.sd))


@dataclass(frozen=True)
class FlagRate:
    """One flag in one group: its rate over the analysed calls."""

    flag: str
    label: str
    share: Share


@dataclass(frozen=True)
class FlagComparison:
    """The QA average of evaluated, analysed calls with a flag against those without it."""

    flag: str
    label: str
    rate: Share
    flagged: Mean
    unflagged: Mean

    @property
    def difference(self) -> Difference:
        return Difference(self.unflagged, self.flagged)


@dataclass
class Group:
    """A line of business, team or agent (or the whole scope: kind "", pk None) in the month."""

    kind: str
    pk: int | None
    name: str
    employee_id: str = ""  # an agent's
    team_name: str = ""  # an agent's team
    calls: int = 0  # the month's calls, analysed or not
    n: int = 0  # calls analysed (status done): every rate's denominator
    any: int = 0  # analysed calls with at least one flag
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_FIELDS, 0))
    qa: Moments = field(default_factory=Moments)  # all counted evaluations
    qa_flagged: Moments = field(default_factory=Moments)  # of analysed calls with any flag
    qa_clean: Moments = field(default_factory=Moments)  # of analysed calls without one
    qa_with: dict[str, Moments] = field(default_factory=lambda: {f: Moments() for f in FLAG_FIELDS})

    def add_calls(self, row: dict) -> None:
        self.calls += row["calls"]
        self.n += row["n"]
        self.any += row["any"]
        for flag in FLAG_FIELDS:
            self.counts[flag] += row[flag]

    def add_evaluations(self, row: dict) -> None:
        self.qa.add(_moments(row, ""))
        self.qa_flagged.add(_moments(row, "flagged_"))
        self.qa_clean.add(_moments(row, "clean_"))
        for flag in FLAG_FIELDS:
            self.qa_with[flag].add(_moments(row, f"{flag}_"))

    @property
    def coverage(self) -> Share:
        """Analysed calls of the month's calls."""
        return Share(self.n, self.calls)

    @property
    def any_rate(self) -> Share:
        return Share(self.any, self.n)

    @property
    def rates(self) -> list[FlagRate]:
        return [FlagRate(f, flag_label(f), Share(self.counts[f], self.n)) for f in FLAG_FIELDS]

    def rate(self, flag: str) -> Share:
        return Share(self.counts[flag], self.n)

    @property
    def qa_mean(self) -> Mean:
        return self.qa.as_mean

    @property
    def flagged_mean(self) -> Mean:
        return self.qa_flagged.as_mean

    @property
    def unflagged_mean(self) -> Mean:
        return self.qa_clean.as_mean

    @property
    def difference(self) -> Difference:
        """Flagged − unflagged."""
        return Difference(self.unflagged_mean, self.flagged_mean)

    @property
    def comparisons(self) -> list[FlagComparison]:
        """Per flag: the QA average of evaluated analysed calls with it against without it."""
        analysed = Moments()
        analysed.add(self.qa_flagged)
        analysed.add(self.qa_clean)
        out = []
        for flag in FLAG_FIELDS:
            with_flag = self.qa_with[flag]
            without = Moments(analysed.n - with_flag.n, analysed.sx - with_flag.sx, analysed.sxx - with_flag.sxx)
            out.append(FlagComparison(flag, flag_label(flag), self.rate(flag), with_flag.as_mean, without.as_mean))
        return out


def _moments(row: dict, prefix: str) -> Moments:
    return Moments(row[f"{prefix}n"] or 0, row[f"{prefix}sx"] or 0.0, row[f"{prefix}sxx"] or 0.0)


@dataclass
class CallFlagReport:
    period: Period
    qa_figure: str
    scope: Group
    lines: list[Group]
    teams: list[Group]
    agents: list[Group]  # highest any-flag rate first

    @property
    def flag_labels(self) -> list[tuple[str, str]]:
        return [(f, flag_label(f)) for f in FLAG_FIELDS]


# --- the queries --------------------------------------------------------------------------------


def analysed(prefix: str = "") -> Q:
    """Calls (reached through `prefix`) whose analysis is done: those in a rate's n."""
    return Q(**{f"{prefix}analysis__status": AnalysisStatus.DONE})


def flagged(prefix: str = "", flag: str | None = None) -> Q:
    """Analysed calls with `flag` (with any flag when None)."""
    flags = FLAG_FIELDS if flag is None else (flag,)
    return analysed(prefix) & reduce(or_, (Q(**{f"{prefix}analysis__{f}": True}) for f in flags))


def unflagged(prefix: str = "") -> Q:
    """Analysed calls without any flag."""
    return analysed(prefix) & Q(**{f"{prefix}analysis__{f}": False for f in FLAG_FIELDS})


# The call counts of a grouped row (on Call).
CALL_COUNTS = {
    "calls": Count("pk"),
    "n": Count("pk", filter=analysed()),
    "any": Count("pk", filter=flagged()),
    **{f: Count("pk", filter=flagged(flag=f)) for f in FLAG_FIELDS},
}


def _keys(prefix: str) -> dict:
    """What a row is grouped by (besides `agent_id`), on Call ("") or Evaluation ("call__")."""
    return {
        "lob": F(f"{prefix}line_of_business_id"),
        "lob_name": F(f"{prefix}line_of_business__name"),
        "team": F("agent__team_id"),
        "team_name": F("agent__team__name"),
        "agent_name": F("agent__name"),
        "employee_id": F("agent__employee_id"),
    }


def evaluation_sums(figure: str) -> dict:
    """n, Σx, Σx² of the QA figure `figure` over a grouped row of evaluations: all of them, those
    of analysed calls with any flag (`flagged_`), without (`clean_`), and with each flag."""
    x = Cast(qa_figure_expression(figure), FloatField())
    xx = ExpressionWrapper(x * x, output_field=FloatField())
    subsets = {
        "": None,
        "flagged_": flagged("call__"),
        "clean_": unflagged("call__"),
        **{f"{f}_": flagged("call__", f) for f in FLAG_FIELDS},
    }
    out = {}
    for prefix, where in subsets.items():
        out[f"{prefix}n"] = Count("pk", filter=where)
        out[f"{prefix}sx"] = Sum(x, filter=where)
        out[f"{prefix}sxx"] = Sum(xx, filter=where)
    return out


def _calls(user, period: Period, line_id: int | None) -> QuerySet[Call]:
    # Calls on a private line are never monitored (nor analysed): they are not in the coverage.
    qs = calls_in(Scope(Scope.CENTER), start=period.start, end=period.end).filter(reach(user))
    qs = qs.filter(~active_private_line_exists())
    return qs if line_id is None else qs.filter(line_of_business_id=line_id)


def _evaluations(user, period: Period, line_id: int | None) -> QuerySet[Evaluation]:
    qs = evaluations_in(Scope(Scope.CENTER), start=period.start, end=period.end).filter(reach(user))
    return qs if line_id is None else qs.filter(call__line_of_business_id=line_id)


def _by_name(group: Group):
    return (group.name, group.pk)


def _by_any_rate(group: Group):
    """Highest any-flag rate first; at equal rates the larger n; agents without an analysed call
    last."""
    rate = group.any_rate.rate
    return (rate is None, -(rate or 0.0), -group.n, group.name, group.pk)


def call_flag_report(*, user, period: Period, line_id: int | None = None) -> CallFlagReport:
    """The month's flag rates and QA averages within what `user` may see, per line, team and
    agent and for the whole (optionally one line): three queries."""
    figure = qa_figure_of(PerformanceComponent.objects.all())
    scope = Group("", None, "")
    groups: dict[tuple[str, int], Group] = {}

    def targets(row: dict) -> list[Group]:
        line = groups.setdefault((LINE, row["lob"]), Group(LINE, row["lob"], row["lob_name"]))
        team = groups.setdefault((TEAM, row["team"]), Group(TEAM, row["team"], row["team_name"]))
        agent = groups.setdefault(
            (AGENT, row["agent_id"]),
            Group(AGENT, row["agent_id"], row["agent_name"], row["employee_id"], row["team_name"]),
        )
        return [scope, line, team, agent]

    call_rows = _calls(user, period, line_id).values("agent_id", **_keys("")).annotate(**CALL_COUNTS).order_by()
    for row in call_rows:
        for group in targets(row):
            group.add_calls(row)
    evaluation_rows = (
        _evaluations(user, period, line_id)
        .values("agent_id", **_keys("call__"))
        .annotate(**evaluation_sums(figure))
        .order_by()
    )
    for row in evaluation_rows:
        for group in targets(row):
            group.add_evaluations(row)

    def of(kind: str) -> list[Group]:
        return [g for (k, _pk), g in groups.items() if k == kind]

    return CallFlagReport(
        period=period,
        qa_figure=figure,
        scope=scope,
        lines=sorted(of(LINE), key=_by_name),
        teams=sorted(of(TEAM), key=_by_name),
        agents=sorted(of(AGENT), key=_by_any_rate),
    )
