"""Forms of the recognition pages: the settings and a kudos."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qa_platform.settings_rows import SettingsRowForm

from ..models import RecognitionPolicy
from ..services.recognition import MAX_MESSAGE, POLICY_FIELDS


class RecognitionPolicyForm(SettingsRowForm):
    """The settings page's fields; `services.recognition.recognition_policy_update` saves them."""

    class Meta:
        model = RecognitionPolicy
        fields = list(POLICY_FIELDS)


class KudosForm(forms.Form):
    message = forms.CharField(
        label=_("Kudos"),
        max_length=MAX_MESSAGE,
        widget=forms.TextInput(attrs={"placeholder": _("What was good about this call?")}),
    )
    for_library = forms.BooleanField(
        label=_("Suggest this call for the call library (a trainer curates it)"), required=False
    )

    def __init__(self, *args, library: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not library:
            del self.fields["for_library"]
