"""The performance score's settings page (/performance/settings/): managers and admins change
the components (weight, target, active), add one, and edit the bonus bands; every change goes
through `services.performance` and lands in the history shown at the bottom of the page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qa_platform.errors import page_errors
from qa_platform.permissions import role_required

from ..forms import BandFormSet, ComponentFormSet, NewComponentForm, band_initial
from ..models import BonusBand, PerformanceComponent
from ..permissions import PERFORMANCE_SETTINGS_ROLES
from ..selectors.performance import qa_average_label, qa_figure_of, settings_history
from ..services import performance as services

COMPONENTS, BANDS, NEW = "components", "bands", "new"


def _components():
    return list(PerformanceComponent.objects.order_by("position", "pk"))


def _render(request, *, components, component_formset=None, band_formset=None, new_form=None, status=200):
    bands = list(BonusBand.objects.order_by("-min_score"))
    component_formset = component_formset or ComponentFormSet(prefix=COMPONENTS, components=components)
    rows = list(zip(components, component_formset.forms, strict=False))
    return render(
        request,
        "reports/performance_settings.html",
        {
            "component_formset": component_formset,
            "component_rows": rows,
            "active_weight": sum(c.weight for c in components if c.active),
            "qa_average_label": qa_average_label(qa_figure_of(components)),
            "band_formset": band_formset or BandFormSet(prefix=BANDS, initial=band_initial(bands)),
            "new_form": new_form or NewComponentForm(prefix=NEW),
            "history": settings_history(),
        },
        status=status,
    )


@role_required(*PERFORMANCE_SETTINGS_ROLES)
@require_http_methods(["GET", "POST"])
def performance_settings(request):
    components = _components()
    if request.method == "GET":
        return _render(request, components=components)
    part = request.POST.get("part")
    if part == COMPONENTS:
        formset = ComponentFormSet(request.POST, prefix=COMPONENTS, components=components)
        if formset.is_valid():
            with page_errors(request) as outcome:
                services.performance_components_update(changes=formset.changes(), by=request.user)
            if not outcome.failed:
                messages.success(request, _("Components saved."))
                return redirect("performance-settings")
            return _render(request, components=_components(), component_formset=formset, status=outcome.status)
        return _render(request, components=components, component_formset=formset, status=400)
    if part == BANDS:
        formset = BandFormSet(request.POST, prefix=BANDS)
        if formset.is_valid():
            with page_errors(request) as outcome:
                services.bonus_bands_replace(bands=formset.bands(), by=request.user)
            if not outcome.failed:
                messages.success(request, _("Bonus bands saved."))
                return redirect("performance-settings")
            return _render(request, components=components, band_formset=formset, status=outcome.status)
        return _render(request, components=components, band_formset=formset, status=400)
    if part == NEW:
        form = NewComponentForm(request.POST, prefix=NEW)
        if form.is_valid():
            with page_errors(request, form=form) as outcome:
                component = services.performance_component_create(**form.cleaned_data, by=request.user)
            if not outcome.failed:
                messages.success(
                    request,
                    _("%(name)s added, inactive with weight 0: give it a weight and rebalance the others to use it.")
                    % {"name": component.name},
                )
                return redirect("performance-settings")
            return _render(request, components=components, new_form=form, status=outcome.status)
        return _render(request, components=components, new_form=form, status=400)
    messages.error(request, _("Nothing to save."))
    return _render(request, components=components, status=400)
