"""Serving recordings over HTTP with Range support (206) so the browser player can seek.

Used by both the page view and the API view; the caller has already checked that the user may
see the call. Every listen is logged through `services.listen_log`.
"""

from __future__ import annotations

import posixpath

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from qa_platform.security import client_ip

from . import services
from .models import Call


def recording_response(request, call: Call):
    if not call.recording:
        raise Http404(_("This call has no recording."))
    storage = call.recording.storage
    name = call.recording.name
    try:
        size = call.recording_size or storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404(_("The recording file is missing from storage.")) from None
    header = request.META.get("HTTP_RANGE")
    try:
        byte_range = services.parse_range(header, size)
    except services.RangeNotSatisfiable:
        # JSON like every other refusal of the API (the page's player never shows it).
        response = JsonResponse(
            {"detail": _("The requested range is outside the recording (%(size)s bytes).") % {"size": size}},
            status=416,
        )
        response["Content-Range"] = f"bytes */{size}"
        return response

    services.listen_log(call=call, user=request.user, byte_range=header or "", ip_address=client_ip(request))

    first, last = byte_range if byte_range else (0, size - 1)
    fileobj = storage.open(name, "rb")
    response = StreamingHttpResponse(
        services.read_range(fileobj, first, last),
        status=206 if byte_range else 200,
        content_type=call.recording_content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Cache-Control"] = "private, no-store"
    # Django's helper quotes or percent-encodes the name (RFC 6266): a key stored before the
    # character set of validators.py (a quote, a semicolon) cannot add a parameter or a header.
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=download_name(call))
    return response


def download_name(call: Call) -> str:
    """The name a saved recording gets: source-external id, with the stored file's extension."""
    extension = posixpath.splitext(call.recording.name)[1] if call.recording else ""
    return f"{call.source}-{call.external_id}{extension}"
