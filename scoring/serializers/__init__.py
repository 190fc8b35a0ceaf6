"""Serializers for the scoring API: `evaluations`, `scorecards`, and `score` (the explain block the
API, the pages and the exports share, re-exported here as `explain`)."""

from .score import explain

__all__ = ["explain"]
