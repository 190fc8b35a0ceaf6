"""Scorecard pages: list, scorecard, version (read-only), the draft builder, publish, new draft.

Managers, admins and QA build and publish; supervisors and trainers read (they score on the
versions); agents and HR are refused. Everything but the builder works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.permissions import role_required
from qa_platform.roles import ADMIN, MANAGER, QA, SUPERVISOR, TRAINER, has_role

from . import services
from .forms_builder import ScorecardCreateForm
from .models import Category, Criterion, CriterionKind, Scorecard, ScorecardVersion, Section, VersionStatus
from .serializers_scorecards import VersionSerializer

# Shared with api_scorecards: who builds and who reads scorecards.
BUILDER_ROLES = (MANAGER, ADMIN, QA)
READER_ROLES = (*BUILDER_ROLES, SUPERVISOR, TRAINER)
PAGE_SIZE = 50


def can_build(user) -> bool:
    return has_role(user, *BUILDER_ROLES)


# --- reads (shared with api_scorecards) --------------------------------------------------------


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
    )


def _split_versions(scorecard: Scorecard) -> None:
    """Mark the published and draft versions on the scorecard (from the prefetched versions)."""
    versions = list(scorecard.versions.all())
    scorecard.published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    scorecard.draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    scorecard.latest = versions[0] if versions else None


def _draft_and_latest(scorecard: Scorecard) -> dict:
    """The scorecard's draft (to continue) or its latest version (which a new draft copies)."""
    versions = scorecard.versions.order_by("-number")
    return {"draft": versions.filter(status=VersionStatus.DRAFT).first(), "latest": versions.first()}


def _error_messages(exc: ValidationError) -> list[str]:
    return (
        [m for messages_ in exc.message_dict.values() for m in messages_]
        if hasattr(exc, "error_dict")
        else exc.messages
    )


# --- pages -------------------------------------------------------------------------------------


