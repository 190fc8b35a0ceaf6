"""Filters of the API's lists (and the pages that share a FilterSet), strict where django-filter is
lenient, and documented in the OpenAPI schema as strictly as they refuse.

django-filter, left to itself, ignores a boolean it cannot read (`?active=banana` lists
everything) and refuses an id that names nothing with a 400 "Select a valid choice", so a client
cannot tell a typo from a filter that matched, and "list the teams of site 7" fails once site 7 is
gone. Here:

- `StrictBooleanFilter`: true / false / 1 / 0 (any case); anything else is a 400 on the field;
- `IntegerFilter`: a whole number (1.5 is a 400, not 1);
- `IdFilter`: an object's id, a whole number 1 … 2^63 - 1 (else a 400); an id that names nothing
  matches nothing (200, an empty list), as a lookup on any other value does;
- `KnownChoiceFilter`: a ModelChoiceFilter (a select on the pages) with the same rule;
- `DateTimeFilter`: any ISO 8601 date-time, compared in UTC (PostgreSQL refuses far offsets);
- an empty value (`?team=`) is no filter, as everywhere in django-filter: the schema says so
  with `allowEmptyValue`.

`FilterBackend` (REST_FRAMEWORK's DEFAULT_FILTER_BACKENDS) builds the FilterSets of
`filterset_fields` with these for booleans and foreign keys. `FilterSchema` documents every filter's
bounds (min_value / max_value / max_length) and these filters' types.
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The largest id a bigint primary key holds (monitoring.models.MAX_ID; qa_platform imports no app).
MAX_ID = 2**63 - 1
TRUE_VALUES = ("true", "1")
FALSE_VALUES = ("false", "0")


class NothingMatches:
    """A filter value that names no object: the filter matches nothing."""


NOTHING = NothingMatches()


class StrictBooleanField(forms.Field):
    # On a page it is a choice of yes / no / either (the values the API documents).
    widget = forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))])
    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT64)
class IntegerFilter(django_filters.Filter):
    """A whole number (django-filter's NumberFilter also takes 1.5 and truncates it)."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """`field_name` (a foreign key or an id column) is this id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class KnownChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose well-formed value that names no object is `NOTHING`, not an error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code == "invalid_choice" and self._well_formed(value):
                return NOTHING
            raise

    def _well_formed(self, value) -> bool:
        meta = self.queryset.model._meta
        field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        try:
            field.to_python(value)
        except (forms.ValidationError, ValueError, TypeError):
            return False
        return True


class KnownChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = KnownChoiceField

    def filter(self, qs, value):
        if value is NOTHING:
            return qs.none()
        return super().filter(qs, value)


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time compared in UTC: PostgreSQL refuses offsets past ±15:59, which ISO
    8601 (and Python) allow (`2026-11-16T09:00-20:17`). A bound beyond what a date-time holds in
    UTC (year 1 at +14:00) is the earliest or latest one."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:
                value = (dt.datetime.min if value.year == dt.MINYEAR else dt.datetime.max).replace(tzinfo=dt.UTC)
        return super().filter(qs, value)


FILTER_DEFAULTS = deepcopy(RestFilterSet.FILTER_DEFAULTS)
FILTER_DEFAULTS.update(
    {
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }
)


class FilterSet(RestFilterSet):
    """The base of the FilterSets `filterset_fields` builds."""

    FILTER_DEFAULTS = FILTER_DEFAULTS


class FilterBackend(DjangoFilterBackend):
    filterset_base = FilterSet


# --- the schema ---------------------------------------------------------------------------------

BOUNDS = {"min_value": "minimum", "max_value": "maximum", "max_length": "maxLength", "min_length": "minLength"}


class FilterSchema(DjangoFilterExtension):
    """drf-spectacular's django-filter support, plus each filter's bounds (the types of the filters
    above come from their `extend_schema_field`)."""

    target_class = "qa_platform.filters.FilterBackend"
    priority = 1

    match_subclasses = True

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter.setdefault("schema", {})
            help_text = filter_field.extra.get("help_text")
            if help_text and not parameter.get("description"):
                parameter["description"] = str(help_text)
            for name, keyword in BOUNDS.items():
                if filter_field.extra.get(name) is not None:
                    schema[keyword] = filter_field.extra[name]
        return parameters
