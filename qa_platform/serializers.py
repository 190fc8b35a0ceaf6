"""The base of the API's input serializers.

A well-formed request that names something that does not exist — a call you may not see, a user,
a line of business — is refused with 404 and the field's reason (`{"call": ["There is no call 9
that you may evaluate."]}`), as an object outside your scope is a 404 everywhere (DESIGN.md §1):
the request was not malformed, the thing it points at is not there. Everything else a serializer
refuses stays a 400 `{field: [reason]}`.
"""

from __future__ import annotations

from rest_framework import exceptions, serializers

from .errors import NON_FIELD

# DRF's codes for a reference that names nothing (PrimaryKeyRelatedField, SlugRelatedField).
MISSING_CODES = frozenset({"does_not_exist"})


def _codes(errors) -> set[str]:
    if isinstance(errors, dict):
        return set().union(*(_codes(e) for e in errors.values())) if errors else set()
    if isinstance(errors, list):
        return set().union(*(_codes(e) for e in errors)) if errors else set()
    return {getattr(errors, "code", None)}


class InputSerializer(serializers.Serializer):
    """Refuses with {field: [reason]}, a nested field by its path (`lines_of_business.0`)."""

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        valid = super().is_valid(raise_exception=False)
        if not valid and raise_exception:
            errors = errors_by_path(self.errors)
            if _codes(self.errors) <= MISSING_CODES:
                raise exceptions.NotFound(errors)
            raise exceptions.ValidationError(errors)
        return valid


def errors_by_path(errors, path: str = "") -> dict[str, list[str]]:
    """DRF's nested errors ({"sections": [{}, {"criteria": [{"points": [...]}]}]}) keyed by path
    ({"sections.1.criteria.0.points": [...]}), as the scorecard builder shows them; an error about a
    whole object or list (DRF's non_field_errors) is under that object's own path."""
    out: dict[str, list[str]] = {}

    def add(key: str, reasons: list[str]) -> None:
        out.setdefault(key or NON_FIELD, []).extend(reasons)

    if isinstance(errors, dict):
        for key, value in errors.items():
            sub = path if key == NON_FIELD else (f"{path}.{key}" if path else str(key))
            for name, reasons in errors_by_path(value, sub).items():
                add(name, reasons)
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        add(path, [str(e) for e in errors])
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if value:
                for name, reasons in errors_by_path(value, f"{path}.{i}" if path else str(i)).items():
                    add(name, reasons)
    else:
        add(path, [str(errors)])
    return out


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField also takes 0 or 1.5 and reads them as "0", "1.5",
    which the schema (a string) says is refused."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictRegexField(serializers.RegexField):
    """RegexField, text only (see StrictCharField); its maximum length holds for the text as
    sent, before the surrounding spaces are trimmed, as the schema's maxLength says."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A number, and only a number: DRF's FloatField also takes false (0.0) and "1.5", which the
    schema (a number) says is refused. A form post (the browsable API) may send the number as text."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str):
            request = self.context.get("request") if hasattr(self, "context") else None
            if request is None or "json" in (request.content_type or ""):
                self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, and only those: DRF's BooleanField also takes 0, 1, "yes" and "on", which
    the schema (a boolean) says is refused. A form post (the browsable API), which has only text,
    may say "true" or "false"."""

    FORM_VALUES = {"true": True, "false": False}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        request = self.context.get("request")
        is_form = request is not None and "json" not in (request.content_type or "")
        if is_form and isinstance(data, str) and data.lower() in self.FORM_VALUES:
            return self.FORM_VALUES[data.lower()]
        self.fail("invalid", input=data)
