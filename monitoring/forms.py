from django import forms
from django.utils.translation import gettext_lazy as _


class CallImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a header row of field names. A file with any bad row imports nothing. "
            "external_id and source: letters A–Z, digits and . _ - : @ # +, starting with a letter or a digit."
        ),
    )
