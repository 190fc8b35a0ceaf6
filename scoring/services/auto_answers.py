"""Pre-filling auto-answered criteria (scoring/auto.py) when a regular evaluation starts.

Only regular evaluations are pre-filled: a calibration, a double-scoring pick or a dispute's
re-score is a blind, independent opinion, and a self-evaluation is the agent's own. The
pre-filled answer is an ordinary draft answer (the score, the autosave and submit treat it like
any other) that also keeps what the analysis suggested, from where, with its evidence; the
evaluator's submitted value beside it is the confirmation or the override that the agreement
figures count (selectors_auto).
"""

from __future__ import annotations

from monitoring.models_analytics import CallAnalysis

from .. import auto
from ..models import Answer, Criterion, Evaluation


def auto_suggestions(evaluation: Evaluation) -> dict[int, auto.Suggestion]:
    """criterion id → what the call's analysis suggests, for the evaluation's linked yes/no
    criteria that it says something about. Two queries."""
    criteria = list(
        Criterion.objects.filter(section__version=evaluation.version_id, kind="yes_no")
        .exclude(auto_source="")
        .only("pk", "auto_source")
    )
    if not criteria:
        return {}
    analysis = CallAnalysis.objects.filter(call=evaluation.call_id).first()
    suggestions = {}
    for criterion in criteria:
        suggestion = auto.suggest(criterion.auto_source, analysis)
        if suggestion is not None:
            suggestions[criterion.pk] = suggestion
    return suggestions


def prefill_auto_answers(evaluation: Evaluation) -> int:
    """Write the suggestions as draft answers, for linked criteria not answered yet; the number
    written. A suggestion with a moment in the call (the greeting said, the silence found) keeps
    its start as the answer's time, so ▶ plays the evidence."""
    suggestions = auto_suggestions(evaluation)
    if not suggestions:
        return 0
    answered = set(evaluation.answers.filter(criterion__in=list(suggestions)).values_list("criterion_id", flat=True))
    rows = []
    for criterion_id, s in suggestions.items():
        if criterion_id in answered:
            continue
        start = next((m["start"] for m in s.evidence.get("moments", ()) if m.get("start") is not None), None)
        rows.append(
            Answer(
                evaluation=evaluation,
                criterion_id=criterion_id,
                value=s.value,
                time_offset=float(start) if start is not None else None,
                auto_value=s.value,
                auto_source=s.evidence["source"],
                auto_evidence=s.evidence,
            )
        )
    for row in rows:
        row.save()  # one by one, so each pre-filled answer starts its history
    return len(rows)
