"""Writes for the monitoring app: call ingestion, recordings, the listen log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ingest, ingest_copy, services_analytics
from .models import Call, ListenLog, Shift
from .selectors import is_private_line

# Audio kinds accepted for recordings, by sniffed MIME type (the declared type is not trusted).
ALLOWED_RECORDING_TYPES = {
    "audio/x-wav": "wav",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "video/webm": "webm",  # browsers' MediaRecorder writes audio-only WebM
}
# A listener's further requests (seeks, Range chunks) within this window are one listen.
LISTEN_WINDOW = dt.timedelta(minutes=30)


class CallImportError(Exception):
    """Raised with every row error found; nothing was written."""

    def __init__(self, errors: list[ingest.RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the call batch")


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def calls_upsert(*, rows: list, row_numbers: list[int] | None = None) -> UpsertResult:
    """Insert or update calls keyed on (source, external_id); all rows or none.

    Idempotent: the same batch twice leaves the same rows. Any invalid row rejects the whole
    batch with every error listed (row, field, reason). On PostgreSQL the rows go through COPY
    and one INSERT … ON CONFLICT (monitoring/ingest_copy.py).
    """
    numbers = row_numbers or range(1, len(rows) + 1)
    return ingest_copy.ingest_rows(
        zip(rows, numbers, strict=True), ingest.Lookups.for_rows(rows), chunk_rows=max(1_000, len(rows) // 4)
    )


def _existing_keys(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    for source, ids in by_source.items():
        for start in range(0, len(ids), 5_000):
            found.update(
                Call.objects.filter(source=source, external_id__in=ids[start : start + 5_000]).values_list(
                    "source", "external_id"
                )
            )
    return found


def calls_import_csv(*, stream: io.TextIOBase) -> UpsertResult:
    """Import a CSV of calls (header row with the API's field names); all rows or none.

    Row numbers in errors are the file's line numbers (the header is line 1).
    """
    reader = csv.DictReader(stream)
    try:
        return _import_rows(reader)
    except csv.Error as exc:
        raise CallImportError(
            [ingest.RowError(reader.reader.line_num, "file", _("Not valid CSV: %(e)s") % {"e": exc})]
        ) from None


# A long call's transcript easily passes csv's default 128 KiB cell limit.
csv.field_size_limit(16 * 1024 * 1024)


def _import_rows(reader: csv.DictReader) -> UpsertResult:
    return ingest_copy.ingest_rows(_csv_rows(reader), ingest.Lookups.load_all(), max_errors=ingest_copy.MAX_FILE_ERRORS)


def _csv_rows(reader: csv.DictReader) -> Iterator[tuple[dict, int]]:
    """The file's rows, one at a time, each with its line number (where a row ends, for a
    quoted multi-line cell); a broken header or row stops the import with that error alone."""
    if not reader.fieldnames:
        raise CallImportError([ingest.RowError(1, "header", _("The file is empty or has no header row."))])
    header = [h.strip() for h in reader.fieldnames]
    missing = [f for f in ingest.REQUIRED_FIELDS if f not in header]
    unknown = [f for f in header if f not in ingest.ALL_FIELDS]
    if missing or unknown:
        errors = [ingest.RowError(1, f, _("Required column is missing.")) for f in missing]
        errors += [ingest.RowError(1, f, _("Unknown column.")) for f in unknown]
        raise CallImportError(errors)
    cells_of = reader.reader  # the rows after the header as lists: DictReader's dicts cost more
    count, width = 0, len(header)
    for cells in cells_of:
        if not cells:
            continue  # a blank line, as DictReader skips it
        if count >= settings.CALL_IMPORT_MAX_ROWS:
            raise CallImportError(
                [
                    ingest.RowError(
                        cells_of.line_num,
                        "file",
                        _("More than %(n)s rows; split the file.") % {"n": settings.CALL_IMPORT_MAX_ROWS},
                    )
                ]
            )
        if len(cells) > width:
            raise CallImportError([ingest.RowError(cells_of.line_num, "row", _("More cells than header columns."))])
        count += 1
        # Empty cells are absent fields; a short row lacks its last fields.
        yield {name: value for name, value in zip(header, cells, strict=False) if value}, cells_of.line_num
    if not count:
        raise CallImportError([ingest.RowError(2, "file", _("The file has a header but no rows."))])


def calls_rederive_shifts(*, since: dt.datetime | None = None) -> int:
    """Recompute each call's shift after shift windows change. Returns calls changed."""
    shifts = list(Shift.objects.all())
    qs = Call.objects.select_related("agent__team__site").only(
        "id", "start_time", "shift_id", "agent__team__site__timezone"
    )
    if since is not None:
        qs = qs.filter(start_time__gte=since)
    changed: list[Call] = []
    total = 0
    for call in qs.iterator(chunk_size=5_000):
        shift = ingest.derive_shift(call.start_time, shifts, call.agent.team.site.timezone)
        if (shift.pk if shift else None) != call.shift_id:
            call.shift = shift
            changed.append(call)
        if len(changed) >= 5_000:
            total += Call.objects.bulk_update(changed, ["shift"])
            changed = []
    total += Call.objects.bulk_update(changed, ["shift"]) if changed else 0
    return total


