"""The coaching app's menu entries and page panels (qa_platform/menu.py), one module per area,
each asking the area's rules in coaching/permissions/."""

from __future__ import annotations

from . import library, needs, overview, plans, recognition, reviews

AREAS = (overview, plans, needs, library, reviews, recognition)


def items(user) -> list:
    return [item for area in AREAS for item in area.items(user)]


def page_panels(user, obj, *, month: str | None = None) -> list:
    return [panel for area in AREAS for panel in area.page_panels(user, obj, month=month)]
