"""The character set of a call's key, `(source, external_id)` — the one rule the model fields,
the REST bulk upsert, the CSV import (command and page) and the admin all use.

A key is ASCII letters and digits and `. _ - : @ # +`, starting with a letter or a digit:
enough for what telephony systems send ("CALL-2026-000123", "genesys:3f2a…", UUIDs, Avaya UCIDs,
"a84b4c76e667@pbx.example.com"), and nothing that could break out of where the key is written:
no slash or backslash (recording file names), no quote, semicolon, space or control character
(HTTP headers such as Content-Disposition), and no leading = + - @ (spreadsheet formulas).
The length limit is the model field's own (source 32, external id 64).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# \A…\Z, not ^…$: "$" also matches before a trailing newline.
CALL_KEY_PATTERN = r"\A[A-Za-z0-9][A-Za-z0-9._:@#+-]*\Z"
# The same pattern as JSON Schema / OpenAPI write it (no \A, \Z there).
CALL_KEY_SCHEMA_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@#+-]*$"


ALLOWED_PUNCTUATION = "._:@#+-"


def _allowed(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ALLOWED_PUNCTUATION)


def _describe(ch: str) -> str:
    if ch == " ":
        return str(_("a space"))
    if not ch.isprintable() or ch.isspace():
        return str(_("a control character or line break"))
    return f"“{ch}”"


@deconstructible
class CallKeyValidator(RegexValidator):
    """The key's character set; the refusal names the first character that breaks it."""

    regex = CALL_KEY_PATTERN
    code = "invalid_call_key"
    message = _("Use only letters A–Z, digits and . _ - : @ # +, starting with a letter or a digit.")

    def __call__(self, value) -> None:
        value = str(value)
        if self.regex.search(value):
            return
        bad = next((ch for ch in value if not _allowed(ch)), None)
        if bad is not None:
            reason = _("%(char)s is not allowed. %(rule)s")
            params = {"char": _describe(bad), "rule": self.message}
        elif value:
            reason = _("Starts with “%(char)s”. %(rule)s")
            params = {"char": value[0], "rule": self.message}
        else:
            reason, params = self.message, {}
        raise ValidationError(reason, code=self.code, params=params)


validate_call_key = CallKeyValidator()