@role_required(*READER_ROLES)
@require_http_methods(["GET", "POST"])
def scorecard_list(request):
    builder = can_build(request.user)
    form = ScorecardCreateForm(request.POST or None) if builder else None
    if request.method == "POST":
        if not builder:
            raise PermissionDenied
        if form.is_valid():
            try:
                scorecard = services.scorecard_create(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    lines_of_business=form.cleaned_data["lines_of_business"],
                    by=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                draft = scorecard.versions.get()
                messages.success(
                    request, _("Scorecard “%(name)s” created: build its first version.") % {"name": scorecard.name}
                )
                return redirect("scorecard-version-edit", pk=draft.pk)
    scorecards = scorecards_with_versions()
    if request.GET.get("active") in ("0", "1"):
        scorecards = scorecards.filter(active=request.GET["active"] == "1")
    page = Paginator(scorecards, PAGE_SIZE).get_page(request.GET.get("page"))
    for scorecard in page:
        _split_versions(scorecard)
    return render(
        request,
        "scoring/builder/scorecard_list.html",
        {"page": page, "form": form, "can_build": builder, "active": request.GET.get("active", "")},
    )


@role_required(*READER_ROLES)
@require_GET
def scorecard_detail(request, pk: int):
    scorecard = get_object_or_404(scorecards_with_versions(), pk=pk)
    _split_versions(scorecard)
    return render(
        request, "scoring/builder/scorecard_detail.html", {"scorecard": scorecard, "can_build": can_build(request.user)}
    )


@role_required(*BUILDER_ROLES)
@require_POST
def scorecard_new_draft(request, pk: int):
    scorecard = get_object_or_404(Scorecard, pk=pk)
    had_draft = scorecard.versions.filter(status=VersionStatus.DRAFT).exists()
    draft = services.scorecard_new_draft(scorecard=scorecard, by=request.user)
    if had_draft:
        messages.info(request, _("Version %(n)s is already a draft: continue editing it.") % {"n": draft.number})
    else:
        messages.success(
            request, _("Draft version %(n)s started as a copy of the latest version.") % {"n": draft.number}
        )
    return redirect("scorecard-version-edit", pk=draft.pk)


@role_required(*READER_ROLES)
@require_GET
def version_detail(request, pk: int):
    version = get_object_or_404(versions_with_structure(), pk=pk)
    sections = list(version.sections.all())
    is_draft = version.status == VersionStatus.DRAFT
    return render(
        request,
        "scoring/builder/version_detail.html",
        {
            "version": version,
            "sections": sections,
            "total_weight": sum(s.weight for s in sections),
            "problems": services.scorecard_publish_problems(version) if is_draft else [],
            "is_draft": is_draft,
            "can_build": can_build(request.user),
            **({} if is_draft else _draft_and_latest(version.scorecard)),
        },
    )


@role_required(*BUILDER_ROLES)
@require_POST
def version_publish(request, pk: int):
    version = get_object_or_404(ScorecardVersion, pk=pk)
    try:
        version = services.scorecard_publish(version=version, by=request.user)
    except services.IllegalTransition as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for problem in _error_messages(exc):
            messages.error(request, problem)
    else:
        messages.success(
            request,
            _("Version %(n)s is published: new evaluations use it; it can no longer change.") % {"n": version.number},
        )
    return redirect("scorecard-version", pk=version.pk)


@role_required(*BUILDER_ROLES)
@require_GET
def version_edit(request, pk: int):
    version = get_object_or_404(versions_with_structure(), pk=pk)
    if version.status != VersionStatus.DRAFT:
        return render(
            request,
            "scoring/builder/version_immutable.html",
            {"version": version, **_draft_and_latest(version.scorecard)},
        )
    config = {
        "apiUrl": reverse("api-scorecard-version-detail", args=[version.pk]),
        "publishUrl": reverse("api-scorecard-version-publish", args=[version.pk]),
        "versionUrl": reverse("scorecard-version", args=[version.pk]),
        "kinds": [{"value": v, "label": str(label)} for v, label in CriterionKind.choices],
        "categories": [{"value": v, "label": str(label)} for v, label in Category.choices],
        "text": _builder_text(),
    }
    return render(
        request,
        "scoring/builder/version_edit.html",
        {"version": version, "structure": VersionSerializer(version).data, "config": config},
    )


def _builder_text() -> dict[str, str]:
    """Strings the builder script shows, translated here so the script needs no catalog."""
    return {
        "section": _("Section %(n)s"),
        "criterion": _("Criterion %(n)s"),
        "title": _("Title"),
        "weight": _("Weight (%)"),
        "text": _("Criterion"),
        "guidance": _("Guidance for the evaluator"),
        "kind": _("Type"),
        "scaleMax": _("Scale maximum (k)"),
        "points": _("Points"),
        "category": _("Category"),
        "allowNa": _("N/A allowed"),
        "critical": _("Critical"),
        "moveUp": _("Move up"),
        "moveDown": _("Move down"),
        "remove": _("Remove"),
        "moveSectionUp": _("Move section “%(t)s” up"),
        "moveSectionDown": _("Move section “%(t)s” down"),
        "removeSection": _("Remove section “%(t)s”"),
        "moveCriterionUp": _("Move criterion “%(t)s” up"),
        "moveCriterionDown": _("Move criterion “%(t)s” down"),
        "removeCriterion": _("Remove criterion “%(t)s”"),
        "addCriterion": _("Add a criterion"),
        "addCriterionTo": _("Add a criterion to “%(t)s”"),
        "untitled": _("untitled"),
        "noCriteria": _("No criteria yet."),
        "noSections": _("No sections yet: add one."),
        "confirmRemoveSection": _("Remove section “%(t)s” and its %(n)s criteria?"),
        "moved": _("Moved to position %(n)s."),
        "removed": _("Removed."),
        "added": _("Added."),
        "weightSum": _("Total section weight: %(t)s / 100"),
        "weightOk": _("(correct)"),
        "weightBad": _("(must be exactly 100 to publish)"),
        "saving": _("Saving…"),
        "saved": _("Saved."),
        "unsaved": _("Unsaved changes."),
        "saveFailed": _("Not saved: correct the highlighted fields."),
        "networkError": _("The server could not be reached; nothing was saved. Try again."),
        "publishing": _("Publishing…"),
        "publishFailed": _("Not published:"),
        "problemsTitle": _("Before publishing"),
        "readyToPublish": _("Ready to publish."),
        "leaveWarning": _("You have unsaved changes."),
    }
