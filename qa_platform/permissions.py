"""Shared permission helpers: role checks for views and the API.

Object scope (which agents and calls a user may see) lives in each app's selectors
(`monitoring.selectors.agents_visible_to`), so pages and API share one rule; an object outside
the scope is a 404, not a leak.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import has_role


def role_required(*roles: str):
    """View decorator: the user must be logged in and hold one of `roles` (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasRole(BasePermission):
    """DRF permission: `HasRole.of("manager", "admin")` builds a class for those roles."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and has_role(request.user, *self.roles))


class ReadOrWriteByRole(BasePermission):
    """DRF permission: `ReadOrWriteByRole.of(readers=…, writers=…, message=…)` lets `readers` use
    the safe methods (GET, HEAD, OPTIONS) and `writers` everything."""

    readers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()

    @classmethod
    def of(cls, name: str, *, readers, writers, message) -> type[ReadOrWriteByRole]:
        return type(name, (cls,), {"readers": tuple(readers), "writers": tuple(writers), "message": message})

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return has_role(user, *(self.readers if request.method in SAFE_METHODS else self.writers))
