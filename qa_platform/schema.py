"""What every operation of the OpenAPI schema (/api/schema/) says about its refusals, added once.

drf-spectacular documents what each view declares; the answers that come from the project's one
error path (`qa_platform.errors.api_exception_handler`) and from DRF itself are the same for
every view, so they are written here, as SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]:

- 403 ``{"detail": …}`` on every authenticated operation: no session or token, a bad token, or a
  role that may not use it (SessionAuthentication comes first, so DRF answers 403, never 401);
- 404 ``{"detail": …}`` where a path names an object (outside your scope it does not exist) and
  on every paginated list (a page past the end);
- 400 ``{field: [reason]}`` wherever a request body or a query parameter can be refused;
- 415 ``{"detail": …}`` and, in every 400, ``{"detail": …}`` too: a body DRF cannot parse;
- request bodies in JSON only where the view takes JSON: the form encodings DRF also parses are
  there for the browsable API, and cannot carry the nested lists the bodies hold;
- an optional query parameter sent empty is no filter (`allowEmptyValue`), pages start at 1,
  a path id is an integer.

A view that documents its own answer for a status keeps it. `AutoSchema` (DEFAULT_SCHEMA_CLASS)
adds what drf-spectacular leaves out of request bodies; `refusal()` and `missing()` are for the
views' own `extend_schema(responses=…)`; the patterns below are the parsers' rules as the schema
writes them.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from drf_spectacular.plumbing import is_list_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

# A month (2026-11) and an ISO week (2026-W46) as the parsers read them (monitoring.selectors.month_or_none,
# planning.periods.parse_iso_week): the years 2000-2100. Week 53 exists only in some years, so the
# pattern stops at 52 and the descriptions say so.
MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0?[1-9]|1[0-2])$"
WEEK_PATTERN = r"^(20[0-9]{2}|2100)-?[Ww](0?[1-9]|[1-4][0-9]|5[0-2])$"

# Text with something besides the whitespace that Python's str.strip() (DRF's trim_whitespace, the
# services' .strip()) removes: a required text field left blank by it is refused.
NOT_BLANK = r"[^\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"

# One line of text as the ingest reads it (monitoring.ingest): surrounding whitespace is stripped,
# then no control character may remain. SINGLE_LINE may be blank, SINGLE_LINE_REQUIRED may not.
_WS = r"[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_SHOWN = r"[^\x00-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_INNER = rf"{_SHOWN}(?:[^\x00-\x1f]*{_SHOWN})?"
SINGLE_LINE = rf"^{_WS}*(?:{_INNER})?{_WS}*$"
SINGLE_LINE_REQUIRED = rf"^{_WS}*{_INNER}{_WS}*$"

ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
JSON = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal with one message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        'Each refused field with its reasons, e.g. {"to": ["There is no user ghost."]}; a reason that '
        "belongs to no single field is under non_field_errors, a nested input by its path "
        "(sections.0.criteria.1.points)."
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

FORBIDDEN = "Not logged in (no session, no token or a bad token), or your role may not do this."
NOT_FOUND_OBJECT = "No such object that you may see (an object outside your scope does not exist for you)."
NOT_FOUND_PAGE = "A page past the end of the list."
BAD_REQUEST = 'Refused input: each field with its reasons; a body that is not JSON: {"detail": …}.'
UNSUPPORTED = "A body in a media type this operation does not read."


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _add(responses: dict, status: str, answer: dict) -> None:
    """Fill in `status` unless the view documented it; a bare description gets the body."""
    current = responses.get(status)
    if current is None:
        responses[status] = answer
    elif "content" not in current:
        current["content"] = answer["content"]
        current["description"] = current.get("description") or answer["description"]


def _json_only(body: dict) -> None:
    content = body.get("content", {})
    if JSON in content:
        for media_type in FORM_TYPES:
            content.pop(media_type, None)


def _required_when_every_shape_is(body: dict, schemas: dict) -> None:
    """drf-spectacular calls a body of one of several shapes (`oneOf`) optional; it is required
    when every shape has required fields."""
    if body.get("required"):
        return
    for media in body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        shapes = schemas.get(ref.rsplit("/", 1)[-1], {}).get("oneOf")
        resolved = [schemas.get(s.get("$ref", "").rsplit("/", 1)[-1], s) for s in shapes or []]
        if resolved and all(s.get("required") for s in resolved):
            body["required"] = True


def _id_is_an_integer(parameter: dict) -> None:
    """drf-spectacular writes a path id with a `lookup_value_regex` as a string of digits; it is an
    object's id, an integer (1 … 2^63 - 1, the bigint keys)."""
    schema = parameter.get("schema", {})
    if parameter.get("in") == "path" and schema.get("type") == "string" and schema.get("pattern") == f"^{LOOKUP_ID}$":
        parameter["schema"] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}


