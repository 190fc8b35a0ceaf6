"""Reads for scoring, scoped to the requesting user.

agent → own evaluations once feedback has reached them, and own self-evaluations;
supervisor → scored evaluations of their teams' agents, plus their own;
qa, trainer, manager, admin → all; hr → none (HR sees numbers through the export only).
Blind scoring cuts into all of these: see `evaluations_visible_to`.
Scorecards are read by whoever may open the scorecard pages (`permissions.SCORECARD_READER_ROLES`).
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from monitoring.models import Assignment, AssignmentStatus, Call
from monitoring.selectors import led_team_ids
from qa_platform.roles import CENTER_WIDE_ROLES, SUPERVISOR, user_roles

from .filters import EvaluationFilter
from .models import (
    REVEALED_STATUSES,
    SCORED,
    VISIBLE_TO_AGENT,
    Answer,
    CalibrationItem,
    CalibrationParticipant,
    Criterion,
    Dispute,
    DisputeStatus,
    Evaluation,
    Kind,
    Scorecard,
    ScorecardVersion,
    Section,
    SessionStatus,
    Status,
    VersionStatus,
)
from .permissions import own_agent_id

# --- evaluations ------------------------------------------------------------------------------


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    roles = user_roles(user)
    qs = Evaluation.objects.select_related(
        "call", "call__line_of_business", "agent", "agent__team", "evaluator", "version", "version__scorecard"
    )
    agent = getattr(user, "agent", None) if getattr(user, "is_authenticated", False) else None
    # Whatever other roles they hold, about their own calls a person sees only what an agent
    # may: delivered regular evaluations and their own self-evaluations.
    own_rule = Q(agent=agent) & ~(Q(kind=Kind.REGULAR, status__in=VISIBLE_TO_AGENT) | Q(kind=Kind.SELF, evaluator=user))
    # Blind scoring: while someone still has an open assignment on a call (double scoring, a
    # dispute's re-score, or the first score of it), or has a call of a calibration session that
    # is scoring still to submit, they see nobody else's evaluation of that call.
    unsubmitted_item = CalibrationItem.objects.filter(
        call=OuterRef("call_id"),
        session__status=SessionStatus.SCORING,
        session__participants__user=user.pk,
    ).exclude(Exists(Evaluation.objects.filter(calibration_item=OuterRef("pk"), evaluator=user.pk, status__in=SCORED)))
    qs = qs.alias(
        assigned_blind=Exists(
            Assignment.objects.filter(call=OuterRef("call_id"), evaluator=user.pk, status=AssignmentStatus.OPEN)
        ),
        calibration_blind=Exists(unsubmitted_item),
    ).filter(Q(assigned_blind=False, calibration_blind=False) | Q(evaluator=user.pk))
    # A calibration session's evaluations: nobody but their evaluator sees them before the
    # reveal; after it, the center-wide roles and the session's participants do.
    qs = qs.filter(
        Q(calibration_item__isnull=True)
        | Q(evaluator=user.pk)
        | Q(calibration_item__session__status__in=REVEALED_STATUSES)
    )
    if roles & CENTER_WIDE_ROLES:
        return qs.exclude(own_rule) if agent is not None else qs
    scope = Q(evaluator=user) if roles else Q(pk__in=[])
    if roles:
        revealed_to_me = CalibrationParticipant.objects.filter(
            user=user.pk, session__status__in=REVEALED_STATUSES
        ).values("session_id")
        scope |= Q(calibration_item__session__in=revealed_to_me)
    if SUPERVISOR in roles:
        scope |= Q(agent__team_id__in=led_team_ids(user), status__in=SCORED, kind=Kind.REGULAR)
    if agent is not None:
        scope |= Q(agent=agent, kind=Kind.REGULAR, status__in=VISIBLE_TO_AGENT)
        scope |= Q(agent=agent, kind=Kind.SELF)
        return qs.filter(scope).exclude(own_rule)
    return qs.filter(scope)


def with_scorecard(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Everything a scoring or evaluation page needs, in a fixed number of queries."""
    return qs.select_related(
        "call__shift", "call__agent__team", "assignment", "feedback_delivered_by"
    ).prefetch_related(
        Prefetch("version__sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("version__sections__criteria", queryset=Criterion.objects.order_by("position", "pk")),
        Prefetch("answers", queryset=Answer.objects.select_related("root_cause")),
        "version__root_causes",
        "disputes__raised_by",
        "disputes__resolved_by",
        "disputes__criterion_changes",
    )


def evaluation_for_page(user, pk) -> Evaluation:
    """One evaluation the user may see, with its scorecard (`with_scorecard`); 404 otherwise."""
    return get_object_or_404(with_scorecard(evaluations_visible_to(user)), pk=pk)


def own_evaluation_of(call: Call, user, *, kind: str) -> Evaluation | None:
    """The user's own evaluation of `call` of `kind` outside calibration sessions (there is at
    most one; a session's evaluations are reached through its items)."""
    return Evaluation.objects.filter(call=call, evaluator=user, kind=kind, calibration_item__isnull=True).first()


def counterpart_of(evaluation: Evaluation, user) -> Evaluation | None:
    """The other side of a call's self-evaluation and regular evaluation, if the user may see a
    scored one (the first submitted), with its answers."""
    counterpart_kind = {Kind.SELF: Kind.REGULAR, Kind.REGULAR: Kind.SELF}.get(evaluation.kind)
    if counterpart_kind is None:
        return None
    return (
        evaluations_visible_to(user)
        .filter(call_id=evaluation.call_id, kind=counterpart_kind, status__in=SCORED)
        .exclude(pk=evaluation.pk)
        .prefetch_related("answers")
        .order_by("submitted_at")
        .first()
    )


# How the evaluation list sorts: newest first by default (submitted, else created).
_WHEN = Coalesce("submitted_at", "created_at")
EVALUATION_SORTS = {
    "date": [_WHEN.asc(), "pk"],
    "-date": [_WHEN.desc(), "-pk"],
    "score": [F("total").asc(nulls_first=True), "-pk"],
    "-score": [F("total").desc(nulls_last=True), "-pk"],
}


def evaluations_for_list(user, params, *, sort: str = "-date"):
    """The evaluation list: what the user may see, narrowed by `filters.EvaluationFilter` on the
    query `params`, in one of `EVALUATION_SORTS`. Returns the filter (its form holds the errors)
    and the rows (none when a filter value is refused)."""
    visible = evaluations_visible_to(user)
    filterset = EvaluationFilter(params, queryset=visible)
    rows = filterset.qs if filterset.is_valid() else visible.none()
    return filterset, rows.order_by(*EVALUATION_SORTS[sort])


def feedback_awaiting_count(user) -> int:
    """How many evaluations of the user's own calls wait for their acknowledgement."""
    agent_id = own_agent_id(user)
    if agent_id is None:
        return 0
    return Evaluation.objects.filter(agent_id=agent_id, kind=Kind.REGULAR, status=Status.FEEDBACK_DELIVERED).count()


def unfinished_drafts(user) -> QuerySet[Evaluation]:
    """The evaluator's evaluations started but not submitted, latest saved first."""
    return (
        Evaluation.objects.filter(evaluator=user, status__in=["assigned", "in_progress"])
        .select_related("call", "agent", "call__line_of_business")
        .order_by("-draft_saved_at", "-created_at")
    )


def status_changes(evaluation: Evaluation) -> QuerySet:
    """The evaluation's historical records, oldest first, with who made each."""
    return evaluation.history.select_related("history_user").order_by("history_date", "history_id")


def answer_changes(evaluation: Evaluation) -> list:
    """The historical records of the evaluation's answers, oldest first."""
    return list(Answer.history.filter(evaluation_id=evaluation.pk).order_by("history_date"))


# --- disputes ---------------------------------------------------------------------------------

_DISPUTE_RELATED = (
    "evaluation",
    "evaluation__agent",
    "evaluation__agent__team",
    "evaluation__evaluator",
    "evaluation__call",
    "raised_by",
)


def open_dispute(evaluation: Evaluation) -> Dispute | None:
    """The evaluation's open dispute (from the prefetched disputes of `with_scorecard`)."""
    return next((d for d in evaluation.disputes.all() if d.status == DisputeStatus.OPEN), None)


def open_disputes() -> QuerySet[Dispute]:
    """Every open dispute, oldest first (resolvers see them all), with its reviewer, re-score and
    the decision an appeal is of."""
    return (
        Dispute.objects.select_related(*_DISPUTE_RELATED, "reviewer", "review", "appeal_of")
        .filter(status=DisputeStatus.OPEN)
        .order_by("raised_at")
    )


def resolved_disputes(limit: int = 20) -> QuerySet[Dispute]:
    """The latest resolved disputes, with who resolved them."""
    return (
        Dispute.objects.select_related(*_DISPUTE_RELATED, "resolved_by")
        .exclude(status=DisputeStatus.OPEN)
        .order_by("-resolved_at")[:limit]
    )


# --- scorecards -------------------------------------------------------------------------------


def scorecard_version_for_call(call: Call) -> ScorecardVersion | None:
    """The published version of the scorecard for the call's line of business (or the one for
    every line); None when there is none."""
    return scorecard_version_for_line(call.line_of_business_id)


def scorecard_version_for_line(line) -> ScorecardVersion | None:
    """The published version a call of `line` (a line or its id) is scored on, or None."""
    published = ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED, scorecard__active=True)
    version = published.filter(scorecard__lines_of_business=line).first()
    return version or published.filter(scorecard__lines_of_business__isnull=True).first()


def versions_with_counts() -> QuerySet[ScorecardVersion]:
    return (
        ScorecardVersion.objects.select_related("published_by", "created_by")
        .annotate(evaluation_count=Count("evaluations"))
        .order_by("-number")
    )


def scorecards_with_versions() -> QuerySet[Scorecard]:
    """Scorecards with their lines of business and versions (each with its evaluation count)."""
    return Scorecard.objects.prefetch_related(
        "lines_of_business", Prefetch("versions", queryset=versions_with_counts())
    ).order_by("name")


def versions_with_structure() -> QuerySet[ScorecardVersion]:
    """Versions with sections and criteria in order: a fixed number of queries, whatever the size."""
    return ScorecardVersion.objects.select_related("scorecard", "published_by", "created_by").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("sections__criteria", queryset=Criterion.objects.order_by("position", "pk")),
        "root_causes",
    )


def draft_and_latest(scorecard: Scorecard) -> dict:
    """The scorecard's draft (to continue) or its latest version (which a new draft copies)."""
    versions = scorecard.versions.order_by("-number")
    return {"draft": versions.filter(status=VersionStatus.DRAFT).first(), "latest": versions.first()}
