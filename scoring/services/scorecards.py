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

from .. import auto, formula, selectors
from ..models import Category, Criterion, RootCause, Scorecard, ScorecardVersion, Section, VersionStatus

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
CRITERION_FIELDS = (
    "text",
    "guidance",
    "kind",
    "scale_max",
    "points",
    "category",
    "allow_na",
    "critical",
    "section_fail",
    "comment_on_loss",
    "auto_source",
)
MAX_ROOT_CAUSES = 50
MAX_BONUS_WEIGHT = 100  # a score stays within 0 … 200 (and the database's 999.9)


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
    flat = 0  # the criterion's number in form order, which a condition names
    kinds: list[tuple[str, int]] = []  # (kind, k) of each criterion so far, in form order
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
            shown_when = _clean_condition(
                c.get("shown_when"), flat, kinds, lambda m, p=cpath: err(f"{p}.shown_when", m)
            )
            auto_source = str(c.get("auto_source") or "").strip()
            if auto_source:
                try:
                    auto.parse(auto_source)
                except auto.SourceError:
                    err(
                        f"{cpath}.auto_source", _("Answer automatically from a phrase rule (rule:<code>) or a measure.")
                    )
                if kind != formula.YES_NO:
                    err(f"{cpath}.auto_source", _("Only a yes / no criterion can be answered automatically."))
            kinds.append((kind, scale_max))
            flat += 1
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
                    "section_fail": bool(c.get("section_fail")),
                    "comment_on_loss": bool(c.get("comment_on_loss")),
                    "auto_source": auto_source[:60],
                    "shown_when": shown_when,
                }
            )
        sections.append({"title": title[:120], "weight": weight, "bonus": bool(raw.get("bonus")), "criteria": criteria})
    return sections, errors


def _clean_condition(raw, position: int, kinds: list[tuple[str, int]], err) -> tuple[int, int] | None:
    """`shown_when` = {criterion: the number (0-based, form order) of an earlier criterion,
    value: the answer of it that shows this one}, or None. Conditions point backwards."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        err(_("Send {criterion, value} or null."))
        return None
    index = _whole(raw.get("criterion"), 0, 10_000)
    if index is None or index >= position:
        err(_("A condition names an earlier criterion (its number in the form, from 0)."))
        return None
    kind, k = kinds[index]
    value = _whole(raw.get("value"), 0, 1 if kind == formula.YES_NO else k)
    if value is None:
        err(_("The answer that shows this criterion is one the earlier criterion can take."))
        return None
    return index, value


def _clean_root_causes(raw) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if raw in (None, ""):
        return [], errors
    if not isinstance(raw, list) or len(raw) > MAX_ROOT_CAUSES:
        return [], {"root_causes": [_("Send a list of at most %(n)s root causes.") % {"n": MAX_ROOT_CAUSES}]}
    causes, seen = [], set()
    for i, c in enumerate(raw):
        text = str(c.get("text") or "").strip() if isinstance(c, dict) else ""
        if not text:
            errors.setdefault(f"root_causes.{i}.text", []).append(_("A root cause needs a text."))
            continue
        if text.casefold() in seen:
            errors.setdefault(f"root_causes.{i}.text", []).append(_("This root cause is listed twice."))
            continue
        seen.add(text.casefold())
        causes.append({"text": text[:160], "agent_controllable": bool(c.get("agent_controllable", True))})
    return causes, errors


def scorecard_draft_save(*, version: ScorecardVersion, structure: dict, by) -> ScorecardVersion:
    """Replace a draft's sections and criteria (order as given). Published versions never change."""
    if not isinstance(structure, dict):
        raise ValidationError(_("Send an object with the draft's sections."))
    if not version.is_editable:
        raise IllegalTransition(
            _("Version %(n)s is published: start a new draft to change it.") % {"n": version.number}
        )
    sections, errors = _clean_structure(structure)
    causes, cause_errors = _clean_root_causes(structure.get("root_causes"))
    errors.update(cause_errors)
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
        version.root_causes.all().delete()
        _create_structure(version, sections, by=by)
        bulk_create_with_history(
            [RootCause(version=version, position=i, **c) for i, c in enumerate(causes)], RootCause, default_user=by
        )
    return version


