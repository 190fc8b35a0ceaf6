"""Scorecards and their versions: a draft is built, published once (then never changes) and
copied into the next draft; the previous published version is retired."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from monitoring.models import Call
from qa_platform.errors import IllegalTransition

from .. import formula, selectors
from ..models import Category, Criterion, Scorecard, ScorecardVersion, Section, VersionStatus

NO_SCORECARD = gettext_lazy("No published scorecard applies to this call's line of business.")


def scorecard_create(*, name: str, description: str = "", lines_of_business: Iterable = (), by) -> Scorecard:
    """A new scorecard with an empty draft version 1."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A scorecard needs a name.")})
    if Scorecard.objects.filter(name__iexact=name).exists():
        # Well-formed, but taken: a conflict with what exists (409), shown under the name on the page.
        taken = _("A scorecard with this name exists.")
        raise IllegalTransition(taken, details={"name": [taken]})
    with transaction.atomic():
        scorecard = Scorecard.objects.create(name=name, description=description)
        scorecard.lines_of_business.set(lines_of_business)
        ScorecardVersion.objects.create(scorecard=scorecard, number=1, created_by=by)
    return scorecard


# Points are a small integer column; a bound keeps absurd input a 400 rather than a database error.
MAX_POINTS = 1000
CRITERION_FIELDS = ("text", "guidance", "kind", "scale_max", "points", "category", "allow_na", "critical")


def _whole(raw, low: int, high: int) -> int | None:
    """`raw` as a whole number from `low` to `high`, or None."""
    try:
        number = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if low <= number <= high else None


def _clean_structure(structure: dict) -> tuple[list[dict], dict[str, list[str]]]:
    """Check a draft's structure field by field; errors are keyed by path (sections.0.criteria.1.points)."""
    errors: dict[str, list[str]] = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    def whole(path: str, raw, low: int, high: int, message: str, default: int) -> int:
        number = _whole(raw, low, high)
        if number is None:
            err(path, message)
        return default if number is None else number

    if not isinstance(structure.get("critical_zeroes", False), bool):
        err("critical_zeroes", _("Send true or false."))
    sections_in = structure.get("sections")
    if not isinstance(sections_in, list):
        return [], {**errors, "sections": [_("Send a list of sections.")]}
    sections: list[dict] = []
    for i, raw in enumerate(sections_in):
        path = f"sections.{i}"
        if not isinstance(raw, dict):
            err(path, _("Each section is an object."))
            continue
        title = str(raw.get("title") or "").strip()
        if not title:
            err(f"{path}.title", _("A section needs a title."))
        weight = whole(f"{path}.weight", raw.get("weight"), 1, 100, _("A weight is a whole number from 1 to 100."), 0)
        criteria = []
        criteria_in = raw.get("criteria") or []
        if not isinstance(criteria_in, list):
            err(f"{path}.criteria", _("Send a list of criteria."))
            criteria_in = []
        for j, c in enumerate(criteria_in):
            cpath = f"{path}.criteria.{j}"
            if not isinstance(c, dict):
                err(cpath, _("Each criterion is an object."))
                continue
            text = str(c.get("text") or "").strip()
            if not text:
                err(f"{cpath}.text", _("A criterion needs a text."))
            kind = c.get("kind") or formula.YES_NO
            if kind not in (formula.YES_NO, formula.SCALE):
                err(f"{cpath}.kind", _("Type is yes_no or scale."))
            points_refused = _("Points must be a whole number from 1 to %(max)s.") % {"max": MAX_POINTS}
            points = whole(f"{cpath}.points", c.get("points"), 1, MAX_POINTS, points_refused, 1)
            scale_max = 1
            if kind == formula.SCALE:
                scale_refused = _("A scale runs from 0 to k, with k from 1 to 10.")
                scale_max = whole(f"{cpath}.scale_max", c.get("scale_max"), 1, 10, scale_refused, 1)
            category = c.get("category") or Category.OTHER
            if category not in Category.values:
                err(f"{cpath}.category", _("Unknown category '%(c)s'.") % {"c": category})
            criteria.append(
                {
                    "text": text[:255],
                    "guidance": str(c.get("guidance") or ""),
                    "kind": kind,
                    "scale_max": scale_max,
                    "points": points,
                    "category": category,
                    "allow_na": bool(c.get("allow_na")),
                    "critical": bool(c.get("critical")),
                }
            )
        sections.append({"title": title[:120], "weight": weight, "criteria": criteria})
    return sections, errors


