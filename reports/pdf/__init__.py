"""The PDF reports (DESIGN.md §6), drawn with reportlab: `base` (fonts, styles, numbers, tables,
the page), `charts` (reportlab.graphics: trend, bars, Pareto), `sections` (the blocks several
reports share) and one module per report kind — `agent`, `team`, `line`, `center`, `daily`,
`weekly` — each with a `render(...) -> bytes` that takes figures already computed (selectors) and
runs no query.

Every string goes through gettext, so a report is written in the language active when it is
rendered (`services.generate` wraps rendering in `translation.override`). All text is set in
reportlab's built-in CID font STSong-Light, which covers Latin and Chinese: a Chinese agent's
name prints as characters in either language, with nothing to embed or install.
"""