def _create_structure(version: ScorecardVersion, sections: list[dict], *, by) -> None:
    """Sections and criteria in order; each condition then points at the criterion it names
    (by its number in form order)."""
    created: list[Criterion] = []
    conditions: list[tuple[Criterion, tuple[int, int]]] = []
    for position, s in enumerate(sections):
        section = Section.objects.create(
            version=version, title=s["title"], weight=s["weight"], bonus=s.get("bonus", False), position=position
        )
        rows = []
        for cpos, c in enumerate(s["criteria"]):
            fields = {f: c[f] for f in CRITERION_FIELDS if f in c}
            rows.append(Criterion(section=section, position=cpos, **fields))
            if c.get("shown_when"):
                conditions.append((rows[-1], c["shown_when"]))
        created += bulk_create_with_history(rows, Criterion, default_user=by)
    for criterion, (index, value) in conditions:
        criterion.shown_when_criterion = created[index]
        criterion.shown_when_value = value
    if conditions:
        Criterion.objects.bulk_update([c for c, _ in conditions], ["shown_when_criterion", "shown_when_value"])


def scorecard_publish_problems(version: ScorecardVersion) -> list[str]:
    """What stops a draft from being published (empty when it can be)."""
    problems = []
    sections = list(version.sections.prefetch_related("criteria"))
    if not sections:
        problems.append(_("Add at least one section."))
    total = sum(s.weight for s in sections if not s.bonus)
    if sections and all(s.bonus for s in sections):
        problems.append(_("A bonus section adds to a score: add at least one section that is not a bonus."))
    elif sections and total != 100:
        if any(s.bonus for s in sections):
            message = _("Section weights (bonus sections aside) add up to %(t)s; they must add up to 100.")
        else:
            message = _("Section weights add up to %(t)s; they must add up to 100.")
        problems.append(message % {"t": total})
    bonus = sum(s.weight for s in sections if s.bonus)
    if bonus > MAX_BONUS_WEIGHT:
        problems.append(
            _("Bonus sections add up to %(b)s; a score may go at most %(max)s above 100.")
            % {"b": bonus, "max": MAX_BONUS_WEIGHT}
        )
    earlier: dict[int, Criterion] = {}
    for s in sections:
        if not s.criteria.all():
            problems.append(_("Section '%(s)s' has no criteria.") % {"s": s.title})
        for c in s.criteria.all():
            if c.points < 1:
                problems.append(_("'%(c)s' needs points above 0.") % {"c": c.text})
            if c.shown_when_criterion_id is not None:
                trigger = earlier.get(c.shown_when_criterion_id)
                if trigger is None:
                    problems.append(
                        _("'%(c)s' is shown depending on a criterion that does not come before it.") % {"c": c.text}
                    )
                elif c.shown_when_value is None or c.shown_when_value > trigger.spec().max_value():
                    problems.append(
                        _("'%(c)s' is shown on an answer '%(t)s' cannot take.") % {"c": c.text, "t": trigger.text}
                    )
            earlier[c.pk] = c
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
        if source:
            _create_structure(draft, version_structure(source), by=by)
            bulk_create_with_history(
                [
                    RootCause(
                        version=draft, position=rc.position, text=rc.text, agent_controllable=rc.agent_controllable
                    )
                    for rc in source.root_causes.all()
                ],
                RootCause,
                default_user=by,
            )
    return draft


def version_structure(version: ScorecardVersion) -> list[dict]:
    """The version's sections as `scorecard_draft_save` takes them, conditions by form number."""
    number: dict[int, int] = {}
    sections = []
    for s in version.sections.all():
        criteria = []
        for c in s.criteria.all():
            condition = None
            if c.shown_when_criterion_id in number and c.shown_when_value is not None:
                condition = (number[c.shown_when_criterion_id], c.shown_when_value)
            number[c.pk] = len(number)
            criteria.append({**{f: getattr(c, f) for f in CRITERION_FIELDS}, "shown_when": condition})
        sections.append({"title": s.title, "weight": s.weight, "bonus": s.bonus, "criteria": criteria})
    return sections


def current_version_for_call(call: Call) -> ScorecardVersion:
    """The version a new evaluation of `call` is scored on (`selectors.scorecard_version_for_call`)."""
    version = selectors.scorecard_version_for_call(call)
    if version is None:
        raise ValidationError({"scorecard": NO_SCORECARD})
    return version
