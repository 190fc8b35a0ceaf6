"""Reads of the coaching app, one module per area (plans, effect, needs, library, reviews,
follow-ups for planning)."""
