"""Streaming call ingestion: rows are validated one at a time and written as they come, so a
file's memory is bounded by a chunk, not by the file.

One driver (`ingest`) serves the REST bulk upsert and the CSV import. Where the rows go
depends on the database:

* PostgreSQL (the fast path): each valid row is written with COPY (psycopg 3) into a TEMP
  staging table; duplicate keys within the batch are found in SQL on that table; then one
  ``INSERT … SELECT … ON CONFLICT (source, external_id) DO UPDATE`` writes them all.
* SQLite and any other database (the embedded default, the correct path): rows are kept in
  chunks of CHUNK_ROWS and written with ``bulk_create(update_conflicts=True)``; duplicates are
  found with a set of the keys seen.

Either way it is one transaction: any error rolls back everything written, so a file imports
all its rows or none. Calls have no simple_history table (only agents, teams and lines do), so
no history is skipped. Calls with a transcript are queued for analysis once the transaction
commits (services_analytics.enqueue_analysis), as before.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from . import ingest, services_analytics
from .models import Call

CHUNK_ROWS = 5_000  # rows per bulk_create on SQLite
PG_CHUNK_ROWS = 20_000  # rows per COPY + INSERT on PostgreSQL
# A CSV file stops being checked after this many row errors (the report says so).
MAX_FILE_ERRORS = 1_000

# (staging column, SQL type, Call field) in the order rows are copied.
_STAGE_COLUMNS = [
    ("source", "text", "source"),
    ("external_id", "text", "external_id"),
    ("agent_id", "int8", "agent"),
    ("line_of_business_id", "int8", "line_of_business"),
    ("direction", "text", "direction"),
    ("service_type", "text", "service_type"),
    ("start_time", "timestamptz", "start_time"),
    ("shift_id", "int8", "shift"),
    ("talk_seconds", "int4", "talk_seconds"),
    ("hold_seconds", "int4", "hold_seconds"),
    ("acw_seconds", "int4", "acw_seconds"),
    ("csat", "int4", "csat"),
    ("nps", "int4", "nps"),
    ("line", "text", "line"),
    ("transcript", "jsonb", "transcript"),
]


def ingest_rows(
    numbered_rows: Iterable[tuple[Any, int]],
    lookups: ingest.Lookups,
    *,
    max_errors: int | None = None,
    chunk_rows: int | None = None,
):
    """Validate and upsert (row, number) pairs; all rows or none.

    Raises CallImportError with the errors in row order (at most `max_errors`, then a note that
    checking stopped). Returns UpsertResult. `chunk_rows` (PostgreSQL): rows per COPY + INSERT,
    PG_CHUNK_ROWS unless said; a batch of known size uses smaller chunks, so that its writing
    overlaps its validation.
    """
    from .services import CallImportError, UpsertResult

    # CALL_IMPORT_COPY = False sends PostgreSQL through the ORM path too (for comparison).
    use_copy = connection.vendor == "postgresql" and getattr(settings, "CALL_IMPORT_COPY", True)
    with transaction.atomic():
        sink = _CopySink(chunk_rows or PG_CHUNK_ROWS) if use_copy else _OrmSink()
        errors: list[ingest.RowError] = []
        stopped_at = None
        try:
            for raw, number in numbered_rows:
                values, row_errors = ingest.validate_row(raw, number, lookups)
                if not row_errors:
                    duplicate = sink.add(values, number)
                    row_errors = [duplicate] if duplicate else []
                if row_errors:
                    sink.fail()
                    errors.extend(row_errors)
                    if max_errors is not None and len(errors) >= max_errors:
                        stopped_at = number
                        break
        except BaseException:
            sink.close(aborted=True)
            raise
        sink.close()
        errors.extend(sink.duplicates(max_errors))
        if errors:
            errors.sort(key=lambda e: e.row)  # stable: a row's own errors stay in field order
            if max_errors is not None and (stopped_at is not None or len(errors) > max_errors):
                errors = errors[:max_errors]
                note = _("Stopped after %(n)s errors; the rest was not checked.") % {"n": max_errors}
                errors.append(ingest.RowError(stopped_at or errors[-1].row, "file", note))
            raise CallImportError(errors)
        created, updated, analyse = sink.upsert()
        if settings.CALL_ANALYSIS_AFTER_INGEST and analyse:
            # Calls with a transcript are analysed now; recordings when they are attached.
            services_analytics.enqueue_analysis(analyse)
    return UpsertResult(created=created, updated=updated)


class _OrmSink:
    """Chunks of model objects through bulk_create (SQLite, the embedded default)."""

    def __init__(self):
        self.seen: dict[tuple[str, str], int] = {}
        self.pending: list[dict] = []
        self.created = self.updated = 0
        self.analyse: list[int] = []
        self.failed = False

    def add(self, values: dict, number: int) -> ingest.RowError | None:
        key = (values["source"], values["external_id"])
        if key in self.seen:
            return _duplicate(number, self.seen[key])
        self.seen[key] = number
        if not self.failed:
            self.pending.append(values)
            if len(self.pending) >= CHUNK_ROWS:
                self._flush()
        return None

    def _flush(self) -> None:
        from .services import _existing_keys

        rows, self.pending = self.pending, []
        if not rows:
            return
        existing = len(_existing_keys({(r["source"], r["external_id"]) for r in rows}))
        self.updated += existing
        self.created += len(rows) - existing
        calls = ingest.build_calls(rows)
        Call.objects.bulk_create(
            calls,
            update_conflicts=True,
            unique_fields=["source", "external_id"],
            update_fields=ingest.UPSERT_UPDATE_FIELDS,
        )
        self.analyse.extend(c.pk for c in calls if c.pk and c.transcript)

    def fail(self) -> None:
        self.failed = True
        self.pending = []

    def close(self, *, aborted: bool = False) -> None:
        pass

    def duplicates(self, limit: int | None) -> list[ingest.RowError]:
        return []  # reported as they come, by add()

    def upsert(self) -> tuple[int, int, list[int]]:
        self._flush()
        return self.created, self.updated, self.analyse


class _CopySink:
    """COPY into TEMP staging tables and INSERT … ON CONFLICT, a chunk at a time (PostgreSQL).

    A chunk of PG_CHUNK_ROWS validated rows is written by one worker thread (COPY into the chunk
    table, its keys appended to the keys table, one INSERT … SELECT … ON CONFLICT DO UPDATE,
    TRUNCATE) while this thread validates the next one: the server's work overlaps Python's.
    Both threads use Django's connection, one at a time, inside its one transaction. After the
    first row error no chunk is upserted any more (the transaction is rolled back anyway), but
    every chunk's keys are still staged so that all duplicate keys can be named.
    """

    def __init__(self, chunk_rows: int):
        self.chunk_rows = chunk_rows
        tag = uuid.uuid4().hex[:12]
        self.chunk_table, self.keys_table = f"call_stage_{tag}", f"call_keys_{tag}"
        self.cursor = connection.cursor().cursor  # psycopg's own cursor, in Django's transaction
        columns = ", ".join(f"{name} {kind}" for name, kind, _field in _STAGE_COLUMNS)
        self.cursor.execute(
            f"CREATE TEMP TABLE {self.chunk_table} (row_no integer NOT NULL, {columns}) ON COMMIT DROP;"
            f"CREATE TEMP TABLE {self.keys_table} (row_no integer NOT NULL, source text, external_id text)"
            " ON COMMIT DROP"
        )
        names = ", ".join(name for name, _kind, _field in _STAGE_COLUMNS)
        self.copy_sql = f"COPY {self.chunk_table} (row_no, {names}) FROM STDIN (FORMAT BINARY)"
        self.copy_types = ["int4", *(kind for _name, kind, _field in _STAGE_COLUMNS)]
        self.upsert_sql = _upsert_sql(self.chunk_table)
        self.pending: list[tuple] = []
        self.failed = False
        self.created = self.updated = 0
        self.analyse: list[int] = []
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="call-copy")
        self.in_flight: Future | None = None

    def add(self, values: dict, number: int) -> None:
        transcript = values["transcript"]
        shift = values["shift"]
        self.pending.append(
            (
                number,
                values["source"],
                values["external_id"],
                values["agent"].id,
                values["line_of_business"].id,
                values["direction"],
                values["service_type"],
                values["start_time"],
                None if shift is None else shift.id,
                values["talk_seconds"],
                values["hold_seconds"],
                values["acw_seconds"],
                values["csat"],
                values["nps"],
                values["line"],
                None if transcript is None else Jsonb(transcript),
            )
        )
        if len(self.pending) >= self.chunk_rows:
            self._send()
        return None

    def fail(self) -> None:
        self.failed = True

    def _wait(self) -> None:
        if self.in_flight is not None:
            future, self.in_flight = self.in_flight, None
            future.result()  # the worker's exception, if any, is raised here

    def _send(self) -> None:
        rows, self.pending = self.pending, []
        self._wait()
        if rows:
            self.in_flight = self.pool.submit(self._write, rows, not self.failed)

    def _write(self, rows: list[tuple], upsert: bool) -> None:
        """In the worker thread: stage one chunk, record its keys, upsert it."""
        from psycopg.errors import CardinalityViolation

        cursor = self.cursor.connection.cursor()
        with cursor.copy(self.copy_sql) as copy:
            copy.set_types(self.copy_types)
            for row in rows:
                copy.write_row(row)
        del rows
        cursor.execute(
            f"INSERT INTO {self.keys_table} (row_no, source, external_id)"
            f" SELECT row_no, source, external_id FROM {self.chunk_table}"
        )
        if upsert:
            # A key twice in one chunk cannot be upserted: it is named by duplicates().
            cursor.execute("SAVEPOINT call_chunk")
            try:
                cursor.execute(self.upsert_sql, {"now": timezone.now()})
                created, updated, analyse = cursor.fetchone()
            except CardinalityViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT call_chunk")
                self.failed = True
            else:
                cursor.execute("RELEASE SAVEPOINT call_chunk")
                self.created += created
                self.updated += updated
                self.analyse.extend(analyse)
        cursor.execute(f"TRUNCATE {self.chunk_table}")

    def close(self, *, aborted: bool = False) -> None:
        try:
            if aborted:
                self.pending = []
                if self.in_flight is not None:
                    concurrent.futures.wait([self.in_flight])
                    self.in_flight = None
            else:
                self._send()
                self._wait()
        finally:
            self.pool.shutdown(wait=True)

    def duplicates(self, limit: int | None) -> list[ingest.RowError]:
        """Each later row with the key of an earlier one, naming that first row."""
        self.cursor.execute(
            f"""SELECT row_no, first_row FROM (
                    SELECT row_no, min(row_no) OVER (PARTITION BY source, external_id) AS first_row
                    FROM {self.keys_table}
                ) keyed WHERE row_no <> first_row ORDER BY row_no"""
            + ("" if limit is None else f" LIMIT {int(limit) + 1}")
        )
        return [_duplicate(row, first) for row, first in self.cursor.fetchall()]

    def upsert(self) -> tuple[int, int, list[int]]:
        """Every chunk is already written; this transaction's commit makes them visible."""
        assert not self.failed
        self.cursor.execute(f"DROP TABLE {self.chunk_table}, {self.keys_table}")
        return self.created, self.updated, self.analyse


