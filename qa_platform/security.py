"""Login throttling (django-axes) and the pieces the production settings point at.

Failed logins are counted per username and per client address (settings: AXES_*, from the
LOGIN_* variables) in the database, never in the cache: a lockout must hold when Redis is down,
and no login may wait on it. Both doors count: the login form and `POST /api/v1/auth/token/`.
A locked-out client gets a page (the form) or a 403 `{"detail": ...}` (the API), never a 500;
the lockout lifts by itself after the cool-off, or at once when an administrator deletes the
access attempt in the admin (or runs `manage.py axes_reset_username NAME`).
"""

from __future__ import annotations

import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.permissions import BasePermission

logger = logging.getLogger("qa_platform.security")


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its username or address is locked out; ModelBackend (after it in
    AUTHENTICATION_BACKENDS) checks the password.

    `authenticate()` without a request is not a web login (a management command, a shell, a
    test calling it directly): nobody can guess passwords through it, so it is not counted,
    rather than refused outright as axes' own backend does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: what a login attempt is counted against (AXES_CLIENT_IP_CALLABLE) and
    what the listen log records.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it saw to
    X-Forwarded-For, so the client is the entry that many places from the right; anything
    further left was written by the client and is not trusted. Without proxies (the default)
    it is REMOTE_ADDR: every client would otherwise look like the proxy and share one count."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest"


def lockout_message(request: HttpRequest, credentials: dict | None = None) -> str:
    cool_off = get_cool_off(request)
    if not cool_off:
        return _("Too many failed login attempts. Ask an administrator to release your login.")
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return ngettext(
        "Too many failed login attempts (%(limit)d). Logging in is paused for %(minutes)d minute after the last one; then try again, or ask an administrator to release your login.",
        "Too many failed login attempts (%(limit)d). Logging in is paused for %(minutes)d minutes after the last one; then try again, or ask an administrator to release your login.",
        minutes,
    ) % {"limit": get_failure_limit(request, credentials), "minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked-out login attempt gets back (AxesMiddleware calls it
    for the login form and the token endpoint alike)."""
    message = lockout_message(request, credentials)
    if is_api_request(request):
        # The API's error shape (qa_platform/errors.py): {"detail": reason}.
        return JsonResponse({"detail": message}, status=403)
    return render(request, "registration/locked_out.html", {"message": message}, status=403)


def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """axes' user_locked_out signal: one line an operator can act on (who, from where, which
    door). axes' own log lines mask the username and address."""
    logger.warning(
        "login locked out: username=%r ip=%s path=%s",
        username,
        ip_address,
        getattr(request, "path", None),
    )


class ApiDocsPermission(BasePermission):
    """Who may read the OpenAPI schema and the docs page (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]):
    a logged-in user, or anyone when API_DOCS_PUBLIC is on. Read at request time."""

    def has_permission(self, request, view) -> bool:
        return bool(settings.API_DOCS_PUBLIC or (request.user and request.user.is_authenticated))
