"""The performance score's setup (DESIGN.md §6): components and bonus bands, changed by managers.

The rules hold for the setup as a whole, so each use case validates the state it would leave:
- the active components' weights add up to 100 (%), each weight 0–100; a handle-time or
  after-call-work component needs a target to be active; at least one component is active;
- every QA component averages the same figure (`QAFigure`: the agent score by default, or the
  interaction total) — the center's one choice, which the HR export's QA average follows too;
- bands have a name, a floor 0–100 (one decimal) and a multiplier 0–99.99; no two bands start
  at the same score, and one starts at 0, so every score has a band.

`component_rules` and `band_rules` state them once, for these services and for the settings
page's forms (which show the reasons next to the fields). Every change is saved with who made
it (django-simple-history's history_user); rows that predate history (the defaults from the
migration) first get a baseline record, so the history shows what a change changed and a
closed month's setup can be read back (`selectors.performance.config_as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import BonusBand, ComponentSource, PerformanceComponent, QAFigure
from ..permissions import can_edit_performance_settings
from ..selectors.performance import BASELINE, qa_figure_of

TIME_SOURCES = (ComponentSource.HANDLE_TIME, ComponentSource.ACW)
EDITABLE = ("name", "weight", "target_seconds", "active", "position", "qa_figure")
MAX_TARGET_SECONDS = 86_400


def _require_manager(by) -> None:
    if not can_edit_performance_settings(by):
        raise PermissionDenied(_("Only managers and administrators change the performance score."))


def ensure_history(model, objs: Iterable) -> None:
    """Give each of `objs` without a history record one, as it stands now (one or two queries)."""
    objs = list(objs)
    if not objs:
        return
    tracked = set(model.history.filter(id__in=[o.pk for o in objs]).values_list("id", flat=True))
    missing = [o for o in objs if o.pk not in tracked]
    if missing:
        model.history.bulk_history_create(missing, update=True, default_change_reason=BASELINE)


def _save(obj, *, by, reason: str) -> None:
    obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


# --- components --------------------------------------------------------------------------------


def component_rules(components: Iterable) -> dict[str, list[str]]:
    """{field: [reason]} for a whole set of components (objects with code, name, source,
    weight, target_seconds, active); empty when the set may be saved."""
    components = list(components)
    errors: dict[str, list[str]] = {}
    active = [c for c in components if c.active]
    if not active:
        errors.setdefault("active", []).append(_("At least one component must be active."))
    for c in components:
        if not (isinstance(c.weight, int) and 0 <= c.weight <= 100):
            errors.setdefault("weight", []).append(_("%(name)s: a weight is 0 to 100 (%%).") % {"name": c.name})
    total = sum(c.weight for c in active if isinstance(c.weight, int))
    if active and total != 100:
        errors.setdefault("weight", []).append(
            _("The active components' weights add up to %(total)s %%; they must add up to 100 %%.") % {"total": total}
        )
    figures = {getattr(c, "qa_figure", QAFigure.AGENT_SCORE) for c in components if c.source == ComponentSource.QA}
    if len(figures) > 1:
        errors.setdefault("qa_figure", []).append(_("Every QA component must average the same figure."))
    for c in active:
        if c.source in TIME_SOURCES and not c.target_seconds:
            errors.setdefault("target_seconds", []).append(
                _("%(name)s needs a target (seconds) to be active.") % {"name": c.name}
            )
    return errors


def _clean_change(component: PerformanceComponent, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This setting cannot be changed here.") for name in sorted(unknown)})
    out = dict(values)
    if "name" in out:
        out["name"] = str(out["name"] or "").strip()
        if not out["name"]:
            raise ValidationError({"name": _("Give the component a name.")})
    for name, high in (("weight", 100), ("target_seconds", MAX_TARGET_SECONDS), ("position", 32_767)):
        if name in out and out[name] is not None:
            value = out[name]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
                raise ValidationError(
                    {name: _("%(name)s: a whole number from 0 to %(high)s.") % {"name": component.name, "high": high}}
                )
    if out.get("weight", component.weight) is None:
        raise ValidationError({"weight": _("%(name)s needs a weight.") % {"name": component.name}})
    if "qa_figure" in out:
        if component.source != ComponentSource.QA:
            raise ValidationError({"qa_figure": _("Only a QA average has a QA figure.")})
        if out["qa_figure"] not in QAFigure.values:
            raise ValidationError({"qa_figure": _("The QA figure is the agent score or the interaction total.")})
    if "active" in out and not isinstance(out["active"], bool):
        raise ValidationError({"active": _("Active is true or false.")})
    if "target_seconds" in out and out["target_seconds"] == 0:
        out["target_seconds"] = None
    return out


def performance_components_update(*, changes: Mapping[int, Mapping[str, Any]], by) -> list[PerformanceComponent]:
    """Change several components at once ({component id: {field: value}} for name, weight,
    target_seconds, active, position, qa_figure): the resulting set must keep the rules above, or nothing
    is saved. Returns the components in order; unchanged values write no history."""
    _require_manager(by)
    with transaction.atomic():
        components = {c.pk: c for c in PerformanceComponent.objects.select_for_update().order_by("position", "pk")}
        ensure_history(PerformanceComponent, components.values())
        unknown = sorted(set(changes) - set(components))
        if unknown:
            raise ValidationError({"components": _("No component with id %(id)s.") % {"id": unknown[0]}})
        changed = []
        for pk, values in changes.items():
            component = components[pk]
            dirty = False
            for name, value in _clean_change(component, values).items():
                if getattr(component, name) != value:
                    setattr(component, name, value)
                    dirty = True
            if dirty:
                changed.append(component)
        errors = component_rules(components.values())
        if errors:
            raise ValidationError(errors)
        for component in changed:
            _save(component, by=by, reason="edited")
    return list(components.values())


def performance_component_create(
    *,
    code: str,
    name: str,
    source: str,
    by,
    weight: int = 0,
    active: bool = False,
    target_seconds: int | None = None,
) -> PerformanceComponent:
    """A new component — typically another figure imported from elsewhere (sales, training
    hours…). It starts inactive with weight 0 unless told otherwise; activating it means
    rebalancing the weights (`performance_components_update`)."""
    _require_manager(by)
    code = (code or "").strip().lower()
    if source not in ComponentSource.values:
        raise ValidationError({"source": _("Unknown source '%(s)s'.") % {"s": source}})
    with transaction.atomic():
        if PerformanceComponent.objects.filter(code=code).exists():
            raise ValidationError({"code": _("A component with code '%(code)s' exists.") % {"code": code}})
        position = 1 + max(PerformanceComponent.objects.values_list("position", flat=True), default=0)
        component = PerformanceComponent(
            code=code,
            name=(name or "").strip(),
            source=source,
            weight=weight,
            active=active,
            target_seconds=target_seconds or None,
            position=position,
            qa_figure=qa_figure_of(PerformanceComponent.objects.all()),  # the center's one choice
        )
        errors = component_rules([*PerformanceComponent.objects.all(), component])
        if errors:
            raise ValidationError(errors)
        _save(component, by=by, reason="created")
    return component


# --- bonus bands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandInput:
    """One band as the settings page or an API submits it (`id` None: a new band)."""

    name: str
    min_score: Any
    multiplier: Any
    id: int | None = None


def _decimal(value, places: int) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number.as_tuple().exponent < -places:
        return None
    return number


def band_rules(bands: Iterable[BandInput]) -> dict[str, list[str]]:
    """{field: [reason]} for a whole set of bands; empty when the set may be saved."""
    bands = list(bands)
    errors: dict[str, list[str]] = {}

    def add(field: str, reason: str) -> None:
        if reason not in errors.get(field, []):
            errors.setdefault(field, []).append(reason)

    if not bands:
        add("bands", _("Keep at least one band."))
    floors: list[Decimal] = []
    for band in bands:
        if not (band.name or "").strip() or len(band.name.strip()) > 64:
            add("name", _("Every band needs a name (at most 64 characters)."))
        floor = _decimal(band.min_score, 1)
        if floor is None or not 0 <= floor <= 100:
            add("min_score", _("A band starts at a score from 0 to 100, with at most one decimal."))
        else:
            floors.append(floor)
        multiplier = _decimal(band.multiplier, 2)
        if multiplier is None or not 0 <= multiplier < 100:
            add("multiplier", _("A bonus multiplier is from 0 to 99.99, with at most two decimals."))
    for floor in sorted({f for f in floors if floors.count(f) > 1}):
        add("min_score", _("Two bands start at %(floor)s: each band needs its own floor.") % {"floor": floor})
    if bands and len(floors) == len(bands) and Decimal(0) not in floors:
        add("min_score", _("One band must start at 0, so that every score has a band."))
    return errors


def bonus_bands_replace(*, bands: list[BandInput], by) -> list[BonusBand]:
    """Make the bands exactly `bands`: existing ones (by id) are updated, new ones created,
    the rest deleted — all or nothing. Returns the bands, highest floor first."""
    _require_manager(by)
    errors = band_rules(bands)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {b.pk: b for b in BonusBand.objects.select_for_update()}
        unknown = [b.id for b in bands if b.id is not None and b.id not in existing]
        if unknown:
            raise ValidationError({"bands": _("No band with id %(id)s.") % {"id": unknown[0]}})
        ensure_history(BonusBand, existing.values())
        kept = {b.id for b in bands if b.id is not None}
        for pk, band in existing.items():
            if pk not in kept:
                band._history_user = by
                band._change_reason = "deleted"
                band.delete()
        updates, creates = [], []
        for given in bands:
            values = {
                "name": given.name.strip(),
                "min_score": _decimal(given.min_score, 1),
                "multiplier": _decimal(given.multiplier, 2),
            }
            if given.id is None:
                creates.append(BonusBand(**values))
                continue
            band = existing[given.id]
            if any(getattr(band, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(band, k, v)
                updates.append(band)
        # Floors must stay unique at every step: park the moving ones out of range first
        # (no history for the parking), then write the final values.
        moving = [b.pk for b in updates]
        for i, pk in enumerate(moving):
            BonusBand.objects.filter(pk=pk).update(min_score=Decimal(-1 - i))
        for band in updates:
            _save(band, by=by, reason="edited")
        for band in creates:
            _save(band, by=by, reason="created")
    return list(BonusBand.objects.order_by("-min_score"))
