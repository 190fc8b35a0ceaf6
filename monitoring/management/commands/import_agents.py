"""`python manage.py import_agents FILE.csv`: the roster's agents, all rows or none."""

from monitoring.people.roster import agents_import_csv

from ._roster import RosterCommand


class Command(RosterCommand):
    help = (
        "Import agents from an HR system's CSV (employee_id, name, team, hire_date, optional active and "
        "username), upserting by employee id. UTF-8, UTF-8 with BOM or GB18030. A file with any bad row "
        "imports nothing and exits non-zero, naming the line and the column."
    )
    noun = "agents"
    importer = staticmethod(agents_import_csv)
