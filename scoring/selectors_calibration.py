"""How far each calibration participant sits from the session's consensus (DESIGN.md §4).

The consensus answers recorded after a session's reveal are the reference. For one participant
and one call:

- deviation = participant total − consensus total, in points (+ = more lenient than the
  consensus, − = stricter);
- a criterion cell's alignment = 1 − |answer − consensus| / scale_max, i.e. the difference of
  the points earned over the criterion's points (a yes/no criterion is 1 or 0). A cell where
  either side answered N/A (or did not answer) is skipped: there is nothing to compare;
- overall alignment = the points-weighted mean of the cell alignments over the criteria and
  calls, Σ points × alignment / Σ points.

`participant_offsets` gives these per participant and closed session over a date window in three
queries whatever the number of sessions (the evaluator appraisal reads it); `session_report` builds
the full report of one revealed or closed session from the same cell helpers (the session page's
templates/scoring/calibration/_report.html and the PDF, reports/pdf/calibration.py), adding:

- per call, each score's deviation and whether it is within the session's tolerance; a call with
  no consensus yet (revealed, not closed) is pending — its scores count in the spread and the
  agreement, not in any deviation or alignment;
- per participant, the means over the calls with a consensus (n), a t interval of the signed
  mean, and within tolerance = mean |deviation| ≤ tolerance;
- per criterion, the spread of answer / scale max between participants — the sample SD (n − 1)
  and the range, per call over the participants who answered it (not N/A), averaged over the
  calls with two or more such answers — the mean alignment, and Krippendorff's alpha (nominal for
  yes/no, ordinal for scales; rows participants, columns calls), listed lowest alignment first,
  then widest spread: where the guidance text needs work;
- on the totals, alpha (interval; every participant with a score, a missing score is missing)
  and ICC(2,1) (rows calls, columns only the participants who scored every call), each None with
  its reason ("not enough data") below two calls or two complete raters.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from qa_platform.names import person_name

from . import formula
from .models import SCORED, Answer, Criterion, Evaluation, Kind
from .models_calibration import CalibrationSession, ConsensusAnswer, SessionStatus
from .stats import NO_VARIATION, AlphaResult, IccResult, icc, krippendorff_alpha, t_quantile


@dataclass(frozen=True)
class ParticipantOffset:
    user_id: int
    session_id: int
    closed_at: datetime
    n_items: int  # calls this participant submitted that have a consensus
    mean_signed: float  # mean of (participant total − consensus total), points; + = lenient
    mean_abs: float  # mean |participant total − consensus total|
    alignment: float  # 0..1, points-weighted alignment (module docstring); NaN if no comparable cell
    within_tolerance: bool  # mean_abs <= session.tolerance


def cell_alignment(value: int | None, consensus: int | None, scale_max: int) -> float | None:
    """1 − |answer − consensus| / scale_max; None when either side is N/A or missing."""
    if value is None or consensus is None:
        return None
    return 1.0 - abs(value - consensus) / max(scale_max, 1)


def weighted_alignment(cells: Iterable[tuple[int, float]]) -> float | None:
    """Points-weighted mean of (points, alignment) cells; None without any cell."""
    weight = total = 0.0
    for points, alignment in cells:
        weight += points
        total += points * alignment
    return total / weight if weight else None


EVAL_FIELDS = ("pk", "evaluator_id", "calibration_item_id", "total")
EVAL_FIELDS += ("calibration_item__session_id", "calibration_item__session__closed_at")
EVAL_FIELDS += ("calibration_item__session__tolerance", "calibration_item__consensus_total")
ANSWER_FIELDS = ("evaluation_id", "criterion_id", "criterion__points", "criterion__scale_max", "value", "is_na")
VALUE_FIELDS = ("evaluation_id", "criterion_id", "value", "is_na")
EVALUATOR_NAME = ("evaluator__username", "evaluator__first_name", "evaluator__last_name")


def _answer_value(row: dict) -> int | None:
    return None if row["is_na"] else row["value"]


def participant_offsets(
    *, since: datetime, until: datetime, user_ids: Iterable[int] | None = None
) -> list[ParticipantOffset]:
    """Each participant's offset from the consensus in every CLOSED session whose closed_at lies
    in [since, until), oldest session first. Only submitted evaluations of calls with a
    consensus total count. Three queries whatever the number of sessions."""
    evaluations = Evaluation.objects.filter(
        kind=Kind.CALIBRATION,
        status__in=SCORED,
        total__isnull=False,
        calibration_item__consensus_at__isnull=False,
        calibration_item__consensus_total__isnull=False,
        calibration_item__session__status=SessionStatus.CLOSED,
        calibration_item__session__closed_at__gte=since,
        calibration_item__session__closed_at__lt=until,
    )
    if user_ids is not None:
        evaluations = evaluations.filter(evaluator_id__in=list(user_ids))
    rows = list(evaluations.values(*EVAL_FIELDS))
    if not rows:
        return []
    eval_ids = [r["pk"] for r in rows]
    item_ids = {r["calibration_item_id"] for r in rows}
    answers: dict[int, list[dict]] = defaultdict(list)
    for a in Answer.objects.filter(evaluation_id__in=eval_ids).values(*ANSWER_FIELDS):
        answers[a["evaluation_id"]].append(a)
    consensus: dict[tuple[int, int], int | None] = {
        (c["item_id"], c["criterion_id"]): _answer_value(c)
        for c in ConsensusAnswer.objects.filter(item_id__in=item_ids).values(
            "item_id", "criterion_id", "value", "is_na"
        )
    }

    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for r in rows:
        grouped[(r["calibration_item__session_id"], r["evaluator_id"])].append(r)
    offsets = []
    for (session_id, user_id), evals in grouped.items():
        deviations = [float(r["total"]) - float(r["calibration_item__consensus_total"]) for r in evals]
        cells = []
        for r in evals:
            for a in answers[r["pk"]]:
                ref = consensus.get((r["calibration_item_id"], a["criterion_id"]))
                alignment = cell_alignment(_answer_value(a), ref, a["criterion__scale_max"])
                if alignment is not None:
                    cells.append((a["criterion__points"], alignment))
        mean_abs = sum(abs(d) for d in deviations) / len(deviations)
        alignment = weighted_alignment(cells)
        offsets.append(
            ParticipantOffset(
                user_id=user_id,
                session_id=session_id,
                closed_at=evals[0]["calibration_item__session__closed_at"],
                n_items=len(evals),
                mean_signed=sum(deviations) / len(deviations),
                mean_abs=mean_abs,
                alignment=math.nan if alignment is None else alignment,
                within_tolerance=mean_abs <= float(evals[0]["calibration_item__session__tolerance"]),
            )
        )
    offsets.sort(key=lambda o: (o.closed_at, o.session_id, o.user_id))
    return offsets


# ---------------------------------------------------------------------------------------------
# The session report (page and PDF)
# ---------------------------------------------------------------------------------------------

NOT_ENOUGH_DATA = _("Not enough data")
NEEDS_TWO_CALLS = _("Not enough data: at least two calls with two or more scores are needed.")
NEEDS_COMPLETE_RATERS = _("Not enough data: at least two calls scored by at least two of the same participants.")


def _fmt(value: float | None, digits: int) -> str:
    """A machine-readable number for a data- attribute ("-3.5"), "" when there is none."""
    if value is None:
        return ""
    # Rounded half away from zero from the value to 9 places, so a mean of exactly −9.375 reads
    # −9.4 whatever float noise the summing order left.
    return str(Decimal(f"{value:.9f}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _pct(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def signed_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """Student's t interval of a mean that may be negative (a signed deviation); None below n = 2."""
    if len(values) < 2:
        return None
    half = t_quantile(len(values) - 1, confidence) * statistics.stdev(values) / math.sqrt(len(values))
    mean = statistics.fmean(values)
    return mean - half, mean + half


