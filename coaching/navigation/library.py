"""Menu entries and page panels of the coaching app: library (see qa_platform/menu.py).

The evaluation page gets "Add to the call library" (a small form) for whoever may mark its call
(`permissions.library.mark_refusal`), with the call's entries already in the library."""

from __future__ import annotations

from django.utils.translation import gettext as _

from monitoring.permissions import only_an_agent
from monitoring.selectors import is_private_line
from qa_platform.menu import COACHING, NavItem, Panel
from scoring.models import Evaluation

from ..forms.library import EntryForm
from ..permissions.library import can_mark, can_open_library, mark_refusal
from ..selectors.library import criterion_choices, entries_of_call


def items(user) -> list:
    # An agent-only account reaches this from its "My coaching" page, which keeps its menu short.
    if not can_open_library(user) or only_an_agent(user):
        return []
    return [NavItem("coaching-library", _("Call library"), 144, group=COACHING)]


def page_panels(user, obj, *, month: str | None = None) -> list:
    if not isinstance(obj, Evaluation) or not can_mark(user):
        return []
    existing = entries_of_call(user, obj.call_id)
    refusal = mark_refusal(user, obj, on_private_line=is_private_line(obj.call.line))
    if refusal is not None and not existing:
        return []
    taken = {entry.kind for entry in existing}
    form = EntryForm(criteria=criterion_choices(obj)) if refusal is None and len(taken) < 2 else None
    if form is not None and taken:
        form.fields["kind"].choices = [c for c in form.fields["kind"].choices if c[0] not in taken]
    context = {"evaluation": obj, "form": form, "existing": existing, "refusal": refusal}
    return [Panel("coaching/library/_mark_panel.html", context, 40)]
