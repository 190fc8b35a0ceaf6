"""The coaching app's pages, one module per area."""
