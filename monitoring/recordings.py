"""Serving recordings over HTTP with Range support (206) so the browser player can seek.

Used by both the page view and the API view; the caller has already checked that the user may
see the call. Every listen is logged through `services.listen_log`.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, StreamingHttpResponse

from . import services
from .models import Call


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def recording_response(request, call: Call):
    if not call.recording:
        raise Http404("This call has no recording.")
    storage = call.recording.storage
    name = call.recording.name
    try:
        size = call.recording_size or storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404("The recording file is missing from storage.") from None
    header = request.META.get("HTTP_RANGE")
    try:
        byte_range = services.parse_range(header, size)
    except services.RangeNotSatisfiable:
        response = HttpResponse(status=416)
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
    response["Content-Disposition"] = f'inline; filename="{call.source}-{call.external_id}"'
    return response
