"""Pages for scoring, one module per job: `start` (starting an evaluation, the scoring screen),
`evaluations` (the evaluation page, its lifecycle steps, the list), `disputes` (resolving, the
dispute list), `builder` (scorecards and their versions).

Thin: scope through selectors, ask `permissions`, call a service, render. A service's refusal
becomes a message or a form error on the page with its status (403 wrong person, 409 wrong
state, 400 bad input) through `qa_platform.errors.page_errors`, never a 500.
"""
