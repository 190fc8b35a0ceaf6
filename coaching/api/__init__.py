"""The coaching app's API views, one module per area."""
