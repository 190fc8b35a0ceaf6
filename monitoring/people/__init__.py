"""People in the product: agents, teams and user accounts with their roles, managed by the
center's managers and admins (the /people/ pages) and brought in from an HR system's CSV export.

- services.py: one function per use case (agent_create, team_update, user_create…), each in a
  transaction, refusing with PermissionDenied or a ValidationError naming the field;
- roster.py: the CSV import of agents and teams, all rows or none, with a row report;
- selectors.py, forms.py, views.py, urls.py: the pages.

Who may do any of it is `monitoring.permissions.can_manage_people` (and `can_edit_account`,
`grantable_roles` for accounts). Nothing here deletes anyone: an agent who leaves is made
inactive, keeps their calls and evaluations, and drops out of sampling (planning samples only
active agents); an account that should no longer log in is made inactive.
"""
