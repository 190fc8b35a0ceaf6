"""The main navigation and the actions offered on a call's page, assembled from the apps.

Each app that has pages offers, in `<app>/navigation.py`:
- `items(user) -> list[NavItem]`: its menu entries, asking the app's own permissions.py who may
  see each page, so a menu entry and the page behind it answer the same rule;
- optionally `call_actions(user, call) -> list[NavItem]`: buttons for the call page (monitoring
  owns the page; scoring offers "Evaluate this call" by its own rule, without monitoring
  importing it);
- optionally `page_panels(user, obj, *, month=None) -> list[Panel]`: sections for a page that
  shows `obj` (an agent's or a team's page in monitoring, or `monitoring.selectors.CENTER` on the
  overview and the team list; reports adds their QA picture), each a template and its context,
  which the page includes without knowing the app behind it;
- optionally `latest_month() -> str | None`: the latest month ('2026-11') the app's figures have
  data for (reports: the latest month with scored evaluations), where monitoring's month pages
  (the center overview, the teams) open when no month is asked for.
The apps are found through Django's app registry (as the admin autodiscovers admin.py), so this
project package imports no app.

The menu is grouped by task — work, people, coaching, quality, reports, settings — one dropdown per group
(templates/nav_items.html): each entry's group is `NavItem.group` when an app sets it, else
`GROUP_OF[url_name]`, else Work. A short menu (an agent's, HR's) is shown flat.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

WORK, PEOPLE, COACHING, QUALITY, REPORTS, SETTINGS = "work", "people", "coaching", "quality", "reports", "settings"
GROUPS = (
    (WORK, _("Work")),
    (PEOPLE, _("People")),
    (COACHING, _("Coaching")),
    (QUALITY, _("Quality")),
    (REPORTS, _("Reports")),
    (SETTINGS, _("Settings")),
)
# The group of each page the apps put in the menu, by URL name (an app may set NavItem.group
# instead); a page in neither goes under Work, where a new page most likely belongs.
GROUP_OF = {
    "work-queue": WORK,
    "quota-progress": WORK,
    "call-list": WORK,
    "evaluation-list": WORK,
    "dispute-list": WORK,
    "agent-detail": WORK,  # an agent's "My calls"
    "team-list": PEOPLE,
    "agent-list": PEOPLE,
    "people-agents": PEOPLE,
    "people-teams": PEOPLE,
    "people-accounts": PEOPLE,
    "people-import": PEOPLE,
    "calibration-list": QUALITY,
    "reliability": QUALITY,
    "auto-agreement": QUALITY,
    "appraisal-list": QUALITY,
    "appraisal-me": QUALITY,
    "scorecard-list": QUALITY,
    "center-overview": REPORTS,
    "dashboard": REPORTS,
    "performance-list": REPORTS,
    "performance-detail": REPORTS,
    "report-list": REPORTS,
    "hr-export": REPORTS,
    "quota-policy-list": SETTINGS,
    "call-import": SETTINGS,
}
DEFAULT_GROUP = WORK
# Up to this many entries (the project's Admin and API links included) the menu is one flat row.
FLAT_UP_TO = 7


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int
    args: tuple = field(default=())
    primary: bool = False
    group: str = ""  # one of GROUPS; blank: GROUP_OF[url_name], else DEFAULT_GROUP

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)

    @property
    def group_key(self) -> str:
        return self.group or GROUP_OF.get(self.url_name, DEFAULT_GROUP)


@dataclass(frozen=True)
class NavGroup:
    """One heading of the menu and its entries; `key` is "" for a flat menu's single group."""

    key: str
    label: str
    items: tuple[NavItem, ...]
    current: bool = False  # holds the page being shown


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


def project_items(user) -> list[NavItem]:
    """The project's own pages at the end of the menu: the Django admin (staff) and the API docs."""
    out = []
    if getattr(user, "is_staff", False):
        out.append(NavItem("admin:index", _("Admin"), 1000, group=SETTINGS))
    out.append(NavItem("api-docs", _("API"), 1010, group=SETTINGS))
    return out


def groups_for(user, *, path: str = "") -> list[NavGroup]:
    """The menu of `user` as its task groups, in GROUPS' order, each entry in its app's order and
    the group of `path` (the page shown) marked current; one unnamed group when the menu is short."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = [*items_for(user), *project_items(user)]
    # The page shown belongs to the entry whose address is the longest start of its own
    # (/teams/7/ to Teams; /calls/import/ to Import calls, not Calls).
    current = max((i.url for i in entries if path.startswith(i.url)), key=len, default=None)
    if len(entries) <= FLAT_UP_TO:
        return [NavGroup("", "", tuple(entries), current=current is not None)]
    out = []
    for key, label in GROUPS:
        items = tuple(i for i in entries if i.group_key == key)
        if items:
            out.append(NavGroup(key, label, items, current=any(i.url == current for i in items)))
    return out


def latest_month() -> str | None:
    """The latest month ('2026-11') any app says its figures have data for (`latest_month` in
    its navigation.py), or None when none has any: where month pages open by default."""
    months = [month for module in _modules() if hasattr(module, "latest_month") if (month := module.latest_month())]
    return max(months) if months else None


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
    """Context processor: `nav_items`, the entries the requesting user may open, in order, and
    `nav_groups`, the same grouped by task — computed only when a template shows the menu (not
    for fragments or the API)."""
    user = getattr(request, "user", None)
    return {
        "nav_items": SimpleLazyObject(lambda: items_for(user)),
        "nav_groups": SimpleLazyObject(lambda: groups_for(user, path=request.path)),
    }