# --- recordings -------------------------------------------------------------------------------


class RecordingError(Exception):
    """A recording was refused; `status` is the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, field: str = "recording"):
        self.message = message
        self.field = field
        super().__init__(message)


class RecordingOnPrivateLine(RecordingError):
    status = 403


class RecordingTooLarge(RecordingError):
    status = 413


class RecordingUnsupportedType(RecordingError):
    status = 415


def recording_check(*, call: Call, upload) -> str:
    """Validate an upload for `call`; return its sniffed MIME type or raise RecordingError."""
    if is_private_line(call.line):
        raise RecordingOnPrivateLine(
            _("Line %(line)s is a private line: its calls are never recorded or monitored.") % {"line": call.line}
        )
    if upload is None:
        raise RecordingError(_("No file was sent (multipart field 'recording')."))
    if upload.size == 0:
        raise RecordingError(_("The file is empty."))
    if upload.size > settings.RECORDING_MAX_BYTES:
        raise RecordingTooLarge(
            _("The file is %(size)s bytes; the limit is %(max)s bytes.")
            % {"size": upload.size, "max": settings.RECORDING_MAX_BYTES}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_RECORDING_TYPES:
        raise RecordingUnsupportedType(
            _("The file's content is %(kind)s, not audio; accepted: WAV, MP3, OGG, FLAC, M4A, AAC, AMR, WebM.")
            % {"kind": mime or _("unrecognised")}
        )
    return mime


def call_recording_attach(*, call: Call, upload) -> Call:
    """Store an uploaded recording on a call (replacing any previous one)."""
    mime = recording_check(call=call, upload=upload)
    old_name = call.recording.name if call.recording else ""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        # Only the extension of this name is used: `recording_upload_to` names the file.
        call.recording.save(f"recording.{ALLOWED_RECORDING_TYPES[mime]}", File(upload), save=False)
        call.recording_content_type = mime
        call.recording_size = upload.size
        call.save(update_fields=["recording", "recording_content_type", "recording_size", "updated_at"])
        if settings.CALL_ANALYSIS_AFTER_INGEST:
            services_analytics.enqueue_analysis([call.pk])
    if old_name and old_name != call.recording.name and not Call.objects.filter(recording=old_name).exists():
        transaction.on_commit(lambda: call.recording.storage.delete(old_name))
    return call


RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Parse a single-range `Range` header into inclusive (first, last); None for "whole file".

    Multi-range requests are answered with the whole file (allowed by RFC 9110).
    """
    if not header:
        return None
    match = RANGE_RE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable
        return max(size - length, 0), size - 1
    first_i = int(first)
    last_i = min(int(last), size - 1) if last else size - 1
    if first_i >= size or first_i > last_i:
        raise RangeNotSatisfiable
    return first_i, last_i


def read_range(fileobj, first: int, last: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    try:
        fileobj.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            data = fileobj.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        fileobj.close()


def listen_log(*, call: Call, user, byte_range: str = "", ip_address: str | None = None) -> ListenLog | None:
    """Record a listen; requests by the same person to the same call within LISTEN_WINDOW
    (the player's seeks and chunked Range reads) count as that one listen."""
    recent = ListenLog.objects.filter(call=call, user=user, at__gte=timezone.now() - LISTEN_WINDOW).exists()
    if recent:
        return None
    return ListenLog.objects.create(call=call, user=user, byte_range=byte_range[:64], ip_address=ip_address)
