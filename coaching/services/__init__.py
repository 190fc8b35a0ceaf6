"""Writes of the coaching app, one module per area; each function one use case, keyword
arguments, in a transaction."""