def scorecard_draft_save(*, version: ScorecardVersion, structure: dict, by) -> ScorecardVersion:
    """Replace a draft's sections and criteria (order as given). Published versions never change."""
    if not isinstance(structure, dict):
        raise ValidationError(_("Send an object with the draft's sections."))
    if not version.is_editable:
        raise IllegalTransition(
            _("Version %(n)s is published: start a new draft to change it.") % {"n": version.number}
        )
    sections, errors = _clean_structure(structure)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_editable:
            raise IllegalTransition(_("This version was published meanwhile."))
        version.critical_zeroes = bool(structure.get("critical_zeroes", version.critical_zeroes))
        version.notes = str(structure.get("notes", version.notes) or "")
        version.save(update_fields=["critical_zeroes", "notes"])
        version.sections.all().delete()
        for position, s in enumerate(sections):
            section = Section.objects.create(version=version, title=s["title"], weight=s["weight"], position=position)
            bulk_create_with_history(
                [Criterion(section=section, position=cpos, **c) for cpos, c in enumerate(s["criteria"])],
                Criterion,
                default_user=by,
            )
    return version


def scorecard_publish_problems(version: ScorecardVersion) -> list[str]:
    """What stops a draft from being published (empty when it can be)."""
    problems = []
    sections = list(version.sections.prefetch_related("criteria"))
    if not sections:
        problems.append(_("Add at least one section."))
    total = sum(s.weight for s in sections)
    if sections and total != 100:
        problems.append(_("Section weights add up to %(t)s; they must add up to 100.") % {"t": total})
    for s in sections:
        if not s.criteria.all():
            problems.append(_("Section '%(s)s' has no criteria.") % {"s": s.title})
        for c in s.criteria.all():
            if c.points < 1:
                problems.append(_("'%(c)s' needs points above 0.") % {"c": c.text})
    return problems


def scorecard_publish(*, version: ScorecardVersion, by) -> ScorecardVersion:
    """Publish a draft: it becomes immutable and the scorecard's current version; the
    previous published version is retired (evaluations keep the version they were scored on)."""
    with transaction.atomic():
        version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise IllegalTransition(_("Only a draft can be published."))
        problems = scorecard_publish_problems(version)
        if problems:
            # The draft as it stands cannot be published (409); the request itself was fine.
            raise IllegalTransition(
                _("This draft cannot be published yet: %(problems)s") % {"problems": " ".join(problems)},
                details={"sections": problems},
            )
        for previous in ScorecardVersion.objects.select_for_update().filter(
            scorecard=version.scorecard_id, status=VersionStatus.PUBLISHED
        ):
            previous.status = VersionStatus.RETIRED
            previous.save(update_fields=["status"])  # one row, kept in history
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["status", "published_at", "published_by"])
    return version


def scorecard_new_draft(*, scorecard: Scorecard, by) -> ScorecardVersion:
    """The scorecard's draft: the existing one, or a copy of the latest version as a new number."""
    with transaction.atomic():
        Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        draft = scorecard.versions.filter(status=VersionStatus.DRAFT).first()
        if draft:
            return draft
        source = scorecard.versions.order_by("-number").prefetch_related("sections__criteria").first()
        number = (scorecard.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=number,
            created_by=by,
            critical_zeroes=source.critical_zeroes if source else True,
        )
        for s in source.sections.all() if source else []:
            section = Section.objects.create(version=draft, title=s.title, weight=s.weight, position=s.position)
            bulk_create_with_history(
                [
                    Criterion(section=section, position=c.position, **{f: getattr(c, f) for f in CRITERION_FIELDS})
                    for c in s.criteria.all()
                ],
                Criterion,
                default_user=by,
            )
    return draft


def current_version_for_call(call: Call) -> ScorecardVersion:
    """The version a new evaluation of `call` is scored on (`selectors.scorecard_version_for_call`)."""
    version = selectors.scorecard_version_for_call(call)
    if version is None:
        raise ValidationError({"scorecard": NO_SCORECARD})
    return version