def _upsert_sql(table: str) -> str:
    """One INSERT … SELECT … ON CONFLICT DO UPDATE of the staged rows, returning the counts of
    rows inserted and updated and the ids of the calls with a transcript."""
    meta = Call._meta
    target = [meta.get_field(f).column for _name, _kind, f in _STAGE_COLUMNS]
    staged = [name for name, _kind, _field in _STAGE_COLUMNS]
    key = [meta.get_field("source").column, meta.get_field("external_id").column]
    update = [meta.get_field(f).column for f in ingest.UPSERT_UPDATE_FIELDS]
    assert not set(key) & set(update)
    sets = ", ".join(f"{col} = EXCLUDED.{col}" for col in update)
    recording, content_type, size, created_at, updated_at = (
        meta.get_field(f).column
        for f in ("recording", "recording_content_type", "recording_size", "created_at", "updated_at")
    )
    # (xmax = 0) is true for a row this statement inserted, false for one it updated.
    return f"""WITH written AS (
            INSERT INTO {meta.db_table}
                ({", ".join(target)}, {recording}, {content_type}, {size}, {created_at}, {updated_at})
            SELECT {", ".join(staged)}, '', '', NULL, %(now)s, %(now)s FROM {table}
            ON CONFLICT ({", ".join(key)}) DO UPDATE SET {sets}
            RETURNING {meta.pk.column} AS id, (xmax = 0) AS inserted, {meta.get_field("transcript").column} IS NOT NULL AS t
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               coalesce(array_agg(id) FILTER (WHERE t), '{{}}')
        FROM written"""


def _duplicate(number: int, first: int) -> ingest.RowError:
    return ingest.RowError(number, "external_id", _("Duplicates row %(n)s of this batch.") % {"n": first})
