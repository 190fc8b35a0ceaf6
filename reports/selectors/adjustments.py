"""Adjustments: a closed (paid) month's figures that changed after it closed (DESIGN.md §6).

A closed month is never rewritten: its `AgentMonthResult` rows stay as they were paid. A later
change — an upheld or adjusted dispute, an evaluation submitted late, a late survey, a
re-imported attendance figure — is paid as an adjustment in a later month.

When adjustments are detected, and when they are stored
-------------------------------------------------------
- *Detected* whenever an open month's figures are exported (`pending_adjustments(month)`), and
  once more when that month is closed. For each closed month of the `LOOKBACK_MONTHS` before
  the exported one, the agents whose data changed after the close are found with three
  queries: a regular evaluation of one of its calls submitted or resolved after the close, a
  call of it ingested or updated after the close, or a value for it imported after the close.
  Only those agents are recomputed — with the components and bands in force when the month
  closed (`config_as_of`), so a change of weights never reprices a paid month — and compared
  with what was paid: the frozen row, or the latest adjustment already stored for that
  agent-month. A difference in QA average, total or multiplier is a pending adjustment; the
  open month's export lists it under its results.
- *Stored* when the exported month closes (`services.close.month_close`): the pending
  adjustments become `Adjustment` rows with `in_month` = the month closed, in the same
  transaction that freezes the month. From then on they are part of what was paid: the closed
  month's export shows them exactly as stored, and later exports compare with them, so each
  change is paid once.

Changes to months more than `LOOKBACK_MONTHS` before the exported one are not looked for: a
year-old month is settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, Value, When

from monitoring.models import Agent, Call
from monitoring.selectors import Period
from scoring.models import Evaluation, Kind

from ..models import Adjustment, AgentMonthResult, ComponentValue, MonthClose
from .performance import AgentFigures, config_as_of, first_day, month_figures, performance, period_of

LOOKBACK_MONTHS = 12


@dataclass(frozen=True)
class AdjustmentLine:
    """A difference for an agent in a closed month (`of_month`), paid with `in_month`."""

    agent_id: int
    employee_id: str
    name: str
    team_name: str
    of_month: Period
    in_month: Period
    qa_average_before: Decimal | None
    qa_average_after: Decimal | None
    total_before: Decimal | None
    total_after: Decimal | None
    multiplier_before: Decimal | None
    multiplier_after: Decimal | None

    def as_model(self) -> Adjustment:
        return Adjustment(
            agent_id=self.agent_id,
            of_month=first_day(self.of_month),
            in_month=first_day(self.in_month),
            qa_average_before=self.qa_average_before,
            qa_average_after=self.qa_average_after,
            total_before=self.total_before,
            total_after=self.total_after,
            multiplier_before=self.multiplier_before,
            multiplier_after=self.multiplier_after,
        )


def _line(agent: Agent, adjustment: Adjustment) -> AdjustmentLine:
    return AdjustmentLine(
        agent_id=agent.pk,
        employee_id=agent.employee_id,
        name=agent.name,
        team_name=agent.team.name,
        of_month=period_of(adjustment.of_month),
        in_month=period_of(adjustment.in_month),
        qa_average_before=adjustment.qa_average_before,
        qa_average_after=adjustment.qa_average_after,
        total_before=adjustment.total_before,
        total_after=adjustment.total_after,
        multiplier_before=adjustment.multiplier_before,
        multiplier_after=adjustment.multiplier_after,
    )


def stored_adjustments(in_month: Period, *, agent_ids: Iterable[int] | None = None) -> list[AdjustmentLine]:
    """The adjustments paid with a closed month, as stored when it closed: one query."""
    rows = Adjustment.objects.filter(in_month=first_day(in_month)).select_related("agent__team")
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    rows = rows.order_by("agent__employee_id", "of_month")
    return [_line(row.agent, row) for row in rows]


def _in(period: Period, prefix: str) -> Q:
    return Q(**{f"{prefix}start_time__gte": period.start, f"{prefix}start_time__lt": period.end})


def _label(conditions: list[tuple[Q, int]]) -> Case:
    return Case(*(When(cond, then=Value(i)) for cond, i in conditions), output_field=IntegerField())


def changed_since_close(closes: list[MonthClose], *, agent_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """{index in `closes`: agent ids whose data for that month changed after it closed}: three
    queries (evaluations, calls, imported values), whatever the number of months."""
    if not closes:
        return {}
    ids = None if agent_ids is None else list(agent_ids)
    periods = [period_of(c.month) for c in closes]
    sources = []
    evaluation_when = [
        (_in(p, "call__") & (Q(submitted_at__gt=c.closed_at) | Q(resolved_at__gt=c.closed_at)), i)
        for i, (p, c) in enumerate(zip(periods, closes, strict=True))
    ]
    sources.append((Evaluation.objects.filter(kind=Kind.REGULAR), evaluation_when))
    call_when = [
        (_in(p, "") & Q(updated_at__gt=c.closed_at), i) for i, (p, c) in enumerate(zip(periods, closes, strict=True))
    ]
    sources.append((Call.objects.all(), call_when))
    value_when = [(Q(month=c.month, imported_at__gt=c.closed_at), i) for i, c in enumerate(closes)]
    sources.append((ComponentValue.objects.all(), value_when))
    changed: dict[int, set[int]] = {}
    for qs, conditions in sources:
        any_month = Q()
        for cond, _i in conditions:
            any_month |= cond
        qs = qs.filter(any_month)
        if ids is not None:
            qs = qs.filter(agent_id__in=ids)
        rows = qs.annotate(closed_month=_label(conditions)).values_list("closed_month", "agent_id").distinct()
        for index, agent_id in rows.order_by():
            changed.setdefault(index, set()).add(agent_id)
    return changed


def _paid(closes: list[MonthClose], agent_ids: set[int]) -> dict[tuple[int, object], dict]:
    """{(agent id, month): the QA average, total and multiplier paid so far}: the frozen row, or
    the latest adjustment stored for it. Two queries."""
    paid: dict[tuple[int, object], dict] = {}
    frozen = AgentMonthResult.objects.filter(close__in=closes, agent_id__in=agent_ids).values(
        "agent_id", "close__month", "qa_average", "total", "multiplier"
    )
    for row in frozen:
        paid[(row["agent_id"], row["close__month"])] = {k: row[k] for k in ("qa_average", "total", "multiplier")}
    stored = Adjustment.objects.filter(of_month__in=[c.month for c in closes], agent_id__in=agent_ids).order_by(
        "in_month", "created_at", "pk"
    )
    for adj in stored:
        paid[(adj.agent_id, adj.of_month)] = {
            "qa_average": adj.qa_average_after,
            "total": adj.total_after,
            "multiplier": adj.multiplier_after,
        }
    return paid


def pending_adjustments(in_month: Period, *, agent_ids: Iterable[int] | None = None) -> list[AdjustmentLine]:
    """The adjustments an export of the open month `in_month` lists (and its close stores), by
    employee id then month. A fixed number of queries plus six per closed month that changed —
    never one per agent."""
    earliest = in_month
    for _step in range(LOOKBACK_MONTHS):
        earliest = earliest.previous
    closes = list(
        MonthClose.objects.filter(month__gte=first_day(earliest), month__lt=first_day(in_month)).order_by("month")
    )
    changed = changed_since_close(closes, agent_ids=agent_ids)
    if not changed:
        return []
    everyone = set().union(*changed.values())
    agents = {a.pk: a for a in Agent.objects.select_related("team").filter(pk__in=everyone)}
    paid = _paid([closes[i] for i in changed], everyone)
    lines = []
    for index, ids in sorted(changed.items()):
        close = closes[index]
        period = period_of(close.month)
        config = config_as_of(close.closed_at)
        figures = month_figures(period, config=config, agent_ids=ids)
        for agent_id in ids:
            now = figures.get(agent_id, AgentFigures())
            perf = performance(config, now)
            after = {"qa_average": now.qa_average, "total": perf.total, "multiplier": perf.multiplier}
            before = paid.get((agent_id, close.month), {"qa_average": None, "total": None, "multiplier": None})
            if after == before or agent_id not in agents:
                continue
            agent = agents[agent_id]
            lines.append(
                AdjustmentLine(
                    agent_id=agent_id,
                    employee_id=agent.employee_id,
                    name=agent.name,
                    team_name=agent.team.name,
                    of_month=period,
                    in_month=in_month,
                    qa_average_before=before["qa_average"],
                    qa_average_after=after["qa_average"],
                    total_before=before["total"],
                    total_after=after["total"],
                    multiplier_before=before["multiplier"],
                    multiplier_after=after["multiplier"],
                )
            )
    return sorted(lines, key=lambda line: (line.employee_id, line.of_month.label))


def adjustments_for(in_month: Period, *, closed: bool, agent_ids: Iterable[int] | None = None) -> list[AdjustmentLine]:
    """The adjustments paid with `in_month`: stored when it is closed, pending while it is open."""
    if closed:
        return stored_adjustments(in_month, agent_ids=agent_ids)
    return pending_adjustments(in_month, agent_ids=agent_ids)
