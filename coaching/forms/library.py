"""Forms of the call library's pages: marking a call from its evaluation, editing an entry, and
the list's filters. The moment is typed as seconds (75, 75.5) or as m:ss / h:mm:ss (1:15)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.models import Category, Criterion

from ..models import LibraryKind
from ..selectors.library import CURATED, PENDING
from ..services.library import MAX_OFFSET, format_offset

OFFSET_RE = re.compile(r"^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d+)?)\s*$")


def parse_offset(text: str) -> float | None:
    """'75' → 75.0; '1:15' → 75.0; '1:02:05' → 3725.0; '' → None. ValueError when unreadable
    (minutes or seconds past 59 after a colon are refused)."""
    text = (text or "").strip()
    if not text:
        return None
    match = OFFSET_RE.match(text)
    if not match:
        raise ValueError(text)
    first, second, last = match.groups()
    seconds = float(last.replace(",", "."))
    if first is None:
        return seconds
    if seconds >= 60:
        raise ValueError(text)
    if second is None:  # m:ss
        return int(first) * 60 + seconds
    if int(second) >= 60:  # h:mm:ss
        raise ValueError(text)
    return int(first) * 3600 + int(second) * 60 + seconds


class OffsetField(forms.Field):
    default_error_messages = {"invalid": _("Write the moment as seconds (75) or as minutes:seconds (1:15).")}
    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 16, "placeholder": "1:15"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (int, float)):
            return format_offset(value)
        return value

    def to_python(self, value):
        text = str(value or "")
        if len(text) > 16:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            seconds = parse_offset(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if seconds is not None and seconds > MAX_OFFSET:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return seconds


def _criterion_field(criteria: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("criterion"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("— none —")), *criteria],
        help_text=_("Optionally, the criterion of the scorecard this call shows best (or worst)."),
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LibraryKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("title"), max_length=160)
    note = forms.CharField(
        label=_("why it matters"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What a listener should notice, and why."),
    )
    time_offset = OffsetField(
        label=_("the moment"), help_text=_("Where the player starts: seconds (75) or minutes:seconds (1:15).")
    )
    category = forms.ChoiceField(
        label=_("category"),
        required=False,
        choices=[("", _("— from the criterion —")), *Category.choices],
    )

    def __init__(self, *args, criteria: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"] = _criterion_field(list(criteria))
        if not criteria:
            self.fields["criterion"].widget = forms.HiddenInput()

    def criterion_object(self) -> Criterion | None:
        pk = self.cleaned_data.get("criterion")
        return Criterion.objects.select_related("section").filter(pk=pk).first() if pk else None


class LibraryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("any")), *LibraryKind.choices])
    category = forms.ChoiceField(label=_("category"), required=False, choices=[("", _("any")), *Category.choices])
    criterion = forms.CharField(label=_("criterion"), required=False, max_length=100)
    q = forms.CharField(label=_("words"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("any")), (CURATED, _("in the library")), (PENDING, _("waiting for curation"))],
    )

    def __init__(self, *args, sees_pending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_pending:
            del self.fields["status"]
