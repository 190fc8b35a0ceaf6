"""How a person's name is written (DESIGN.md §7): the one rule every app's pages and PDFs use."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")


def person_name(first: str, last: str, username: str = "") -> str:
    """A Chinese name family name first with no space, another "first last"; the username when
    no name is recorded."""
    first, last = (first or "").strip(), (last or "").strip()
    if not (first or last):
        return username
    if CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
