"""The CSV import read as a stream on SQLite (the embedded default): written in chunks, still all
rows or none, the row cap lifted, checking stopped after the error limit."""

import io
from unittest import mock

from django.conf import settings
from django.test import override_settings

from monitoring import ingest_copy
from monitoring.models import Call
from monitoring.services import CallImportError, calls_import_csv
from tests.personas import Personas

HEADER = "external_id,agent,line_of_business,direction,start_time,talk_seconds,csat,transcript\n"


def line(n: int, *, agent="E1", talk="120", transcript=""):
    return f"S-{n},{agent},billing,inbound,2026-11-16T09:00:00+08:00,{talk},4,{transcript}\n"


class StreamingImportTests(Personas):
    def run_import(self, text: str):
        return calls_import_csv(stream=io.StringIO(text))

    def errors(self, text: str) -> list[tuple[int, str]]:
        with self.assertRaises(CallImportError) as ctx:
            self.run_import(text)
        return [(e.row, e.field) for e in ctx.exception.errors]

    def test_a_file_of_many_chunks_imports_every_row_and_counts_them(self):
        text = HEADER + "".join(line(n) for n in range(25))
        with mock.patch.object(ingest_copy, "CHUNK_ROWS", 4):
            first = self.run_import(text)
            second = self.run_import(text.replace(",120,", ",60,"))
        self.assertEqual((first.created, first.updated), (25, 0))
        self.assertEqual((second.created, second.updated), (0, 25))
        self.assertEqual(
            set(Call.objects.filter(external_id__startswith="S-").values_list("talk_seconds", flat=True)), {60}
        )

    def test_a_bad_row_after_chunks_were_written_leaves_nothing(self):
        text = HEADER + "".join(line(n) for n in range(12)) + line(99, talk="-1")
        with mock.patch.object(ingest_copy, "CHUNK_ROWS", 4):
            self.assertEqual(self.errors(text), [(14, "talk_seconds")])
        self.assertFalse(Call.objects.filter(external_id__startswith="S-").exists())

    def test_a_duplicate_in_a_later_chunk_names_the_first_line(self):
        text = HEADER + "".join(line(n) for n in range(10)) + line(2)
        with mock.patch.object(ingest_copy, "CHUNK_ROWS", 4), self.assertRaises(CallImportError) as ctx:
            self.run_import(text)
        (error,) = ctx.exception.errors
        self.assertEqual((error.row, error.field, error.reason), (12, "external_id", "Duplicates row 4 of this batch."))
        self.assertFalse(Call.objects.filter(external_id__startswith="S-").exists())

    def test_checking_stops_after_the_error_limit_and_says_so(self):
        text = HEADER + "".join(line(n, agent="nobody") for n in range(10))
        with mock.patch.object(ingest_copy, "MAX_FILE_ERRORS", 3), self.assertRaises(CallImportError) as ctx:
            self.run_import(text)
        errors = ctx.exception.errors
        self.assertEqual([(e.row, e.field) for e in errors], [(2, "agent"), (3, "agent"), (4, "agent"), (4, "file")])
        self.assertEqual(errors[-1].reason, "Stopped after 3 errors; the rest was not checked.")

    def test_the_row_cap_is_lifted_but_still_applies(self):
        self.assertGreaterEqual(settings.CALL_IMPORT_MAX_ROWS, 1_000_000)
        with override_settings(CALL_IMPORT_MAX_ROWS=3):
            self.assertEqual(self.errors(HEADER + "".join(line(n) for n in range(5))), [(5, "file")])
        self.assertFalse(Call.objects.filter(external_id__startswith="S-").exists())

    def test_calls_with_a_transcript_are_queued_for_analysis_from_every_chunk(self):
        transcript = '"[{""start"": 0, ""text"": ""hi""}]"'
        text = HEADER + "".join(line(n, transcript=transcript if n % 3 == 0 else "") for n in range(10))
        queued = []
        with (
            mock.patch.object(ingest_copy, "CHUNK_ROWS", 4),
            mock.patch.object(ingest_copy.services_analytics, "enqueue_analysis", queued.extend),
        ):
            self.run_import(text)
        expected = Call.objects.filter(external_id__in=["S-0", "S-3", "S-6", "S-9"]).values_list("pk", flat=True)
        self.assertEqual(sorted(queued), sorted(expected))
