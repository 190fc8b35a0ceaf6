"""Analysing calls (automatic QA, DESIGN.md §9): every call with a recording or a transcript gets
its audio measures (per channel on a two-channel recording, else from the transcript's speaker
segments) and its line's phrase rules, stored as one `CallAnalysis` with the evidence and the
flags the reports count over every call.

Run after ingest (`enqueue_analysis`, batched, through the outbox so a broker outage loses
nothing), by `manage.py analyze_calls` for backfills, and again whenever asked: a rerun rewrites
the same row (idempotent). A recording that cannot be read (not a PCM WAV) falls back to the
transcript when there is one, else the call's analysis is `failed` with the reason; one call's
failure never stops the batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db.models import Q

from qa_platform.jobs import enqueue

from .analytics import audio, rules
from .models import Call
from .models_analytics import (
    FLAG_FIELDS,
    AnalysisSettings,
    AnalysisStatus,
    CallAnalysis,
    PhraseRule,
    RuleKind,
    RuleWindow,
    thresholds_of,
)
from .selectors import active_private_line_exists

logger = logging.getLogger(__name__)

ANALYSIS_VERSION = 1
BATCH = 500  # calls per task


def analysable(calls):
    """The calls there is something to analyse in: a recording or a transcript, and not on a
    private line (never monitored, so never analysed either)."""
    return calls.filter(~Q(recording="") | Q(transcript__isnull=False)).filter(~active_private_line_exists())


def enqueue_analysis(call_ids: Iterable[int]) -> None:
    """Analyse these calls in the background once the current transaction commits."""
    from .tasks import analyze_calls_task

    ids = sorted(set(call_ids))
    for i in range(0, len(ids), BATCH):
        enqueue(analyze_calls_task, call_ids=ids[i : i + BATCH])


def rule_spec(row: PhraseRule) -> rules.PhraseRule:
    window = None if row.window == RuleWindow.WHOLE else (row.window, row.window_seconds or 0)
    return rules.PhraseRule(
        code=row.code, kind=row.kind, phrases=row.phrases, speaker=row.speaker, window=window, threshold=row.threshold
    )


def analyze_calls(call_ids: Iterable[int]) -> dict[str, int]:
    """Analyse the calls (those with something to analyse); returns counts by status. A fixed
    number of queries besides one write per call."""
    calls = list(analysable(Call.objects.filter(pk__in=list(call_ids))).select_related("line_of_business"))
    lines = {c.line_of_business_id for c in calls}
    settings = {s.line_of_business_id: s for s in AnalysisSettings.objects.filter(line_of_business__in=lines)}
    by_line: dict[int, list[tuple[PhraseRule, rules.PhraseRule]]] = {}
    for row in PhraseRule.objects.filter(line_of_business__in=lines, active=True):
        by_line.setdefault(row.line_of_business_id, []).append((row, rule_spec(row)))
    counts = {status: 0 for status in AnalysisStatus.values}
    for call in calls:
        analysis = analyze_call(
            call,
            settings=settings.get(call.line_of_business_id),
            phrase_rules=by_line.get(call.line_of_business_id, []),
        )
        counts[analysis.status] += 1
    return counts


def analyze_call(call: Call, *, settings: AnalysisSettings | None = None, phrase_rules=()) -> CallAnalysis:
    began = time.perf_counter()
    thresholds = thresholds_of(settings)
    fields = {"status": AnalysisStatus.DONE, "source": "", "measures": {}, "rules": [], "error": ""}
    fields.update({flag: False for flag in FLAG_FIELDS})
    measures = None
    if call.recording:
        agent = settings.agent_channel if settings else 0
        try:
            with call.recording.open("rb") as fh:
                result = audio.analyze_recording(
                    fh,
                    channel_map={"agent": agent, "customer": 1 - agent},
                    transcript=call.transcript,
                    thresholds=thresholds,
                )
            measures, fields["source"] = result.measures, result.source
        except audio.NeedsTranscript:
            pass  # nothing tells the parties apart: skipped, unless there is a transcript below
        except (ValueError, OSError, EOFError) as exc:
            fields["error"] = f"recording: {exc}"
    if measures is None and call.transcript:
        parts = audio.transcript_intervals(call.transcript)
        ends = [float(s.get("end") or s.get("start") or 0) for s in call.transcript if isinstance(s, dict)]
        measures = audio.measure(parts["agent"], parts["customer"], max(ends, default=0.0), thresholds)
        fields["source"] = "transcript"
    if measures is not None:
        fields["measures"] = measures.as_dict()
        fields["long_silence"] = measures.silence_flag
        fields["long_hold"] = measures.hold_flag
        fields["agent_interrupted"] = measures.interruption_count > 0
        fields["long_call"] = measures.long_call_flag
    elif fields["error"]:
        fields["status"] = AnalysisStatus.FAILED
    else:
        fields["status"] = AnalysisStatus.SKIPPED
    if call.transcript:
        results = []
        for row, spec in phrase_rules:
            outcome = rules.evaluate(spec, call.transcript)
            results.append({"name": row.name, **outcome.as_dict()})
            if not outcome.passed:
                fields["forbidden_phrase" if row.kind == RuleKind.FORBIDDEN else "required_missing"] = True
        fields["rules"] = results
    fields["seconds"] = round(time.perf_counter() - began, 4)
    analysis, _ = CallAnalysis.objects.update_or_create(call=call, defaults={**fields, "version": ANALYSIS_VERSION})
    return analysis
