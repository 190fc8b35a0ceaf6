"""One error path for every surface (DESIGN.md §7, STYLE.md "Web and API").

Services raise:
- django's `ValidationError` for bad input ({field: [reason]}),
- `PermissionDenied` for the wrong person,
- `IllegalTransition` for a step the object's state does not allow,
- and a unique constraint may raise `IntegrityError` when two requests race.

The API turns them into responses once, in `api_exception_handler` (REST_FRAMEWORK's
EXCEPTION_HANDLER): 400 `{field: [reason]}` (a message with no field under
"non_field_errors"), 403, 409. Pages do the same with `page_errors`, which puts each reason
under its form field or in a message and says which status to render with. No view writes its
own try/except around a service.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

NON_FIELD = "non_field_errors"
logger = logging.getLogger(__name__)


class IllegalTransition(Exception):
    """The object's state does not allow this step (HTTP 409).

    `details` are machine-readable facts the API answers beside "detail" (e.g. which existing
    object is in the way: `{"existing_evaluation": {"id": 12, ...}}`)."""

    def __init__(self, message: str, *, details: dict | None = None):
        self.message = message
        self.details = details or {}
        super().__init__(message)


class MissingReference(DjangoValidationError):
    """Input that names something that does not exist, or that the user may not see (a criterion
    not on this scorecard…): a ValidationError, which pages show as one, that the API answers with
    404 and the same {field: [reason]} body: an object outside your scope is a 404."""


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def race_message() -> str:
    return _("This changed in the meantime; look again and retry.")


def is_lost_race(exc: IntegrityError) -> bool:
    """A unique constraint refused the write: two requests raced (a double click, two people at
    once) and nothing was written. Any other integrity failure (NOT NULL, a check constraint, a
    foreign key) is a bug, which must surface as one."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if sqlstate is not None:
        return sqlstate == "23505"  # PostgreSQL: unique_violation
    return "UNIQUE constraint failed" in str(exc)  # SQLite


def _race(exc: IntegrityError) -> None:
    """Re-raise an integrity failure that is not a lost race; log the race itself."""
    if not is_lost_race(exc):
        raise exc
    logger.info("unique constraint lost a race: %s", exc)


def reasons_by_field(exc: DjangoValidationError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """{field: [reason]}; a ValidationError without fields (or with Django's `__all__`) is filed
    under `non_field`."""
    if not hasattr(exc, "error_dict"):
        return {non_field: list(exc.messages)}
    out: dict[str, list[str]] = {}
    for name, reasons in exc.message_dict.items():
        out.setdefault(non_field if name == "__all__" else name, []).extend(reasons)
    return out


def api_exception_handler(exc, context):
    """DRF's handler, after translating the services' exceptions into DRF's."""
    details = {}
    if isinstance(exc, MissingReference):
        exc = exceptions.NotFound(reasons_by_field(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(reasons_by_field(exc))
    elif isinstance(exc, IllegalTransition):
        details = exc.details
        exc = Conflict(exc.message)
    elif isinstance(exc, IntegrityError) and is_lost_race(exc):
        # Nothing was written, and the client may look again. Other integrity errors stay 500s.
        logger.info("unique constraint lost a race: %s", exc)
        exc = Conflict(race_message())
    response = exception_handler(exc, context)
    if details and response is not None:
        response.data.update(details)
    return response


@dataclass
class PageOutcome:
    """What `page_errors` saw: `status` is None when the service succeeded."""

    status: int | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    # The reasons that were not put under a field, in order (also flashed, unless flash=False).
    reasons: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status is not None


@contextmanager
def page_errors(request, *, form=None, fields: tuple[str, ...] = (), flash: bool = True):
    """Run a service call from a page: a refusal becomes messages (or errors under the `form`'s
    fields, or kept in `outcome.field_errors` for the names in `fields`) and the status to render
    with — 403, 409 or 400 — instead of a 500. The reasons not under a field are kept in
    `outcome.reasons` too; `flash=False` keeps them there only (a fragment shows them itself).

        with page_errors(request, form=form) as outcome:
            services.something(...)
        if outcome.failed:
            return render(..., status=outcome.status)
    """
    outcome = PageOutcome()

    def say(reason: str) -> None:
        outcome.reasons.append(str(reason))
        if flash:
            messages.error(request, reason)

    try:
        yield outcome
    except PermissionDenied as exc:
        outcome.status = 403
        say(str(exc) or _("You may not do this."))
    except IllegalTransition as exc:
        outcome.status = 409
        # A conflict about one field (a name that is taken) is shown under it, like a 400's reason.
        on_form = {
            name: reasons
            for name, reasons in exc.details.items()
            if form is not None and name in form.fields and hasattr(form, "cleaned_data")
        }
        for name, reasons in on_form.items():
            for reason in reasons:
                form.add_error(name, reason)
        if not on_form:
            say(exc.message)
    except IntegrityError as exc:
        _race(exc)
        outcome.status = 409
        say(race_message())
    except DjangoValidationError as exc:
        outcome.status = 400
        for name, reasons in reasons_by_field(exc).items():
            # Only a bound, validated form can carry a field error; otherwise it is a message.
            if form is not None and name in form.fields and hasattr(form, "cleaned_data"):
                for reason in reasons:
                    form.add_error(name, reason)
            elif name in fields:
                outcome.field_errors.setdefault(name, []).extend(reasons)
            else:
                for reason in reasons:
                    say(reason)


def not_found(request, exception=None):
    """handler404: under /api/ a URL that names nothing (`/api/v1/calls/abc/`, an unknown route)
    is the API's JSON 404 `{"detail": …}`, as the schema says; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