@dataclass(frozen=True)
class ReportPerson:
    id: int
    username: str
    name: str


@dataclass
class CallCell:
    """One participant's score of one call against the consensus."""

    user_id: int
    total: float | None  # None: not submitted
    deviation: float | None = None  # total − consensus; None when not submitted or pending
    within_tolerance: bool | None = None
    pending: bool = False  # submitted, the call has no consensus yet


@dataclass
class CallRow:
    item_id: int
    position: int
    label: str
    consensus_total: float | None
    has_consensus: bool
    cells: list[CallCell]
    n_scores: int
    sd: float | None  # of the submitted totals (sample SD, n − 1)
    low: float | None
    high: float | None


@dataclass
class CriterionDeviation:
    """A participant's offset on one criterion: (answer − consensus) × points / scale max."""

    criterion_id: int
    n: int
    mean_signed: float | None  # points; + = more lenient than the consensus
    mean_abs: float | None
    alignment: float | None  # mean of 1 − |answer − consensus| / scale max

    @property
    def alignment_pct(self) -> float | None:
        return _pct(self.alignment)


@dataclass
class ParticipantRow:
    person: ReportPerson
    n_submitted: int  # calls scored
    n: int  # of those, calls with a consensus (what the means rest on)
    mean_signed: float | None
    mean_abs: float | None
    interval: tuple[float, float] | None  # of mean_signed
    alignment: float | None  # points-weighted over criteria and calls
    n_cells: int  # criterion answers compared (N/A on either side left out)
    within_tolerance: bool | None  # mean |deviation| ≤ tolerance; None when nothing compared
    calls: list[CallCell]
    criteria: dict[int, CriterionDeviation]

    @property
    def pending(self) -> int:
        return self.n_submitted - self.n

    @property
    def deviation_attr(self) -> str:
        return _fmt(self.mean_signed, 1)

    @property
    def alignment_attr(self) -> str:
        return _fmt(None if self.alignment is None else 100 * self.alignment, 1)

    @property
    def alignment_pct(self) -> float | None:
        return _pct(self.alignment)


