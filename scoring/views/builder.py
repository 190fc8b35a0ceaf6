"""Scorecard pages: list, scorecard, version (read-only), the draft builder, publish, new draft.

Managers, admins and QA build and publish; supervisors and trainers read (they score on the
versions); agents and HR are refused (`permissions.SCORECARD_*_ROLES`). Everything but the
builder works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from .. import selectors, selectors_auto, services
from ..forms import ScorecardCreateForm
from ..models import Category, CriterionKind, Scorecard, ScorecardVersion, VersionStatus
from ..permissions import SCORECARD_BUILDER_ROLES, SCORECARD_READER_ROLES, can_build_scorecards
from ..serializers.scorecards import VersionSerializer

PAGE_SIZE = 50


def _split_versions(scorecard: Scorecard) -> None:
    """Mark the published and draft versions on the scorecard (from the prefetched versions)."""
    versions = list(scorecard.versions.all())
    scorecard.published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    scorecard.draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    scorecard.latest = versions[0] if versions else None


# --- pages -------------------------------------------------------------------------------------


@role_required(*SCORECARD_READER_ROLES)
@require_http_methods(["GET", "POST"])
def scorecard_list(request):
    builder = can_build_scorecards(request.user)
    form = ScorecardCreateForm(request.POST or None) if builder else None
    if request.method == "POST":
        if not builder:
            raise PermissionDenied
        if form.is_valid():
            # A refused name is shown under the field; the page itself is a 200 like any
            # form shown again.
            with page_errors(request, form=form) as outcome:
                scorecard = services.scorecard_create(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    lines_of_business=form.cleaned_data["lines_of_business"],
                    by=request.user,
                )
            if not outcome.failed:
                draft = scorecard.versions.get()
                messages.success(
                    request, _("Scorecard “%(name)s” created: build its first version.") % {"name": scorecard.name}
                )
                return redirect("scorecard-version-edit", pk=draft.pk)
    scorecards = selectors.scorecards_with_versions()
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


@role_required(*SCORECARD_READER_ROLES)
@require_GET
def scorecard_detail(request, pk: int):
    scorecard = get_object_or_404(selectors.scorecards_with_versions(), pk=pk)
    _split_versions(scorecard)
    return render(
        request,
        "scoring/builder/scorecard_detail.html",
        {"scorecard": scorecard, "can_build": can_build_scorecards(request.user)},
    )


@role_required(*SCORECARD_BUILDER_ROLES)
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


@role_required(*SCORECARD_READER_ROLES)
@require_GET
def version_detail(request, pk: int):
    version = get_object_or_404(selectors.versions_with_structure(), pk=pk)
    sections = list(version.sections.all())
    _mark_conditions(sections)
    is_draft = version.status == VersionStatus.DRAFT
    return render(
        request,
        "scoring/builder/version_detail.html",
        {
            "version": version,
            "sections": sections,
            "total_weight": sum(s.weight for s in sections if not s.bonus),
            "bonus_weight": sum(s.weight for s in sections if s.bonus),
            "root_causes": list(version.root_causes.all()),
            "problems": services.scorecard_publish_problems(version) if is_draft else [],
            "is_draft": is_draft,
            "can_build": can_build_scorecards(request.user),
            **({} if is_draft else selectors.draft_and_latest(version.scorecard)),
        },
    )


def _mark_conditions(sections) -> None:
    """Each criterion's `when`: the earlier criterion (with its number, 1.2) and the answer that shows
    it, from the prefetched rows."""
    earlier = {}
    for i, s in enumerate(sections, start=1):
        for j, c in enumerate(s.criteria.all(), start=1):
            c.number = f"{i}.{j}"
            trigger = earlier.get(c.shown_when_criterion_id)
            c.when = None
            if trigger is not None and c.shown_when_value is not None:
                if trigger.kind == CriterionKind.SCALE:
                    answer = str(c.shown_when_value)
                else:
                    answer = _("Yes") if c.shown_when_value else _("No")
                c.when = {"trigger": trigger, "answer": answer}
            earlier[c.pk] = c


@role_required(*SCORECARD_BUILDER_ROLES)
@require_POST
def version_publish(request, pk: int):
    version = get_object_or_404(ScorecardVersion, pk=pk)
    # Refused or not, the version page is shown again: with the problems, or published.
    with page_errors(request) as outcome:
        services.scorecard_publish(version=version, by=request.user)
    if not outcome.failed:
        messages.success(
            request,
            _("Version %(n)s is published: new evaluations use it; it can no longer change.") % {"n": version.number},
        )
    return redirect("scorecard-version", pk=version.pk)


@role_required(*SCORECARD_BUILDER_ROLES)
@require_GET
def version_edit(request, pk: int):
    version = get_object_or_404(selectors.versions_with_structure(), pk=pk)
    if version.status != VersionStatus.DRAFT:
        return render(
            request,
            "scoring/builder/version_immutable.html",
            {"version": version, **selectors.draft_and_latest(version.scorecard)},
        )
    config = {
        "apiUrl": reverse("api-scorecard-version-detail", args=[version.pk]),
        "publishUrl": reverse("api-scorecard-version-publish", args=[version.pk]),
        "versionUrl": reverse("scorecard-version", args=[version.pk]),
        "kinds": [{"value": v, "label": str(label)} for v, label in CriterionKind.choices],
        "categories": [{"value": v, "label": str(label)} for v, label in Category.choices],
        "autoSources": selectors_auto.auto_source_options(version),
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
        "autoSource": _("Answered automatically from"),
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
        **_extension_text(),
    }


def _extension_text() -> dict[str, str]:
    """Bonus sections, section-fail, required comments, conditions and root causes."""
    return {
        "bonus": _("Bonus section"),
        "bonusCap": _("bonus sections: a score may reach 100 + %(n)s"),
        "sectionFail": _("Fails its section"),
        "commentOnLoss": _("Comment required when points are lost"),
        "shownWhen": _("Shown only when"),
        "hasAnswer": _("has the answer"),
        "always": _("Always shown"),
        "triggerLabel": _("%(s)s.%(c)s %(t)s"),
        "yes": _("Yes"),
        "no": _("No"),
        "conditionDeleted": _("“%(t)s” is now always shown: “%(trigger)s”, which it depended on, was removed."),
        "conditionAfter": _(
            "“%(t)s” is now always shown: “%(trigger)s”, which it depended on, no longer comes before it."
        ),
        "cause": _("Root cause %(n)s"),
        "causeText": _("Root cause"),
        "agentControllable": _("Within the agent's control"),
        "removeCause": _("Remove root cause “%(t)s”"),
        "noCauses": _("No root causes yet: evaluators then name none."),
    }
