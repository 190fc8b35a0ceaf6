from django import forms
from django.utils.translation import gettext_lazy as _

from . import encodings


class CallImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 (with or without a BOM) or GB18030/GBK, with a header row of field names. A file with any bad "
            "row imports nothing. external_id and source: letters A–Z, digits and . _ - : @ # +, starting with a "
            "letter or a digit."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("File encoding"),
        choices=encodings.CHOICES,
        initial=encodings.AUTO,
        required=False,  # a form posted without it (a script) has the file's encoding detected
        help_text=_("“Detect automatically” tries UTF-8, then GB18030 (which covers GBK and GB2312)."),
    )

    def clean(self):
        """The file as text in the chosen encoding, checked here so a file that does not decode
        is reported under the file field."""
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and "encoding" in cleaned:
            cleaned["encoding"] = cleaned["encoding"] or encodings.AUTO
            try:
                cleaned["text"] = encodings.open_text(upload.file, cleaned["encoding"], name=upload.name)
            except encodings.FileEncodingError as exc:
                self.add_error("file", str(exc))
        return cleaned
