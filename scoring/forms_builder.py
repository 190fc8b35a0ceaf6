"""Forms for the scorecard pages (the builder itself saves JSON through the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import LineOfBusiness


class ScorecardCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
    )
    lines_of_business = forms.ModelMultipleChoiceField(
        label=_("Lines of business"),
        queryset=LineOfBusiness.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Calls of these lines are scored on this scorecard by default."),
    )
