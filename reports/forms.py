"""Forms of the performance settings, HR export and appraisal policy pages.

The settings formsets check the whole set with the services' own rules
(`services.performance.component_rules` / `band_rules`), so the page shows the same reasons the
service would raise, next to the table they concern; the service checks again before saving.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.selectors import month_or_none

from .export import FORMATS
from .models import AppraisalPolicy, ComponentSource, QAFigure
from .services.appraisal import EDITABLE as APPRAISAL_POLICY_FIELDS
from .services.performance import BandInput, band_rules, component_rules


class MonthField(forms.CharField):
    """YYYY-MM → Period."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Month"))
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-11"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        period = month_or_none(value)
        if period is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-11."), code="invalid")
        return period


class ExportForm(forms.Form):
    month = MonthField()
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS if f != "json"])


class ComponentForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=0, max_value=100)
    target_seconds = forms.IntegerField(label=_("Target (seconds)"), min_value=1, max_value=86_400, required=False)
    active = forms.BooleanField(label=_("Active"), required=False)
    qa_figure = forms.ChoiceField(label=_("QA figure"), choices=QAFigure.choices, required=False)

    def __init__(self, *args, component=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.component = component
        for name in ("weight", "target_seconds"):
            self.fields[name].widget.attrs.update({"class": "num-input", "inputmode": "numeric"})
        if component is not None and component.source not in (ComponentSource.HANDLE_TIME, ComponentSource.ACW):
            self.fields["target_seconds"].disabled = True
        if component is not None and component.source != ComponentSource.QA:
            self.fields["qa_figure"].disabled = True


class BaseComponentFormSet(forms.BaseFormSet):
    def __init__(self, *args, components=(), **kwargs):
        self.components = list(components)
        kwargs.setdefault(
            "initial",
            [
                {
                    "id": c.pk,
                    "weight": c.weight,
                    "target_seconds": c.target_seconds,
                    "active": c.active,
                    "qa_figure": c.qa_figure,
                }
                for c in self.components
            ],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["component"] = self.components[index] if index is not None and index < len(self.components) else None
        return kwargs

    def changes(self) -> dict[int, dict]:
        """{component id: {weight, target_seconds, active, qa_figure}} for the service (the
        QA figure of QA components only; a QA row posted without one keeps its figure)."""
        out = {}
        for form in self.forms:
            data = form.cleaned_data
            values = {"weight": data["weight"], "active": data["active"]}
            if not form.fields["target_seconds"].disabled:
                values["target_seconds"] = data.get("target_seconds")
            if not form.fields["qa_figure"].disabled and data.get("qa_figure"):
                values["qa_figure"] = data["qa_figure"]
            out[data["id"]] = values
        return out

    def clean(self):
        if any(self.errors):
            return
        by_id = {c.pk: c for c in self.components}
        proposed = []
        for form in self.forms:
            component = by_id.get(form.cleaned_data["id"])
            if component is None:
                raise forms.ValidationError(_("The components changed in the meantime; reload the page."))
            values = self.changes()[component.pk]
            proposed.append(
                SimpleNamespace(
                    code=component.code,
                    name=component.name,
                    source=component.source,
                    weight=values["weight"],
                    target_seconds=values.get("target_seconds", component.target_seconds),
                    active=values["active"],
                    qa_figure=values.get("qa_figure", component.qa_figure),
                )
            )
        errors = component_rules(proposed)
        if errors:
            raise forms.ValidationError([reason for reasons in errors.values() for reason in reasons])


ComponentFormSet = forms.formset_factory(ComponentForm, formset=BaseComponentFormSet, extra=0)


class NewComponentForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=_("Used in import files, e.g. sales."))
    name = forms.CharField(label=_("Name"), max_length=100)
    source = forms.ChoiceField(label=_("Source"), choices=ComponentSource.choices, initial=ComponentSource.IMPORTED)


class BandForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=64)
    min_score = forms.DecimalField(label=_("From score"), min_value=0, max_value=100, decimal_places=1)
    multiplier = forms.DecimalField(label=_("Bonus multiplier"), min_value=0, max_value=99.99, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("min_score", "multiplier"):
            self.fields[name].widget.attrs.update({"class": "num-input", "inputmode": "decimal"})


class BaseBandFormSet(forms.BaseFormSet):
    def bands(self) -> list[BandInput]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            out.append(BandInput(data["name"], data["min_score"], data["multiplier"], data.get("id")))
        return out

    def clean(self):
        if any(self.errors):
            return
        errors = band_rules(self.bands())
        if errors:
            raise forms.ValidationError([reason for reasons in errors.values() for reason in reasons])


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=1, can_delete=True)


def band_initial(bands) -> list[dict]:
    return [{"id": b.pk, "name": b.name, "min_score": b.min_score, "multiplier": b.multiplier} for b in bands]


class AppraisalPolicyForm(forms.ModelForm):
    """The appraisal policy page's form: the model's own validation (weights 0–100 adding up to
    100, positive thresholds) shows next to the fields; `services.appraisal` saves it."""

    class Meta:
        model = AppraisalPolicy
        fields = APPRAISAL_POLICY_FIELDS

    @property
    def weight_fields(self):
        return [self[name] for name in APPRAISAL_POLICY_FIELDS if name.startswith("weight_")]

    @property
    def threshold_fields(self):
        return [self[name] for name in APPRAISAL_POLICY_FIELDS if not name.startswith("weight_")]

    @property
    def weight_total(self) -> int | None:
        """What the weights as entered add up to (shown beside the rule), None if one is not a number."""
        try:
            return sum(int(self[name].value()) for name in APPRAISAL_POLICY_FIELDS if name.startswith("weight_"))
        except (TypeError, ValueError):
            return None
