"""Menu entries and page panels of the coaching app: library (see qa_platform/menu.py)."""

from __future__ import annotations


def items(user) -> list:
    return []


def page_panels(user, obj, *, month: str | None = None) -> list:
    return []
