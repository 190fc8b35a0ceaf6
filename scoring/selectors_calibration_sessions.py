"""Reads for the calibration session pages and API (DESIGN.md §4): which sessions a user sees,
with their progress, and one session as its page and its API detail show it.

One rule, here only: **nobody's answers or totals leave the database before the reveal.**
`session_overview` does not even read them until `scores_shown(session)`; before it, a session
shows who has submitted, who has a draft and who has not started — never a score. The page and
the API both render the overview, so they cannot disagree about it.

Who may see a session is `permissions.can_see_session`; `sessions_visible_to` is the same rule
as a queryset (a session outside it is a 404).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.selectors import calls_visible_to
from qa_platform.roles import ROLE_LABELS, has_role

from . import formula, stats
from .models import (
    SCORED,
    Answer,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationSession,
    Criterion,
    Evaluation,
    Section,
    SessionStatus,
)
from .permissions import CALIBRATION_READER_ROLES
from .presenters import criterion_options

# A participant's progress on one call of a session.
NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"
PROGRESS_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    DRAFT: gettext_lazy("Draft"),
    SUBMITTED: gettext_lazy("Submitted"),
}
# Sessions still under way: their participants find them in the menu.
OPEN_STATUSES = (SessionStatus.PROPOSED, SessionStatus.SCORING, SessionStatus.REVEALED)


def scores_shown(session: CalibrationSession) -> bool:
    """Answers and totals are shown side by side only once the session is revealed (or closed)."""
    return session.is_revealed


# --- the list ----------------------------------------------------------------------------------


def _count(qs: QuerySet, key: str) -> Coalesce:
    """The number of rows of `qs` per session (`key` = the session's column), as a subquery."""
    counted = qs.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _visible(user) -> QuerySet[CalibrationSession]:
    qs = CalibrationSession.objects.all()
    if has_role(user, *CALIBRATION_READER_ROLES):
        return qs
    return qs.filter(Exists(CalibrationParticipant.objects.filter(session=OuterRef("pk"), user_id=user.pk)))


def sessions_visible_to(user) -> QuerySet[CalibrationSession]:
    """`permissions.can_see_session` as a queryset: every session for the center-wide roles, the
    sessions one takes part in for anyone else; each annotated with its progress (`n_submitted`
    of `n_expected` = `n_items` × `n_participants` scores) and the user's own
    (`is_participant`, `my_submitted`). One query, whatever the number of sessions."""
    mine = CalibrationParticipant.objects.filter(session=OuterRef("pk"), user_id=user.pk)
    qs = _visible(user).select_related("line_of_business", "facilitator")
    scored = Evaluation.objects.filter(status__in=SCORED)
    return qs.annotate(
        n_items=_count(CalibrationItem.objects.all(), "session"),
        n_participants=_count(CalibrationParticipant.objects.all(), "session"),
        n_submitted=_count(scored, "calibration_item__session"),
        my_submitted=_count(scored.filter(evaluator_id=user.pk), "calibration_item__session"),
        is_participant=Exists(mine),
    ).annotate(n_expected=F("n_items") * F("n_participants"))


def session_for(user, pk) -> CalibrationSession:
    """One session `user` may see; 404 otherwise."""
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def item_for(user, pk) -> CalibrationItem:
    """One call of a session `user` may see; 404 otherwise."""
    visible = _visible(user).values("pk")
    return get_object_or_404(
        CalibrationItem.objects.select_related("session", "call", "version").filter(session__in=visible), pk=pk
    )


def takes_part_in_an_open_session(user) -> bool:
    return CalibrationParticipant.objects.filter(user_id=user.pk, session__status__in=OPEN_STATUSES).exists()


# --- one session -------------------------------------------------------------------------------


@dataclass
class Cell:
    """One participant's answer to one criterion (shown after the reveal only)."""

    key: str  # the answer's value as a form sends it: "1", "0", "3", "na"; "" unanswered
    label: str
    comment: str = ""
    points: float | None = None  # points earned on the criterion; None for N/A or unanswered


@dataclass
class CriterionRow:
    criterion: Criterion
    cells: list[Cell]  # in the order of `ItemScores.columns`
    options: list[tuple[str, str]]
    n: int = 0  # answers with points (not N/A)
    low: float | None = None  # points earned: the lowest and highest answer, and their SD
    high: float | None = None
    sd: float | None = None
    prefill: str = ""  # the consensus control's value: recorded, posted, or the answers' median/mode
    note: str = ""
    consensus_label: str = ""  # the recorded consensus answer
    error: list[str] = field(default_factory=list)

    @property
    def split(self) -> bool:
        """The participants did not all give the same answer."""
        return len({c.key for c in self.cells if c.key}) > 1


@dataclass
class SectionRows:
    section: Section
    rows: list[CriterionRow]


@dataclass
class Column:
    """A participant's submitted evaluation of the call."""

    user: object
    evaluation_id: int
    total: Decimal | None
    critical_failed: bool
    summary: str


@dataclass
class ItemScores:
    """Everyone's answers to one call, side by side, with the spread (after the reveal)."""

    columns: list[Column]
    sections: list[SectionRows]
    notes: str = ""  # the consensus form's overall notes: recorded, or as posted
    n: int = 0  # submitted totals
    low: float | None = None
    high: float | None = None
    sd: float | None = None
    mean: float | None = None
    interval: tuple[float, float] | None = None

    @property
    def rows(self) -> list[CriterionRow]:
        return [r for s in self.sections for r in s.rows]

    def with_posted(self, answers, notes: dict[int, str], overall: str, errors: dict[str, list[str]]) -> None:
        """The consensus form as it was posted (a refusal shows it again with its reasons)."""
        self.notes = overall
        posted = {a.criterion_id: a for a in answers}
        for row in self.rows:
            a = posted.get(row.criterion.pk)
            row.prefill = "" if a is None else (formula.NA if a.na else ("" if a.value is None else str(a.value)))
            row.note = notes.get(row.criterion.pk, "")
            row.error = errors.get(f"criterion.{row.criterion.pk}", [])


@dataclass
class ItemView:
    item: CalibrationItem
    call_visible: bool
    states: list[str]  # each participant's progress, in the order of `SessionOverview.participants`
    my_state: str | None  # the viewer's own, when they take part
    my_evaluation_id: int | None
    scores: ItemScores | None = None  # None until the reveal

    @property
    def n_submitted(self) -> int:
        return self.states.count(SUBMITTED)


@dataclass
class ParticipantView:
    participant: CalibrationParticipant
    states: list[str]  # per call, in the order of `SessionOverview.items`

    @property
    def user(self):
        return self.participant.user

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.participant.role, self.participant.role))

    @property
    def n_submitted(self) -> int:
        return self.states.count(SUBMITTED)

    @property
    def n_drafts(self) -> int:
        return self.states.count(DRAFT)


