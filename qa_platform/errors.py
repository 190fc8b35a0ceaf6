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

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

NON_FIELD = "non_field_errors"


class IllegalTransition(Exception):
    """The object's state does not allow this step (HTTP 409)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def race_message() -> str:
    return _("This changed in the meantime; look again and retry.")


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
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(reasons_by_field(exc))
    elif isinstance(exc, IllegalTransition):
        exc = Conflict(exc.message)
    elif isinstance(exc, IntegrityError):
        # A unique constraint lost a race between two requests (a double click, two people at
        # once): nothing was written, and the client may look again.
        exc = Conflict(race_message())
    return exception_handler(exc, context)


@dataclass
class PageOutcome:
    """What `page_errors` saw: `status` is None when the service succeeded."""

    status: int | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status is not None


@contextmanager
def page_errors(request, *, form=None, fields: tuple[str, ...] = ()):
    """Run a service call from a page: a refusal becomes messages (or errors under the `form`'s
    fields, or kept in `outcome.field_errors` for the names in `fields`) and the status to render
    with — 403, 409 or 400 — instead of a 500.

        with page_errors(request, form=form) as outcome:
            services.something(...)
        if outcome.failed:
            return render(..., status=outcome.status)
    """
    outcome = PageOutcome()
    try:
        yield outcome
    except PermissionDenied as exc:
        outcome.status = 403
        messages.error(request, str(exc) or _("You may not do this."))
    except IllegalTransition as exc:
        outcome.status = 409
        messages.error(request, exc.message)
    except IntegrityError:
        outcome.status = 409
        messages.error(request, race_message())
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
                    messages.error(request, reason)