@dataclass
class CriterionRow:
    criterion_id: int
    text: str
    section: str
    kind: str
    scale_max: int
    points: int
    position: tuple[int, int, int]  # its place on the scorecard
    n_calls: int  # calls where two or more participants answered it (not N/A)
    spread_sd: float | None  # mean over those calls of the SD of answer / scale max
    spread_range: float | None  # mean over those calls of (highest − lowest) answer / scale max
    alignment: float | None  # mean alignment of the participants' answers with the consensus
    n_alignment: int
    alpha: AlphaResult | None  # nominal (yes/no) or ordinal (scale); None: not enough data

    @property
    def alignment_pct(self) -> float | None:
        return _pct(self.alignment)

    @property
    def alpha_level(self) -> str:
        return "nominal" if self.kind == formula.YES_NO else "ordinal"


@dataclass
class Agreement:
    """Agreement on the totals: alpha (interval) and ICC(2,1)."""

    alpha: AlphaResult | None
    alpha_reason: str
    icc: IccResult | None
    icc_reason: str
    icc_raters: int  # participants who scored every call (the ICC's columns)
    raters: int  # participants with at least one score (alpha's rows)
    n_calls: int

    @property
    def alpha_attr(self) -> str:
        return _fmt(self.alpha.value if self.alpha else None, 3)


@dataclass
class SessionReport:
    session: CalibrationSession
    tolerance: float
    participants: list[ParticipantRow]
    calls: list[CallRow]
    criteria: list[CriterionRow]  # the criteria that split raters most first
    criteria_in_order: list[CriterionRow]  # as on the scorecard
    totals: Agreement
    n_with_consensus: int

    @property
    def pending(self) -> bool:
        """Some calls have no consensus yet: their deviations are pending."""
        return self.n_with_consensus < len(self.calls)

    @property
    def final(self) -> bool:
        return self.session.status == SessionStatus.CLOSED

    @property
    def criterion_matrix(self) -> list[tuple[CriterionRow, list[CriterionDeviation | None]]]:
        """Scorecard order: each criterion with every participant's offset on it (None: nothing compared)."""
        return [(c, [p.criteria.get(c.criterion_id) for p in self.participants]) for c in self.criteria_in_order]


def _totals_agreement(calls: list[CallRow], raters: list[int]) -> Agreement:
    by_call = [{c.user_id: c.total for c in row.cells} for row in calls]
    scored = [row for row in by_call if sum(v is not None for v in row.values()) >= 2]
    alpha, alpha_reason = None, str(NEEDS_TWO_CALLS)
    if len(scored) >= 2:
        alpha = krippendorff_alpha([[row.get(u) for row in by_call] for u in raters], "interval")
        if alpha.value is None:
            alpha_reason, alpha = str(alpha.reason), None
    complete = [u for u in raters if all(row.get(u) is not None for row in by_call)]
    result, icc_reason = None, str(NEEDS_COMPLETE_RATERS)
    if len(by_call) >= 2 and len(complete) >= 2:
        try:
            result = icc([[row[u] for u in complete] for row in by_call], "ICC2")
        except (ValueError, ZeroDivisionError, FloatingPointError) as exc:
            icc_reason = str(NO_VARIATION) if "undefined" in str(exc) else str(NOT_ENOUGH_DATA)
        else:
            if not all(math.isfinite(x) for x in (result.value, result.low, result.high)):
                result, icc_reason = None, str(NOT_ENOUGH_DATA)
    return Agreement(alpha, alpha_reason, result, icc_reason, len(complete), len(raters), len(by_call))


