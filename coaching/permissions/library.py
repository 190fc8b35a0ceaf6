"""Who may do what with the call library: each rule once, asked by the pages, the API and the
services alike (coaching/services/library.py raises PermissionDenied with the same refusal).

- Marking a call (exemplary or cautionary) from an evaluation: the evaluators — supervisors, QA,
  trainers — and managers, on a scored evaluation they may see (`evaluations_visible_to`, which
  hides a calibration session's evaluations before the reveal), never on their own call, never
  on a call on a private line, and only a call with something to listen to or read (a recording
  or a transcript: a transcript-only call may be marked).
- Curating (accepting into the library, editing, removing): trainers and managers. Whoever
  marked an entry may also edit or remove it while it waits for curation.
- Reading: agents read curated entries only; supervisors also the pending entries of their
  teams' calls and their own markings; QA, trainers, managers and admins everything. HR: 403.
- Listening: whoever may read the entry, through `coaching-library-recording` — an agent hears a
  curated library call of another agent this way, and no other call of that agent.
- Another agent's name is never shown to an agent (privacy): `shows_agent_name`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from qa_platform.roles import ADMIN, AGENT, MANAGER, QA, SUPERVISOR, TRAINER, has_role
from scoring.models import SCORED, Kind
from scoring.permissions import is_own

# Who opens the library pages and API (HR never: no recordings, no comments; DESIGN.md §1).
LIBRARY_ROLES = (AGENT, SUPERVISOR, QA, TRAINER, MANAGER, ADMIN)
# Who marks a call for the library from an evaluation.
MARKER_ROLES = (SUPERVISOR, QA, TRAINER, MANAGER)
# Who curates: accepts a marked call into the library, edits and removes entries.
CURATOR_ROLES = (TRAINER, MANAGER)
# Who reads every entry, pending ones too.
LIBRARY_WIDE_ROLES = (QA, TRAINER, MANAGER, ADMIN)
# Staff who see whose call an entry is; an agent sees no other agent's name.
NAMED_ROLES = (SUPERVISOR, QA, TRAINER, MANAGER, ADMIN)

NO_LIBRARY = _("Your role does not give access to the call library.")
NO_MARKING = _("Calls are added to the library by supervisors, QA, trainers and managers.")
ONLY_CURATORS = _("Only trainers and managers curate the call library.")
ONLY_CURATORS_OR_MARKER = _(
    "Only trainers and managers change a library entry (whoever marked it, until it is curated)."
)


def can_open_library(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, *LIBRARY_ROLES))


def can_mark(user) -> bool:
    return has_role(user, *MARKER_ROLES)


def can_curate(user) -> bool:
    return has_role(user, *CURATOR_ROLES)


def sees_pending(user) -> bool:
    """Whether the user may see entries waiting for curation at all (agents: curated only)."""
    return has_role(user, SUPERVISOR, *LIBRARY_WIDE_ROLES)


def mark_refusal(user, evaluation, *, on_private_line: bool) -> str | None:
    """Why `user` may not mark `evaluation`'s call for the library (None when they may). The
    caller has found the evaluation in `evaluations_visible_to(user)`."""
    if not can_mark(user):
        return str(NO_MARKING)
    if is_own(user, evaluation):
        return str(_("Nobody adds their own calls to the library."))
    if evaluation.kind == Kind.SELF:
        return str(_("A self-evaluation does not put a call in the library; mark it from its evaluation."))
    if evaluation.status not in SCORED:
        return str(_("Mark the call once its evaluation is submitted."))
    item = evaluation.calibration_item
    if item is not None and not item.session.is_revealed:
        return str(_("A calibration session's calls join the library after the reveal."))
    if on_private_line:
        return str(_("Calls on private lines are never monitored, recorded or shared."))
    call = evaluation.call
    if not call.recording and not call.transcript:
        return str(_("This call has neither a recording nor a transcript: there is nothing to listen to or read."))
    return None


def can_edit_entry(entry, user) -> bool:
    """Curators; the person who marked it while it is not yet curated."""
    return can_curate(user) or (entry.marked_by_id == user.pk and not entry.curated)


def shows_agent_name(entry, user) -> bool:
    """Staff see whose call it is; an agent sees their own name only (another agent's call is
    shown without a name)."""
    return has_role(user, *NAMED_ROLES) or is_own(user, entry.call)


def require(allowed: bool, refusal) -> None:
    if not allowed:
        raise PermissionDenied(str(refusal))


# --- the same rules for DRF ---------------------------------------------------------------------


class CanOpenLibrary(BasePermission):
    message = NO_LIBRARY

    def has_permission(self, request, view) -> bool:
        return can_open_library(request.user)


class CanChangeEntry(BasePermission):
    """Writes on one entry: curators, or its marker while pending (reads: `library_visible_to`)."""

    message = ONLY_CURATORS_OR_MARKER

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return can_edit_entry(obj, request.user)
