"""A center's settings held in one row (pk 1) with history — the calibration policy, the
training-need thresholds: changed the same way, whichever app owns the row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext as _


def update_settings_row(model: type[models.Model], *, by, values: dict[str, Any], fields: tuple[str, ...]):
    """Change some of the row's `fields` to `values`, as `by` (who the caller has checked).
    ValidationError ({field: [reasons]}) and nothing saved when a name is not one of `fields`
    or a value breaks its rule (the model's validators and constraints); values equal to the
    current ones change nothing and write no history."""
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValidationError({name: _("This setting cannot be changed here.") for name in unknown})
    with transaction.atomic():
        model.current()
        row = model.objects.select_for_update().get(pk=1)
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        row.full_clean()
        row._history_user = by
        row.save()
    return row


class SettingsRowForm(forms.ModelForm):
    """A settings row's page form: each number input carries the model's limits (min, max), so
    a browser's spinner stays within them; fractions step by 0.01."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.BooleanField):
                continue
            for validator in self._meta.model._meta.get_field(name).validators:
                limit = getattr(validator, "limit_value", None)
                if isinstance(validator, MinValueValidator):
                    field.widget.attrs["min"] = limit
                elif isinstance(validator, MaxValueValidator):
                    field.widget.attrs["max"] = limit
            if isinstance(field, forms.FloatField):
                field.widget.attrs["step"] = "0.01"
            field.widget.attrs.setdefault("class", "num-input")


HISTORY_SHOWN = 20


def _shown(value):
    return (_("yes") if value else _("no")) if isinstance(value, bool) else value


def settings_row_history(
    model: type[models.Model],
    fields,
    limit: int = HISTORY_SHOWN,
    *,
    records=None,
    shown=None,
    extra=None,
) -> list[dict]:
    """The row's latest saves, newest first: who, when, each setting's old → new value
    (templates/settings_history.html). A bounded number of queries.

    `records` narrows the history (a row per line rather than the center's one row); `shown(field,
    value)` words a value (default: yes / no for booleans); `extra(record)` adds keys to each entry."""
    if records is None:
        records = model.history.all()
    records = records.select_related("history_user").order_by("-history_date", "-history_id")
    out = []
    for record in records[:limit]:
        previous = record.prev_record if record.history_type == "~" else None
        delta = record.diff_against(previous, included_fields=list(fields)) if previous else None
        changes = [
            {
                "label": str(model._meta.get_field(c.field).verbose_name),
                "field": c.field,
                "old": shown(c.field, c.old) if shown else _shown(c.old),
                "new": shown(c.field, c.new) if shown else _shown(c.new),
            }
            for c in (delta.changes if delta else [])
        ]
        entry = {
            "when": record.history_date,
            "who": record.history_user,
            "type": record.history_type,
            "changes": changes,
        }
        out.append({**entry, **(extra(record) if extra else {})})
    return out