def _criterion_alpha(kind: str, values: list[list[int | None]]) -> AlphaResult | None:
    """Alpha of one criterion (rows = participants, columns = calls); None without two calls
    answered by two or more participants."""
    if sum(sum(row[i] is not None for row in values) >= 2 for i in range(len(values[0]))) < 2:
        return None
    return krippendorff_alpha(values, "nominal" if kind == formula.YES_NO else "ordinal")


def _split_first(c: CriterionRow):
    """Lowest alignment first, then highest spread; criteria without a consensus by spread."""
    return (c.alignment is None, c.alignment or 0.0, -(c.spread_sd or 0.0), -(c.spread_range or 0.0), c.position)


@dataclass
class _Session:
    """What `session_report` reads, fetched once."""

    tolerance: float
    items: list
    people: dict[int, ReportPerson]  # participants, in invitation order
    score: dict[tuple[int, int], dict]  # (item, user) → evaluation row
    answers: dict[int, dict[int, int | None]]  # evaluation → criterion → value (None: N/A)
    consensus: dict[int, dict[int, int | None]]  # item → criterion → value (None: N/A)
    criteria: list
    with_consensus: set[int]  # items whose consensus is recorded

    def answer(self, item_id: int, user_id: int, criterion_id: int) -> int | None:
        e = self.score.get((item_id, user_id))
        return None if e is None else self.answers[e["pk"]].get(criterion_id)


def _fetch(session: CalibrationSession) -> _Session:
    """Six queries: items, participants, evaluations, their answers, consensus answers, criteria."""
    items = list(session.items.select_related("call").order_by("position", "pk"))
    people = {
        p.user_id: ReportPerson(
            p.user_id, p.user.username, person_name(p.user.first_name, p.user.last_name, p.user.username)
        )
        for p in session.participants.select_related("user").order_by("pk")
    }
    evaluations = list(
        Evaluation.objects.filter(calibration_item__session=session, status__in=SCORED, total__isnull=False)
        .order_by("pk")
        .values("pk", "calibration_item_id", "evaluator_id", "total", *EVALUATOR_NAME)
    )
    for e in evaluations:  # someone who scored and is no longer invited still counts
        if e["evaluator_id"] not in people:
            u = e["evaluator__username"]
            name = person_name(e["evaluator__first_name"], e["evaluator__last_name"], u)
            people[e["evaluator_id"]] = ReportPerson(e["evaluator_id"], u, name)
    answers: dict[int, dict[int, int | None]] = defaultdict(dict)
    for a in Answer.objects.filter(evaluation_id__in=[e["pk"] for e in evaluations]).values(*VALUE_FIELDS):
        answers[a["evaluation_id"]][a["criterion_id"]] = _answer_value(a)
    consensus: dict[int, dict[int, int | None]] = defaultdict(dict)
    for c in ConsensusAnswer.objects.filter(item__session=session).values("item_id", *VALUE_FIELDS[1:]):
        consensus[c["item_id"]][c["criterion_id"]] = _answer_value(c)
    criteria = list(
        Criterion.objects.filter(section__version__in={i.version_id for i in items})
        .select_related("section")
        .order_by("section__version_id", "section__position", "section__pk", "position", "pk")
    )
    return _Session(
        tolerance=float(session.tolerance),
        items=items,
        people=people,
        score={(e["calibration_item_id"], e["evaluator_id"]): e for e in evaluations},
        answers=answers,
        consensus=consensus,
        criteria=criteria,
        with_consensus={i.pk for i in items if i.has_consensus and i.consensus_total is not None},
    )


def _call_rows(data: _Session) -> list[CallRow]:
    """Each call's totals against its consensus (pending without one)."""
    calls = []
    for item in data.items:
        ref = float(item.consensus_total) if item.pk in data.with_consensus else None
        cells = []
        for u in data.people:
            e = data.score.get((item.pk, u))
            if e is None:
                cells.append(CallCell(u, None))
            elif ref is None:
                cells.append(CallCell(u, float(e["total"]), pending=True))
            else:
                total = float(e["total"])
                cells.append(CallCell(u, total, total - ref, abs(total - ref) <= data.tolerance))
        totals = [c.total for c in cells if c.total is not None]
        calls.append(
            CallRow(
                item_id=item.pk,
                position=item.position,
                label=item.call.external_id or str(item.call),
                consensus_total=ref,
                has_consensus=ref is not None,
                cells=cells,
                n_scores=len(totals),
                sd=statistics.stdev(totals) if len(totals) >= 2 else None,
                low=min(totals, default=None),
                high=max(totals, default=None),
            )
        )
    return calls