def _empty_is_absent(parameter: dict) -> None:
    """An optional query parameter sent empty (`?team=`) is no filter: django-filter, the
    paginator and the views' own parameters all read it so. Pages start at 1."""
    if parameter.get("in") != "query" or parameter.get("required"):
        return
    parameter["allowEmptyValue"] = True
    if parameter.get("name") == "page":
        parameter.setdefault("schema", {}).setdefault("minimum", 1)


def _also_unreadable(answer: dict) -> None:
    """A body that is not JSON at all is refused by DRF's parser with `{"detail": …}`, whatever
    the view's own 400 looks like."""
    content = answer.setdefault("content", {}).setdefault(JSON, {})
    schema = content.get("schema")
    if schema is None:
        content["schema"] = _ref(FIELD_ERRORS)
        schema = content["schema"]
    shapes = schema.get("anyOf", [schema])
    if _ref(ERROR) not in shapes:
        content["schema"] = {"anyOf": [*shapes, _ref(ERROR)]}


def _refusable_query(parameter: dict) -> bool:
    """A filter can refuse its value; a page past the end is a 404 and an unknown ordering is ignored."""
    return parameter.get("in") == "query" and parameter.get("name") not in ("page", "ordering")


def document_refusals(result, generator, request, public):
    """POSTPROCESSING_HOOK: the shared refusals on every operation (see the module docstring)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR, ERROR_SCHEMA)
    schemas.setdefault(FIELD_ERRORS, FIELD_ERRORS_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "put", "patch", "post", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if "requestBody" in operation:
                _json_only(operation["requestBody"])
                _required_when_every_shape_is(operation["requestBody"], schemas)
            for parameter in parameters:
                _empty_is_absent(parameter)
                _id_is_an_integer(parameter)
            security = operation.get("security", [])
            if security and {} not in security:
                _add(responses, "403", _answer(FORBIDDEN, ERROR))
            if any(p.get("in") == "path" for p in parameters):
                _add(responses, "404", _answer(NOT_FOUND_OBJECT, ERROR))
            elif any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
                _add(responses, "404", _answer(NOT_FOUND_PAGE, ERROR))
            if "requestBody" in operation or any(_refusable_query(p) for p in parameters):
                _add(responses, "400", _answer(BAD_REQUEST, FIELD_ERRORS))
            if "requestBody" in operation:
                _also_unreadable(responses["400"])
                _add(responses, "415", _answer(UNSUPPORTED, ERROR))
    return result


class AutoSchema(openapi.AutoSchema):
    """REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS: drf-spectacular's, plus two rules DRF enforces and
    drf-spectacular leaves out of request bodies:

    - a required text field is trimmed before it is checked, so "   " is blank: `pattern` NOT_BLANK;
    - the bounds of a list body (`Serializer(many=True, min_length=1, max_length=5000)`):
      minItems / maxItems.
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and "format" not in schema
            and field.trim_whitespace
            and not field.allow_blank
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            schema["pattern"] = NOT_BLANK
        return schema

    def _unwrap_list_serializer(self, serializer, direction):
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema is not None and is_list_serializer(serializer):
            if getattr(serializer, "min_length", None) is not None:
                schema["minItems"] = serializer.min_length
            if getattr(serializer, "max_length", None) is not None:
                schema["maxItems"] = serializer.max_length
        return schema


# Every viewset's `lookup_value_regex`: an object's id in a URL is digits, so anything else
# (`/scorecard-versions/null,null/publish/`) is a 404 from the URL resolver, never a lookup that
# fails on a non-number; the schema types those path parameters as integers.
LOOKUP_ID = r"[0-9]+"


# --- for the views' own extend_schema ------------------------------------------------------------------

ERROR_REF = _ref(ERROR)
FIELD_ERRORS_REF = _ref(FIELD_ERRORS)


def refusal(description: str, *, fields: bool = False, detail: bool = True) -> OpenApiResponse:
    """An error answer for `extend_schema(responses=…)`: `{"detail": …}`, `{field: [reason]}` or
    either (the components are added by `document_refusals`)."""
    shapes = [ERROR_REF] if detail else []
    shapes += [FIELD_ERRORS_REF] if fields else []
    return OpenApiResponse(shapes[0] if len(shapes) == 1 else {"oneOf": shapes}, description=description)


def missing(what: str) -> OpenApiResponse:
    """404 for an input that names an object that does not exist or that you may not see
    (`qa_platform.serializers.InputSerializer`): the field with its reason, as a 400 would."""
    return refusal(f"{what} (the field with its reason).", fields=True)
