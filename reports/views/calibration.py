"""A calibration session's report as PDF (DESIGN.md §4, §6): the figures of the session page's
report, for whoever may read the session, once it is revealed.

Thin: who reads a session is `scoring.permissions.can_see_session` (center-wide roles, and the
session's participants); a role that never takes part in calibration (HR, agents) is refused
(403) before the session is looked up, and a session the user may not read, or one not yet
revealed, is a 404 — a participant cannot learn the others' scores early by asking for the PDF.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qa_platform.permissions import role_required
from scoring.models_calibration import CalibrationSession
from scoring.permissions import CALIBRATION_ROLES, can_see_session
from scoring.selectors_calibration import session_report

from ..pdf import calibration as pdf


def download_name(session: CalibrationSession) -> str:
    """`calibration-12-2026-11-16-en.pdf`: the session, the week of its calls and the language."""
    parts = ["calibration", str(session.pk), session.week_start.isoformat(), get_language() or ""]
    return get_valid_filename("-".join(p for p in parts if p)) + ".pdf"


@login_required
@require_GET
@role_required(*CALIBRATION_ROLES)  # the center-wide readers and anyone who scores calls
def calibration_report_pdf(request, pk: int):
    session = get_object_or_404(CalibrationSession, pk=pk)
    if not can_see_session(session, request.user):
        raise Http404(_("No such calibration session."))
    if not session.is_revealed:
        raise Http404(_("The session's report appears once its scores are revealed."))
    response = HttpResponse(pdf.render(session_report(session)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=download_name(session))
    return response
