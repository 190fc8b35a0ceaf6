"""Auto-answered criteria (automatic QA, issue 12): a yes/no criterion may be linked to one of
its call's analysis results, a line's phrase rule (`rule:<code>`) or an audio measure
(`measure:<flag>`). When a regular evaluation starts, the linked answer is pre-filled from the
call's analysis — Yes when the rule passed or the measure raised no flag, No otherwise — with
the evidence, and the evaluator confirms it (submits it as it is) or overrides it.

Pure functions: which sources exist, and what a call's analysis suggests for one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

RULE = "rule"
MEASURE = "measure"

# The audio measures a criterion may follow, each read as "the call is fine on this": Yes when
# the analysis raised no flag. The flag names are monitoring's (models_analytics.FLAG_FIELDS).
MEASURES = {
    "long_silence": _("No long dead air"),
    "long_hold": _("No long or repeated holds"),
    "agent_interrupted": _("The agent did not talk over the customer"),
    "long_call": _("The call kept within the line's target length"),
}
# Where a measure's moments are in the stored measures (monitoring/analytics/audio.py).
MEASURE_MOMENTS = {"long_silence": "silences", "long_hold": "holds", "agent_interrupted": "interruptions"}

YES, NO = 1, 0  # a yes/no criterion's answers (scoring/formula.py)
MAX_EVIDENCE = 5


class SourceError(ValueError):
    """An auto source that is not `rule:<code>` or `measure:<one of MEASURES>`."""


def parse(source: str) -> tuple[str, str]:
    kind, _sep, name = (source or "").partition(":")
    if kind == RULE and name and len(name) <= 40 and all(ch.isalnum() or ch in "-_" for ch in name):
        return kind, name
    if kind == MEASURE and name in MEASURES:
        return kind, name
    raise SourceError(source)


def label(source: str, rule_names: dict[str, str] | None = None) -> str:
    """The source as people read it: the rule's name (its code when unknown) or the measure's."""
    try:
        kind, name = parse(source)
    except SourceError:
        return source
    if kind == MEASURE:
        return str(MEASURES[name])
    return (rule_names or {}).get(name, name)


@dataclass(frozen=True)
class Suggestion:
    value: int  # YES or NO
    evidence: dict  # {"source", "label", "passed", "moments": [{"start", "end", "text"}], "window"}


def suggest(source: str, analysis) -> Suggestion | None:
    """What the call's analysis (a monitoring CallAnalysis, or None) says for this source; None
    when it says nothing: no analysis, not analysed, the rule not run on this call's line, or
    no measures."""
    if analysis is None or analysis.status != "done":
        return None
    try:
        kind, name = parse(source)
    except SourceError:
        return None
    if kind == RULE:
        result = next((r for r in analysis.rules or () if r.get("code") == name), None)
        if result is None:
            return None
        passed = bool(result.get("passed"))
        moments = [
            {"start": h.get("start"), "end": h.get("end"), "text": h.get("text", "")}
            for h in (result.get("hits") or ())[:MAX_EVIDENCE]
        ]
        evidence = {
            "source": source,
            "label": result.get("name") or name,
            "rule_kind": result.get("kind", ""),
            "passed": passed,
            "moments": moments,
            "window": result.get("window") or [],
        }
        return Suggestion(YES if passed else NO, evidence)
    if not analysis.measures:
        return None
    flagged = bool(getattr(analysis, name))
    moments = [
        {"start": m.get("start"), "end": m.get("end"), "text": ""}
        for m in (analysis.measures.get(MEASURE_MOMENTS.get(name, ""), None) or ())[:MAX_EVIDENCE]
        if isinstance(m, dict)
    ]
    evidence = {"source": source, "label": str(MEASURES[name]), "passed": not flagged, "moments": moments}
    return Suggestion(NO if flagged else YES, evidence)
