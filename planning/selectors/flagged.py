"""The week's calls flagged by automatic QA or by a low CSAT, for the sampler's flagged stratum
(`planning.flagged`, `services.sampling`): one query for the whole week, however many agents."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from monitoring.models import Call
from monitoring.models_analytics import AnalysisStatus


def _longest(moments) -> float:
    """The longest of a measure's moments ([{"start", "end"}, …]); 0 when there are none."""
    longest = 0.0
    for moment in moments or ():
        try:
            longest = max(longest, float(moment["end"]) - float(moment["start"]))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed moment says nothing about length
    return longest


def flagged_calls(*, start: dt.datetime, end: dt.datetime, flags: set[str], csat_max: int | None) -> list[dict]:
    """Calls of [start, end) whose analysis is done and raised one of `flags` (forbidden_phrase,
    long_silence, long_hold), or that the customer rated `csat_max` or lower (None: CSAT is not
    fetched). Rows: id, csat, analysed, the three flags, longest_silence and longest_hold (s).

    Whether a row counts is the call's line policy's to say (`planning.flagged.severity`); this
    fetches what any policy might count."""
    condition = Q()
    if flags:
        raised = Q()
        for name in sorted(flags):
            raised |= Q(**{f"analysis__{name}": True})
        condition |= Q(analysis__status=AnalysisStatus.DONE) & raised
    if csat_max is not None:
        condition |= Q(csat__lte=csat_max)
    if not condition:
        return []
    rows = (
        Call.objects.filter(start_time__gte=start, start_time__lt=end)
        .filter(condition)
        .order_by("pk")
        .values(
            "id",
            "csat",
            "analysis__status",
            "analysis__forbidden_phrase",
            "analysis__long_silence",
            "analysis__long_hold",
            "analysis__measures",
        )
    )
    out = []
    for r in rows.iterator(chunk_size=2_000):  # the measures are read, kept only as two numbers
        measures = r["analysis__measures"] if isinstance(r["analysis__measures"], dict) else {}
        out.append(
            {
                "id": r["id"],
                "csat": r["csat"],
                "analysed": r["analysis__status"] == AnalysisStatus.DONE,
                "forbidden_phrase": bool(r["analysis__forbidden_phrase"]),
                "long_silence": bool(r["analysis__long_silence"]),
                "long_hold": bool(r["analysis__long_hold"]),
                "longest_silence": _longest(measures.get("silences")),
                "longest_hold": max(_longest(measures.get("holds")), float(measures.get("longest_hold_seconds") or 0)),
            }
        )
    return out
