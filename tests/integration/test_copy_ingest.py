"""The PostgreSQL ingest path: COPY into a staging table, one INSERT … ON CONFLICT (monitoring/ingest_copy.py)."""

import io

import pytest
from django.test import override_settings

from monitoring import ingest_copy, services
from monitoring.models import Call

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HEADER = "external_id,agent,line_of_business,direction,start_time,talk_seconds,csat,transcript\n"


def csv_line(n: int, *, agent="E100", talk="120", csat="4", transcript="", start="2026-11-20T09:30:00+08:00"):
    return f"C-{n},{agent},billing,inbound,{start},{talk},{csat},{transcript}\n"


def import_text(text: str) -> services.UpsertResult:
    return services.calls_import_csv(stream=io.StringIO(text))


def errors_of(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(services.CallImportError) as ctx:
        import_text(text)
    return [(e.row, e.field, str(e.reason)) for e in ctx.value.errors]


@pytest.fixture
def queued(monkeypatch):
    ids: list[int] = []
    monkeypatch.setattr(ingest_copy.services_analytics, "enqueue_analysis", lambda call_ids: ids.extend(call_ids))
    return ids


def test_a_file_imports_then_reimports_as_updates(org, queued):
    transcript = '"[{""start"": 0, ""end"": 1, ""speaker"": ""agent"", ""text"": ""你好""}]"'
    text = HEADER + "".join(csv_line(n) for n in range(50)) + csv_line(50, transcript=transcript)
    first = import_text(text)
    call = Call.objects.get(external_id="C-50")
    created_at = call.created_at

    second = import_text(text.replace(",120,", ",130,"))

    assert (first.created, first.updated) == (51, 0)
    assert (second.created, second.updated) == (0, 51)
    assert Call.objects.count() == 51
    assert set(Call.objects.values_list("talk_seconds", flat=True)) == {130}
    call.refresh_from_db()
    assert call.transcript == [{"start": 0, "end": 1, "speaker": "agent", "text": "你好"}]
    assert call.created_at == created_at and call.updated_at > created_at
    assert (call.agent, call.line_of_business, call.shift) == (org["agent"], org["lob"], org["day"])
    assert (call.recording.name, call.recording_content_type, call.hold_seconds) == ("", "", 0)
    # Only the call with a transcript is queued for analysis, once per import.
    assert queued == [call.pk, call.pk]


def test_the_night_shift_comes_from_the_sites_local_time(org):
    import_text(HEADER + csv_line(1, start="2026-11-20T23:30:00+08:00"))
    assert Call.objects.get().shift == org["night"]


def test_every_bad_row_is_named_in_line_order_and_nothing_is_written(org):
    text = (
        HEADER
        + csv_line(1)
        + csv_line(2, agent="E999")
        + csv_line(1)  # line 4 repeats line 2's key
        + csv_line(3, talk="abc", csat="9")
        + csv_line(4)
    )
    assert errors_of(text) == [
        (3, "agent", "No agent with employee id 'E999'."),
        (4, "external_id", "Duplicates row 2 of this batch."),
        (5, "talk_seconds", "'abc' is not a whole number."),
        (5, "csat", "9 is outside 1–5."),
    ]
    assert not Call.objects.exists()


def test_a_duplicate_alone_refuses_the_file(org):
    assert errors_of(HEADER + csv_line(1) + csv_line(2) + csv_line(1)) == [
        (4, "external_id", "Duplicates row 2 of this batch.")
    ]
    assert not Call.objects.exists()


def test_checking_stops_after_the_error_limit_and_says_so(org, monkeypatch):
    monkeypatch.setattr(ingest_copy, "MAX_FILE_ERRORS", 3)
    errors = errors_of(HEADER + "".join(csv_line(n, agent="nobody") for n in range(10)))
    assert [e[:2] for e in errors] == [(2, "agent"), (3, "agent"), (4, "agent"), (4, "file")]
    assert errors[-1][2] == "Stopped after 3 errors; the rest was not checked."


def test_a_broken_row_after_copied_rows_writes_nothing(org):
    text = HEADER + "".join(csv_line(n) for n in range(20)) + "C-99,E100,billing,inbound,x,1,2,3,4\n"
    assert errors_of(text) == [(22, "row", "More cells than header columns.")]
    assert not Call.objects.exists()


def test_the_copy_path_and_the_orm_path_leave_the_same_rows(org):
    fields = ("external_id", "agent_id", "line_of_business_id", "start_time", "shift_id", "talk_seconds", "csat")
    text = HEADER + "".join(csv_line(n, csat=str(1 + n % 5)) for n in range(30))
    import_text(text)
    via_copy = sorted(Call.objects.values_list(*fields))
    Call.objects.all().delete()
    with override_settings(CALL_IMPORT_COPY=False):
        import_text(text)
    assert sorted(Call.objects.values_list(*fields)) == via_copy


def test_the_api_batch_goes_through_copy_too(org):
    rows = [
        {
            "external_id": f"A-{n}",
            "agent": "E100",
            "line_of_business": "billing",
            "direction": "outbound",
            "start_time": "2026-11-20T10:00:00+08:00",
            "talk_seconds": n,
        }
        for n in range(5)
    ]
    rows.append(dict(rows[0]))
    with pytest.raises(services.CallImportError) as ctx:
        services.calls_upsert(rows=rows)
    assert [(e.row, e.field) for e in ctx.value.errors] == [(6, "external_id")]
    result = services.calls_upsert(rows=rows[:5])
    assert (result.created, result.updated) == (5, 0)
    assert Call.objects.filter(direction="outbound").count() == 5


def test_chunks_are_upserted_as_they_come_and_counted_together(org, monkeypatch):
    monkeypatch.setattr(ingest_copy, "PG_CHUNK_ROWS", 7)
    import_text(HEADER + "".join(csv_line(n) for n in range(10)))
    result = import_text(HEADER + "".join(csv_line(n) for n in range(5, 30)))
    assert (result.created, result.updated) == (20, 5)
    assert Call.objects.count() == 30


def test_a_bad_row_after_upserted_chunks_rolls_them_back(org, monkeypatch):
    monkeypatch.setattr(ingest_copy, "PG_CHUNK_ROWS", 7)
    text = HEADER + "".join(csv_line(n) for n in range(20)) + csv_line(20, talk="-5") + csv_line(21)
    assert errors_of(text) == [(22, "talk_seconds", "-5 is outside 0–86400.")]
    assert not Call.objects.exists()


def test_duplicates_within_and_across_chunks_are_all_named(org, monkeypatch):
    monkeypatch.setattr(ingest_copy, "PG_CHUNK_ROWS", 7)
    lines = [csv_line(n) for n in range(20)]
    lines[3] = csv_line(1)  # line 5 repeats line 3, in the first chunk
    lines[15] = csv_line(2)  # line 17 repeats line 4, two chunks later
    assert [e[:2] + (e[2][:10],) for e in errors_of(HEADER + "".join(lines))] == [
        (5, "external_id", "Duplicates"),
        (17, "external_id", "Duplicates"),
    ]
    assert errors_of(HEADER + "".join(lines))[1][2] == "Duplicates row 4 of this batch."
    assert not Call.objects.exists()
