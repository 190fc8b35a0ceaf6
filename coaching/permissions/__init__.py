"""Who may do what in the coaching app: one module per area (plans, needs, library, reviews),
each rule answered once and asked by the pages, the API and the services alike."""