@dataclass
class SessionOverview:
    session: CalibrationSession
    items: list[ItemView]
    participants: list[ParticipantView]
    revealed: bool
    viewer_takes_part: bool

    @property
    def n_expected(self) -> int:
        return len(self.items) * len(self.participants)

    @property
    def n_submitted(self) -> int:
        return sum(p.n_submitted for p in self.participants)

    def item(self, pk: int) -> ItemView | None:
        return next((i for i in self.items if i.item.pk == pk), None)


def _state(status: str | None) -> str:
    if status is None:
        return NOT_STARTED
    return SUBMITTED if status in SCORED else DRAFT


def _key(value: int | None, is_na: bool) -> str:
    if is_na:
        return formula.NA
    return "" if value is None else str(value)


def _label(criterion: Criterion, key: str) -> str:
    """An answer as the evaluation page writes it: Yes / No / N/A, or "3 of 4" on a scale."""
    if key == "":
        return _("not answered")
    if criterion.kind == formula.SCALE and key != formula.NA:
        return _("%(v)s of %(k)s") % {"v": key, "k": criterion.scale_max}
    return dict(criterion_options(criterion)).get(key, key)


def _spread(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    sd = statistics.stdev(values) if len(values) >= 2 else None
    return min(values), max(values), sd


def consensus_prefill(criterion: Criterion, keys: list[str]) -> str:
    """What the consensus form proposes from the participants' answers: for a scale the median
    (the lower of the two middle answers when they are even in number), for yes/no the answer
    most gave; N/A when most answered N/A. A tie (one yes, one no) is left for the session."""
    keys = [k for k in keys if k]
    if not keys:
        return ""
    counts = Counter(keys)
    if counts[formula.NA] * 2 > len(keys):
        return formula.NA
    if criterion.kind == formula.SCALE:
        values = sorted(int(k) for k in keys if k != formula.NA)
        return str(statistics.median_low(values)) if values else ""
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return ""
    return ranked[0][0]


def _item_scores(item: CalibrationItem, columns: list[Column], answers: dict[tuple[int, int], dict]) -> ItemScores:
    consensus = {c.criterion_id: c for c in item.consensus_answers.all()}
    sections = []
    for section in item.version.sections.all():
        rows = []
        for criterion in section.criteria.all():
            spec = criterion.spec()
            cells = []
            for col in columns:
                a = answers.get((col.evaluation_id, criterion.pk))
                key = "" if a is None else _key(a["value"], a["is_na"])
                points = float(spec.earned(int(key))) if key not in ("", formula.NA) else None
                cells.append(
                    Cell(key=key, label=_label(criterion, key), comment=(a or {}).get("comment", ""), points=points)
                )
            earned = [c.points for c in cells if c.points is not None]
            low, high, sd = _spread(earned)
            agreed = consensus.get(criterion.pk)
            recorded = _key(agreed.value, agreed.is_na) if agreed else None
            rows.append(
                CriterionRow(
                    criterion=criterion,
                    cells=cells,
                    options=criterion_options(criterion),
                    n=len(earned),
                    low=low,
                    high=high,
                    sd=sd,
                    prefill=recorded if recorded is not None else consensus_prefill(criterion, [c.key for c in cells]),
                    note=agreed.note if agreed else "",
                    consensus_label=_label(criterion, recorded) if recorded is not None else "",
                )
            )
        sections.append(SectionRows(section=section, rows=rows))
    totals = [float(c.total) for c in columns if c.total is not None]
    low, high, sd = _spread(totals)
    mean = sum(totals) / len(totals) if totals else None
    return ItemScores(
        columns=columns,
        sections=sections,
        notes=item.consensus_notes,
        n=len(totals),
        low=low,
        high=high,
        sd=sd,
        mean=mean,
        interval=stats.mean_interval(len(totals), mean, sd),
    )


def session_overview(session: CalibrationSession, user) -> SessionOverview:
    """The session as its page and its API detail show it to `user` (who may see it): the calls,
    each participant's progress per call, and — once revealed, never before — every submitted
    answer side by side with its spread and the consensus. A fixed number of queries whatever the
    number of calls, participants and criteria (four before the reveal, eight after)."""
    shown = scores_shown(session)
    items_qs = CalibrationItem.objects.filter(session=session).select_related(
        "call__agent", "call__line_of_business", "version__scorecard", "consensus_by"
    )
    if shown:
        items_qs = items_qs.prefetch_related(
            Prefetch("version__sections", queryset=Section.objects.order_by("position", "pk")),
            Prefetch("version__sections__criteria", queryset=Criterion.objects.order_by("position", "pk")),
            "consensus_answers",
        )
    items = list(items_qs)
    participants = list(session.participants.select_related("user").order_by("pk"))
    # Before the reveal only the progress is read: no total, no answer, no comment.
    fields = ["pk", "calibration_item_id", "evaluator_id", "status"]
    if shown:
        fields += ["total", "critical_failed", "summary"]
    evaluations = list(Evaluation.objects.filter(calibration_item__session=session).values(*fields))
    by_cell = {(e["calibration_item_id"], e["evaluator_id"]): e for e in evaluations}
    visible_calls = set(calls_visible_to(user).filter(pk__in=[i.call_id for i in items]).values_list("pk", flat=True))

    answers: dict[tuple[int, int], dict] = {}
    if shown:
        submitted = [e["pk"] for e in evaluations if e["status"] in SCORED]
        for a in Answer.objects.filter(evaluation_id__in=submitted).values(
            "evaluation_id", "criterion_id", "value", "is_na", "comment"
        ):
            answers[(a["evaluation_id"], a["criterion_id"])] = a

    viewer_takes_part = any(p.user_id == user.pk for p in participants)
    item_views = []
    for item in items:
        states = [_state((by_cell.get((item.pk, p.user_id)) or {}).get("status")) for p in participants]
        own = by_cell.get((item.pk, user.pk))
        view = ItemView(
            item=item,
            call_visible=item.call_id in visible_calls,
            states=states,
            my_state=_state(own and own["status"]) if viewer_takes_part else None,
            my_evaluation_id=own["pk"] if own else None,
        )
        if shown:
            columns = [
                Column(
                    user=p.user,
                    evaluation_id=e["pk"],
                    total=e["total"],
                    critical_failed=e["critical_failed"],
                    summary=e["summary"],
                )
                for p in participants
                if (e := by_cell.get((item.pk, p.user_id))) is not None and e["status"] in SCORED
            ]
            view.scores = _item_scores(item, columns, answers)
        item_views.append(view)
    participant_views = [
        ParticipantView(participant=p, states=[iv.states[n] for iv in item_views]) for n, p in enumerate(participants)
    ]
    return SessionOverview(
        session=session,
        items=item_views,
        participants=participant_views,
        revealed=shown,
        viewer_takes_part=viewer_takes_part,
    )


def status_filter_choices() -> list[tuple[str, str]]:
    return [("", _("Any status")), *SessionStatus.choices]


def sessions_for_list(user, *, status: str = "") -> QuerySet[CalibrationSession]:
    qs = sessions_visible_to(user)
    return qs.filter(status=status) if status else qs


__all__ = [
    "DRAFT",
    "NOT_STARTED",
    "OPEN_STATUSES",
    "PROGRESS_LABELS",
    "SUBMITTED",
    "consensus_prefill",
    "item_for",
    "scores_shown",
    "session_for",
    "session_overview",
    "sessions_for_list",
    "sessions_visible_to",
    "takes_part_in_an_open_session",
]
