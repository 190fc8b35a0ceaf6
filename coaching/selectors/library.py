"""Reads of the call library, scoped to the requesting user (coaching/permissions/library.py):
agents see curated entries only; supervisors also their teams' pending entries and their own
markings; QA, trainers, managers and admins everything; HR nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from monitoring.selectors import led_team_ids
from qa_platform.roles import SUPERVISOR, has_role, user_roles

from ..models import LibraryCall
from ..permissions.library import LIBRARY_WIDE_ROLES, can_open_library

# The list's "status" filter.
CURATED, PENDING = "curated", "pending"


def library_visible_to(user) -> QuerySet[LibraryCall]:
    qs = LibraryCall.objects.select_related(
        "call",
        "call__agent",
        "call__agent__team",
        "call__line_of_business",
        "evaluation",
        "scorecard",
        "marked_by",
        "curated_by",
    )
    if not can_open_library(user):
        return qs.none()
    if has_role(user, *LIBRARY_WIDE_ROLES):
        return qs
    scope = Q(curated=True)
    if SUPERVISOR in user_roles(user):
        scope |= Q(marked_by=user.pk) | Q(call__agent__team_id__in=led_team_ids(user))
    return qs.filter(scope)


def entry_for(user, pk) -> LibraryCall:
    """One entry the user may see; 404 otherwise."""
    return get_object_or_404(library_visible_to(user), pk=pk)


@dataclass(frozen=True)
class LibraryQuery:
    """The list's filters, read leniently from the page's query (an unknown value is no filter
    and is reported in `errors`)."""

    kind: str = ""
    category: str = ""
    criterion: str = ""
    status: str = ""
    q: str = ""


def filter_entries(qs: QuerySet[LibraryCall], query: LibraryQuery) -> QuerySet[LibraryCall]:
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.category:
        qs = qs.filter(category=query.category)
    if query.criterion:
        qs = qs.filter(criterion_text__icontains=query.criterion)
    if query.status == CURATED:
        qs = qs.filter(curated=True)
    elif query.status == PENDING:
        qs = qs.filter(curated=False)
    for word in re.split(r"\s+", query.q.strip())[:5]:
        if word:
            qs = qs.filter(Q(title__icontains=word) | Q(note__icontains=word))
    return qs


def entries_of_call(user, call_id: int) -> list[LibraryCall]:
    """The entries of one call the user may see (the evaluation page's panel)."""
    return list(library_visible_to(user).filter(call_id=call_id).order_by("kind"))


def criterion_choices(evaluation) -> list[tuple[int, str]]:
    """The criteria of the evaluation's scorecard version, for the marking form, in order."""
    from scoring.models import Criterion

    return list(
        Criterion.objects.filter(section__version_id=evaluation.version_id)
        .order_by("section__position", "section__pk", "position", "pk")
        .values_list("pk", "text")
    )
