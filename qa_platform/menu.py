"""The main navigation and the actions offered on a call's page, assembled from the apps.

Each app that has pages offers, in `<app>/navigation.py`:
- `items(user) -> list[NavItem]`: its menu entries, asking the app's own permissions.py who may
  see each page, so a menu entry and the page behind it answer the same rule;
- optionally `call_actions(user, call) -> list[NavItem]`: buttons for the call page (monitoring
  owns the page; scoring offers "Evaluate this call" by its own rule, without monitoring
  importing it);
- optionally `page_panels(user, obj, *, month=None) -> list[Panel]`: sections for a page that
  shows `obj` (an agent's or a team's page in monitoring; reports adds their QA picture), each a
  template and its context, which the page includes without knowing the app behind it.
The apps are found through Django's app registry (as the admin autodiscovers admin.py), so this
project package imports no app.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int
    args: tuple = field(default=())
    primary: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@cache
def _modules() -> tuple:
    found = []
    for config in apps.get_app_configs():
        try:
            found.append(importlib.import_module(f"{config.name}.navigation"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
    return tuple(found)


def _collect(hook: str, *args, **kwargs) -> list:
    out = [item for module in _modules() if hasattr(module, hook) for item in getattr(module, hook)(*args, **kwargs)]
    return sorted(out, key=lambda i: i.order)


@dataclass(frozen=True)
class Panel:
    """A section another app adds to a page: `{% include panel.template with panel=panel.context %}`."""

    template: str
    context: dict
    order: int


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return _collect("items", user)


def call_actions_for(user, call) -> list[NavItem]:
    """The buttons the call page offers `user` on `call` (each app's `call_actions`)."""
    return _collect("call_actions", user, call)


def page_panels_for(user, obj, *, month: str | None = None) -> list[Panel]:
    """The sections each app adds to the page of `obj` for `user` (each app's `page_panels`);
    `month` is the page's month ('2026-11') when it has one."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _collect("page_panels", user, obj, month=month)


def navigation(request):
    """Context processor: `nav_items`, the entries the requesting user may open, in order —
    computed only when a template shows the menu (not for fragments or the API)."""
    user = getattr(request, "user", None)
    return {"nav_items": SimpleLazyObject(lambda: items_for(user))}
