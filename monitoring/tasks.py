"""Celery tasks for monitoring: thin wrappers that take ids/paths and call a service."""

from __future__ import annotations

from celery import shared_task
from django.core.files.storage import default_storage

from . import encodings, services
from .ingest import RowError


# acks_late + reject_on_worker_lost (README "Task queue and outages"): a task whose worker died
# is run again. Both are idempotent: the import upserts on (source, external_id), and
# re-deriving shifts writes the same shifts.
@shared_task(name="monitoring.import_calls_file", acks_late=True, reject_on_worker_lost=True)
def import_calls_file(
    *, storage_name: str, delete_after: bool = True, encoding: str = encodings.AUTO, name: str = "", **kwargs
) -> dict:
    """Import a CSV of calls stored in default storage; returns counts or the row errors.

    `encoding` is auto (UTF-8, then GB18030), utf-8 or gb18030; a file that does not decode is
    reported as an error of line 1, field "file", naming the file (`name`, else the storage name).
    """
    try:
        with default_storage.open(storage_name, "rb") as fh:
            with encodings.open_text(fh, encoding, name=name or storage_name) as text:
                result = services.calls_import_csv(stream=text)
    except encodings.FileEncodingError as exc:
        return {"ok": False, "errors": [RowError(1, "file", str(exc)).as_dict()]}
    except services.CallImportError as exc:
        return {"ok": False, "errors": [e.as_dict() for e in exc.errors]}
    finally:
        if delete_after and default_storage.exists(storage_name):
            default_storage.delete(storage_name)
    return {"ok": True, "created": result.created, "updated": result.updated}


@shared_task(name="monitoring.rederive_shifts", acks_late=True, reject_on_worker_lost=True)
def rederive_shifts(**kwargs) -> int:
    """Recompute every call's shift after the shift windows were edited."""
    return services.calls_rederive_shifts()


@shared_task(name="monitoring.analyze_calls", acks_late=True, reject_on_worker_lost=True)
def analyze_calls_task(*, call_ids: list[int], **kwargs) -> dict:
    """Analyse a batch of calls (idempotent: a rerun rewrites the same analyses)."""
    from . import services_analytics

    return services_analytics.analyze_calls(call_ids)
