"""`python manage.py import_teams FILE.csv`: the roster's teams, all rows or none."""

from monitoring.people.roster import teams_import_csv

from ._roster import RosterCommand


class Command(RosterCommand):
    help = (
        "Import teams from an HR system's CSV (name, site, optional lines_of_business and supervisors, "
        "each a ;-separated list), upserting by team name. UTF-8, UTF-8 with BOM or GB18030. A file with "
        "any bad row imports nothing and exits non-zero, naming the line and the column."
    )
    noun = "teams"
    importer = staticmethod(teams_import_csv)
