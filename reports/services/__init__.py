"""Reports' writes, one module per sub-domain (pretix's services/ layout):

- `performance`: the performance score's setup — components (weight, target, active) and bonus
  bands — validated as a whole and kept in history;
- `components`: values imported from other systems (attendance…), from a CSV file or the API;
- `close`: closing a month — freezing its figures and storing the adjustments it pays;
- `generate`: the monthly PDF reports.

Every page, API endpoint and management command calls these functions, so each rule is written
once. They take keyword arguments, run in a transaction and raise Django's ValidationError
({field: [reason]}), PermissionDenied or IllegalTransition, which qa_platform/errors.py turns
into 400, 403 and 409 on every surface.
"""
