"""The monthly performance score (DESIGN.md §6): a weighted sum of 0–100 components, mapped to a
bonus band.

The formula (pure functions, no ORM: `component_score`, `performance`, `band_for`)
------------------------------------------------------------------------------------
Each active component gives a 0–100 score for the agent-month:

- QA average: the mean of the month's regular scored evaluations (the QA figures of
  `selectors.qa`: calls started in the month, submitted onwards, no calibration or self-scores)
  — of their agent scores by default, or of their totals: the center's choice, `qa_figure` on
  the QA component (`QAFigure`; `Config.qa_figure`). An evaluation without an agent score
  (scored before agent scores existed) counts its total. The HR export's QA average column is
  the same figure, and its heading says which.
- CSAT: the mean survey answer m (1–5) of the agent's calls, scored (m − 1) / 4 × 100.
- Handle time and after-call work: the average seconds a of the agent's calls against the
  component's target T: 100 at or under T, falling linearly to 0 at 2T — 100 × (2T − a) / T.
- Imported: the value imported for the agent-month (0–100, `ComponentValue`).

A component with no data for the agent — no evaluations, no surveyed call, no call, no
imported value (or, for a time component, no target) — *drops out*, and the weights of the
components that remain are rescaled to add up to 100 again, as N/A answers do in the scorecard
formula. Each remaining component's points are its score × its weight ÷ the remaining weights;
the total is the sum of the points — computed exactly, with fractions — rounded half-up to
one decimal. The band is the highest `BonusBand` whose floor the total reaches; its multiplier
is the bonus multiplier. An agent with no data at all has no total, no band and no multiplier.
The "why this score" page (/performance/<agent>/?month=) shows all of it for one agent-month:
each component's figure, its score, weight, share and points, and what dropped out.

Worked example (the default setup): QA average 80.0 (weight 40), CSAT 4.2 → 80.0 (20), handle
time 420 s against 360 s → 100 × (720 − 420) / 360 = 83.33 (20), after-call work 50 s against
60 s → 100 (10), attendance not imported → drops out (10). The remaining weights add up to 90:

    (80 × 40 + 80 × 20 + 83.33 × 20 + 100 × 10) / 90 = 7466.67 / 90 = 82.96 → 83.0 → "Good" × 1.00

The queries (`month_results`)
-----------------------------
All agents' figures come from three grouped queries — evaluations, calls and imported values,
each GROUP BY agent — plus one for the agents and two for the setup: the same six queries for
20 agents or 2,000. A closed month is read from its frozen rows instead (`frozen_results`);
the setup in force when it closed is read back from the settings' history (`config_as_of`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from monitoring.models import Agent, Call
from monitoring.selectors import Period, led_team_ids
from qa_platform.roles import CENTER_WIDE_ROLES, SUPERVISOR, user_roles

from ..models import (
    AgentMonthResult,
    BonusBand,
    ComponentSource,
    ComponentValue,
    MonthClose,
    PerformanceComponent,
    QAFigure,
)
from .qa import Scope, calls_in, evaluations_in
from .qa_figure import critical_failure_q, qa_average_label, qa_figure_expression, qa_figure_of

# The history reason of a record that only states how a row stood before history was kept.
BASELINE = "baseline"
Number = Decimal | Fraction
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def round_half_up(value: Decimal | None, step: Decimal = ONE_DECIMAL) -> Decimal | None:
    return None if value is None else value.quantize(step, rounding=ROUND_HALF_UP)


def first_day(period: Period) -> dt.date:
    return dt.date(period.year, period.month, 1)


def period_of(day: dt.date) -> Period:
    return Period(day.year, day.month)


# --- the setup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    name: str
    source: str
    weight: int
    target_seconds: int | None = None
    position: int = 0


@dataclass(frozen=True)
class BandSpec:
    name: str
    min_score: Decimal
    multiplier: Decimal


@dataclass(frozen=True)
class Config:
    """The active components (in order) and the bands (highest floor first)."""

    components: tuple[ComponentSpec, ...]
    bands: tuple[BandSpec, ...]
    qa_figure: str = QAFigure.AGENT_SCORE  # what the QA average averages

    @property
    def imported_codes(self) -> list[str]:
        return [c.code for c in self.components if c.source == ComponentSource.IMPORTED]


def _config(components: Iterable, bands: Iterable) -> Config:
    components = list(components)
    specs = sorted(
        (
            ComponentSpec(c.code, c.name, c.source, c.weight, c.target_seconds, c.position)
            for c in components
            if c.active
        ),
        key=lambda c: (c.position, c.code),
    )
    band_specs = sorted(
        (BandSpec(b.name, Decimal(b.min_score), Decimal(b.multiplier)) for b in bands),
        key=lambda b: b.min_score,
        reverse=True,
    )
    return Config(tuple(specs), tuple(band_specs), qa_figure_of(components))


def current_config() -> Config:
    """The setup as it stands: two queries."""
    return _config(PerformanceComponent.objects.all(), BonusBand.objects.all())


def config_as_of(moment: dt.datetime) -> Config:
    """The setup as it stood at `moment` (a month's close), from the settings' history: two
    queries. `services.close.month_close` makes sure every component and band has a history
    record before it closes a month; a month closed some other way (no history yet) falls back
    to the current setup."""
    components = list(PerformanceComponent.history.as_of(moment))
    bands = list(BonusBand.history.as_of(moment))
    if not components and not bands:
        return current_config()
    return _config(components, bands)


# --- the formula (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentFigures:
    """An agent-month's raw figures, as the grouped queries return them."""

    evaluations: int = 0
    qa_sum: Decimal = Decimal(0)
    critical_failures: int = 0
    calls: int = 0
    handle_seconds: int = 0
    acw_seconds: int = 0
    surveyed: int = 0
    csat_sum: int = 0
    imported: dict[str, Decimal] = field(default_factory=dict)

    @property
    def qa_average(self) -> Decimal | None:
        """The mean total, rounded half-up to one decimal (as shown and exported)."""
        return _round_exact(Fraction(self.qa_sum) / self.evaluations) if self.evaluations else None


# Why a component with no data dropped out, by source.
DROPPED_BECAUSE = {
    ComponentSource.QA: _("no scored evaluation this month"),
    ComponentSource.CSAT: _("no surveyed call this month"),
    ComponentSource.HANDLE_TIME: _("no call this month"),
    ComponentSource.ACW: _("no call this month"),
    ComponentSource.IMPORTED: _("no value imported for this month"),
}
NO_TARGET = _("no target set")


@dataclass(frozen=True)
class ComponentResult:
    """One component of one agent-month: the raw figure, what it rests on (evaluations,
    surveys or calls), its 0–100 score, its configured weight, its share of the total once
    dropped-out components are taken away, and the points it contributes."""

    spec: ComponentSpec
    raw: Decimal | None
    basis: int | None
    score: Decimal | None
    share: Decimal | None = None
    points: Decimal | None = None

    @property
    def dropped(self) -> bool:
        return self.score is None

    @property
    def dropped_because(self) -> str:
        if not self.dropped:
            return ""
        if self.spec.source in (ComponentSource.HANDLE_TIME, ComponentSource.ACW) and not self.spec.target_seconds:
            return str(NO_TARGET)
        return str(DROPPED_BECAUSE.get(self.spec.source, ""))


@dataclass(frozen=True)
class Performance:
    components: tuple[ComponentResult, ...]
    total: Decimal | None
    band: str = ""
    multiplier: Decimal | None = None

    @property
    def dropped(self) -> list[ComponentResult]:
        return [c for c in self.components if c.dropped]

    @property
    def counted_weight(self) -> int:
        return sum(c.spec.weight for c in self.components if not c.dropped)

    def score_of(self, code: str) -> Decimal | None:
        return next((round_half_up(c.score) for c in self.components if c.spec.code == code), None)


def csat_score(mean: Number) -> Number:
    """CSAT 1–5 → 0–100."""
    return (mean - 1) / 4 * 100


def time_score(average: Number, target: int) -> Number:
    """100 at or under `target` seconds, linearly down to 0 at twice the target."""
    if average <= target:
        return type(average)(100)
    if average >= 2 * target:
        return type(average)(0)
    return (2 * target - average) / target * 100


def _exact(figures: AgentFigures, spec: ComponentSpec) -> tuple[Fraction | None, int | None, Fraction | None]:
    """(raw figure, basis, 0–100 score) as exact fractions; the score None when there is no data."""
    f = figures
    if spec.source == ComponentSource.QA:
        raw = Fraction(f.qa_sum) / f.evaluations if f.evaluations else None
        # A bonus section may lift an evaluation above 100; the component's score stays 0–100.
        return raw, f.evaluations, None if raw is None else min(raw, Fraction(100))
    if spec.source == ComponentSource.CSAT:
        raw = Fraction(f.csat_sum, f.surveyed) if f.surveyed else None
        return raw, f.surveyed, None if raw is None else csat_score(raw)
    if spec.source in (ComponentSource.HANDLE_TIME, ComponentSource.ACW):
        seconds = f.handle_seconds if spec.source == ComponentSource.HANDLE_TIME else f.acw_seconds
        raw = Fraction(seconds, f.calls) if f.calls else None
        score = None if raw is None or not spec.target_seconds else time_score(raw, spec.target_seconds)
        return raw, f.calls, score
    value = f.imported.get(spec.code)
    raw = None if value is None else Fraction(value)
    return raw, None, raw


def _decimal_of(value: Fraction | None) -> Decimal | None:
    return None if value is None else Decimal(value.numerator) / Decimal(value.denominator)


def _round_exact(value: Fraction) -> Decimal:
    """Half-up to one decimal, exactly (no binary or decimal noise can tip a .x5)."""
    return (Decimal(math.floor(value * 10 + Fraction(1, 2))) / 10).quantize(ONE_DECIMAL)


def component_score(spec: ComponentSpec, figures: AgentFigures) -> ComponentResult:
    """The raw figure, its basis and its 0–100 score (None: no data, the component drops out)."""
    raw, basis, score = _exact(figures, spec)
    return ComponentResult(spec, _decimal_of(raw), basis, _decimal_of(score))


def band_for(total: Decimal | None, bands: Iterable[BandSpec]) -> BandSpec | None:
    """The highest band whose floor `total` reaches."""
    if total is None:
        return None
    reached = [b for b in bands if b.min_score <= total]
    return max(reached, key=lambda b: b.min_score, default=None)


def performance(config: Config, figures: AgentFigures) -> Performance:
    """The agent-month's score, band and multiplier, explained component by component. The
    arithmetic is exact (fractions) up to the one rounding of the total."""
    exact = [(spec, *_exact(figures, spec)) for spec in config.components]
    weight = sum(spec.weight for spec, _raw, _basis, score in exact if score is not None)
    out, total = [], Fraction(0)
    for spec, raw, basis, score in exact:
        if score is None or not weight:
            out.append(ComponentResult(spec, _decimal_of(raw), basis, _decimal_of(score)))
            continue
        share = Fraction(spec.weight, weight) * 100
        points = score * share / 100
        total += points
        out.append(
            ComponentResult(spec, _decimal_of(raw), basis, _decimal_of(score), _decimal_of(share), _decimal_of(points))
        )
    if not weight:
        return Performance(tuple(out), None)
    rounded = _round_exact(total)
    band = band_for(rounded, config.bands)
    return Performance(tuple(out), rounded, band.name if band else "", band.multiplier if band else None)


# --- who may see whose score -------------------------------------------------------------------


def performance_agents_visible_to(user) -> QuerySet[Agent]:
    """The agents whose performance page `user` may open: everyone for managers, admins, QA and
    trainers; a supervisor their teams' agents; an agent themself. HR none — HR reads the
    numbers in the export only."""
    roles = user_roles(user)
    qs = Agent.objects.select_related("team")
    if roles & CENTER_WIDE_ROLES:
        return qs
    scope = Q(pk__in=[])
    if SUPERVISOR in roles:
        scope |= Q(team_id__in=led_team_ids(user))
    own = getattr(user, "agent", None)
    if own is not None:
        scope |= Q(pk=own.pk)
    return qs.filter(scope)


# --- one month's figures (set-based) -----------------------------------------------------------


@dataclass(frozen=True)
class AgentResult:
    agent_id: int
    employee_id: str
    name: str
    team_name: str
    evaluations: int
    qa_average: Decimal | None  # rounded to one decimal
    critical_failures: int
    performance: Performance
    qa_figure: str = QAFigure.AGENT_SCORE  # what `qa_average` (and the QA component) averaged

    @property
    def qa_average_label(self) -> str:
        return qa_average_label(self.qa_figure)

    @property
    def total(self) -> Decimal | None:
        return self.performance.total

    @property
    def band(self) -> str:
        return self.performance.band

    @property
    def multiplier(self) -> Decimal | None:
        return self.performance.multiplier


def month_agents(period: Period, *, agent_ids: Iterable[int] | None = None) -> list[Agent]:
    """The agents a month's figures cover: every active agent hired by the month's end, and any
    inactive one who took calls in the month (they worked it). One query."""
    took_calls = Exists(
        Call.objects.filter(agent_id=OuterRef("pk"), start_time__gte=period.start, start_time__lt=period.end)
    )
    qs = Agent.objects.select_related("team").filter(Q(active=True, hire_date__lt=period.end.date()) | Q(took_calls))
    if agent_ids is not None:
        qs = qs.filter(pk__in=list(agent_ids))
    return list(qs.order_by("employee_id"))


def month_figures(period: Period, *, config: Config, agent_ids: Iterable[int] | None = None) -> dict[int, AgentFigures]:
    """{agent id: AgentFigures} for the month: three GROUP BY agent queries. `qa_sum` sums the
    config's QA figure (`qa_figure_expression`)."""
    evaluations = evaluations_in(Scope(Scope.CENTER), start=period.start, end=period.end)
    calls = calls_in(Scope(Scope.CENTER), start=period.start, end=period.end)
    values = ComponentValue.objects.filter(month=first_day(period), component__code__in=config.imported_codes)
    if agent_ids is not None:
        ids = list(agent_ids)
        evaluations, calls, values = (qs.filter(agent_id__in=ids) for qs in (evaluations, calls, values))
    rows: dict[int, dict] = {}
    for row in (
        evaluations.order_by()
        .values("agent_id")
        .annotate(
            n=Count("pk"),
            total=Sum(qa_figure_expression(config.qa_figure)),
            critical=Count("pk", filter=critical_failure_q(config.qa_figure)),
        )
    ):
        rows.setdefault(row["agent_id"], {}).update(
            evaluations=row["n"],
            # Totals carry one decimal, so their sum does: drop any float noise of the database.
            qa_sum=round_half_up(Decimal(row["total"] or 0)),
            critical_failures=row["critical"],
        )
    for row in (
        calls.order_by()
        .values("agent_id")
        .annotate(
            n=Count("pk"),
            handle=Sum(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
            acw=Sum("acw_seconds"),
            surveyed=Count("csat"),
            csat=Sum("csat"),
        )
    ):
        rows.setdefault(row["agent_id"], {}).update(
            calls=row["n"],
            handle_seconds=row["handle"] or 0,
            acw_seconds=row["acw"] or 0,
            surveyed=row["surveyed"],
            csat_sum=row["csat"] or 0,
        )
    for agent_id, code, value in values.values_list("agent_id", "component__code", "value"):
        rows.setdefault(agent_id, {}).setdefault("imported", {})[code] = Decimal(value)
    return {agent_id: AgentFigures(**row) for agent_id, row in rows.items()}


def result_of(agent: Agent, figures: AgentFigures, config: Config) -> AgentResult:
    return AgentResult(
        agent_id=agent.pk,
        employee_id=agent.employee_id,
        name=agent.name,
        team_name=agent.team.name,
        evaluations=figures.evaluations,
        qa_average=figures.qa_average,
        critical_failures=figures.critical_failures,
        performance=performance(config, figures),
        qa_figure=config.qa_figure,
    )


def month_results(
    period: Period, *, config: Config | None = None, agent_ids: Iterable[int] | None = None
) -> list[AgentResult]:
    """Every covered agent's live figures for the month (or those of `agent_ids`), by employee
    id: six queries whatever the number of agents."""
    config = config or current_config()
    agent_ids = None if agent_ids is None else list(agent_ids)
    agents = month_agents(period, agent_ids=agent_ids)
    figures = month_figures(period, config=config, agent_ids=agent_ids)
    return [result_of(agent, figures.get(agent.pk, AgentFigures()), config) for agent in agents]


# --- closed months: the frozen rows ------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def components_json(perf: Performance) -> dict:
    """A result's components as frozen in `AgentMonthResult.components`: {code: {name, source,
    position, weight, target_seconds, raw, basis, score, share, points}}, rounded as shown."""
    return {
        c.spec.code: {
            "name": c.spec.name,
            "source": c.spec.source,
            "position": c.spec.position,
            "weight": c.spec.weight,
            "target_seconds": c.spec.target_seconds,
            "raw": _number(round_half_up(c.raw, TWO_DECIMALS)),
            "basis": c.basis,
            "score": _number(round_half_up(c.score)),
            "share": _number(round_half_up(c.share)),
            "points": _number(round_half_up(c.points, TWO_DECIMALS)),
        }
        for c in perf.components
    }


def _components_from_json(data: dict) -> tuple[ComponentResult, ...]:
    out = []
    for code, c in data.items():
        spec = ComponentSpec(code, c["name"], c["source"], c["weight"], c.get("target_seconds"), c.get("position", 0))
        out.append(
            ComponentResult(
                spec,
                _decimal(c.get("raw")),
                c.get("basis"),
                _decimal(c.get("score")),
                _decimal(c.get("share")),
                _decimal(c.get("points")),
            )
        )
    return tuple(sorted(out, key=lambda r: (r.spec.position, r.spec.code)))


def frozen_result(row: AgentMonthResult) -> AgentResult:
    return AgentResult(
        agent_id=row.agent_id,
        employee_id=row.agent.employee_id,
        name=row.agent.name,
        team_name=row.team_name,
        evaluations=row.evaluations,
        qa_average=row.qa_average,
        critical_failures=row.critical_failures,
        performance=Performance(_components_from_json(row.components), row.total, row.band, row.multiplier),
        qa_figure=row.qa_figure,
    )


def frozen_results(close: MonthClose, *, agent_ids: Iterable[int] | None = None) -> list[AgentResult]:
    """A closed month's figures exactly as frozen, by employee id: one query."""
    rows = close.results.select_related("agent")
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    return [frozen_result(row) for row in rows.order_by("agent__employee_id")]


def close_of(period: Period) -> MonthClose | None:
    return MonthClose.objects.select_related("closed_by").filter(month=first_day(period)).first()


def results_for(
    period: Period, *, agent_ids: Iterable[int] | None = None, config: Config | None = None
) -> tuple[MonthClose | None, list]:
    """(the month's close or None, its results): frozen when closed, live when open (with
    `config`, or the current setup)."""
    close = close_of(period)
    if close is not None:
        return close, frozen_results(close, agent_ids=agent_ids)
    return None, month_results(period, agent_ids=agent_ids, config=config)


def month_qa_figure(results: list[AgentResult], config: Config) -> str:
    """The QA figure of a month's results (a closed month: the one it was frozen with), else the
    config's."""
    return results[0].qa_figure if results else config.qa_figure


def component_columns(results: Iterable[AgentResult], config: Config | None = None) -> list[ComponentSpec]:
    """The components a month's table has a column for: those of its results (a closed month
    keeps the components it closed with), else the active ones."""
    seen: dict[str, ComponentSpec] = {}
    for result in results:
        for c in result.performance.components:
            seen.setdefault(c.spec.code, c.spec)
    if not seen and config is not None:
        return list(config.components)
    return sorted(seen.values(), key=lambda s: (s.position, s.code))


# --- the setup's history ----------------------------------------------------------------------


def _change(model_field, old, new) -> dict:
    """A field's change as the history shows it: a choice by its label."""
    shown = dict(model_field.choices or ())
    return {"label": str(model_field.verbose_name), "old": shown.get(old, old), "new": shown.get(new, new)}


def settings_history(limit: int = 20) -> list[dict]:
    """The latest changes to components and bands, newest first: who, when, what (field: old →
    new). Baselines are not changes. A bounded number of queries (at most `limit` records of
    each, each compared with its predecessor)."""
    out = []
    for model, fields, kind in (
        (
            PerformanceComponent,
            ("name", "weight", "target_seconds", "active", "position", "qa_figure"),
            _("Component"),
        ),
        (BonusBand, ("name", "min_score", "multiplier"), _("Band")),
    ):
        records = (
            model.history.select_related("history_user")
            .exclude(history_change_reason=BASELINE)
            .order_by("-history_date", "-history_id")[:limit]
        )
        for record in records:
            changes = []
            if record.history_type == "~" and (previous := record.prev_record) is not None:
                delta = record.diff_against(previous, included_fields=list(fields))
                changes = [_change(model._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
            out.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": kind,
                    "name": record.name,
                    "type": record.history_type,
                    "changes": changes,
                }
            )
    return sorted(out, key=lambda r: r["when"], reverse=True)[:limit]