Cells = dict[tuple[int, int], list[tuple[int, float, float]]]  # (user, criterion) → (points, deviation, alignment)


def _criterion_rows(data: _Session) -> tuple[list[CriterionRow], Cells]:
    """Each criterion's spread, alignment and alpha, and every compared answer's cell."""
    rows, cells = [], defaultdict(list)
    by_version: dict[int, list] = defaultdict(list)
    for item in data.items:
        by_version[item.version_id].append(item)
    for criterion in data.criteria:
        k = criterion.scale_max if criterion.kind == formula.SCALE else 1
        its = by_version[criterion.section.version_id]
        matrix = [[data.answer(item.pk, u, criterion.pk) for item in its] for u in data.people]  # users × calls
        sds, ranges, aligns = [], [], []
        for j, item in enumerate(its):
            normalised = [row[j] / k for row in matrix if row[j] is not None]
            if len(normalised) >= 2:
                sds.append(statistics.stdev(normalised))
                ranges.append(max(normalised) - min(normalised))
            if item.pk not in data.with_consensus:
                continue
            ref = data.consensus[item.pk].get(criterion.pk)
            for u, row in zip(data.people, matrix, strict=True):
                alignment = cell_alignment(row[j], ref, k)
                if alignment is not None:
                    aligns.append(alignment)
                    cells[(u, criterion.pk)].append(
                        (criterion.points, criterion.points * (row[j] - ref) / k, alignment)
                    )
        rows.append(
            CriterionRow(
                criterion_id=criterion.pk,
                text=criterion.text,
                section=criterion.section.title,
                kind=criterion.kind,
                scale_max=k,
                points=criterion.points,
                position=(criterion.section.position, criterion.position, criterion.pk),
                n_calls=len(sds),
                spread_sd=_mean(sds),
                spread_range=_mean(ranges),
                alignment=_mean(aligns),
                n_alignment=len(aligns),
                alpha=_criterion_alpha(criterion.kind, matrix) if its and matrix else None,
            )
        )
    return rows, cells


def _participant_row(data: _Session, index: int, user_id: int, calls: list[CallRow], cells: Cells) -> ParticipantRow:
    mine = [row.cells[index] for row in calls]
    deviations = [c.deviation for c in mine if c.deviation is not None]
    mean_abs = _mean([abs(d) for d in deviations])
    by_criterion = {cid: v for (u, cid), v in cells.items() if u == user_id}
    every = [(points, alignment) for v in by_criterion.values() for points, _d, alignment in v]
    return ParticipantRow(
        person=data.people[user_id],
        n_submitted=sum(c.total is not None for c in mine),
        n=len(deviations),
        mean_signed=_mean(deviations),
        mean_abs=mean_abs,
        interval=signed_interval(deviations),
        alignment=weighted_alignment(every),
        n_cells=len(every),
        within_tolerance=None if mean_abs is None else mean_abs <= data.tolerance,
        calls=mine,
        criteria={
            cid: CriterionDeviation(
                cid,
                len(v),
                _mean([d for _p, d, _a in v]),
                _mean([abs(d) for _p, d, _a in v]),
                _mean([a for _p, _d, a in v]),
            )
            for cid, v in by_criterion.items()
        },
    )


def session_report(session: CalibrationSession) -> SessionReport:
    """The report of a revealed or closed session from its participants' submitted evaluations and
    each call's consensus (module docstring). Six queries whatever the session's size."""
    data = _fetch(session)
    calls = _call_rows(data)
    criteria, cells = _criterion_rows(data)
    participants = [_participant_row(data, i, u, calls, cells) for i, u in enumerate(data.people)]
    raters = [p.person.id for p in participants if p.n_submitted]
    return SessionReport(
        session=session,
        tolerance=data.tolerance,
        participants=participants,
        calls=calls,
        criteria=sorted(criteria, key=_split_first),
        criteria_in_order=criteria,
        totals=_totals_agreement(calls, raters),
        n_with_consensus=len(data.with_consensus),
    )
