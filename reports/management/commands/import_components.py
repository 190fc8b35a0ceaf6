"""`python manage.py import_components FILE.csv`: imported component values (attendance…), all
rows or none, with every bad row named (line, field, reason)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services import components as services


class Command(BaseCommand):
    help = (
        "Import component values from a CSV file with the columns employee_id, month (YYYY-MM), component (code) "
        "and value (0-100). UTF-8, UTF-8 with BOM or GB18030. A file with any bad row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument("--check", action="store_true", help="Only validate the file; import nothing.")

    def handle(self, *args, file: str, check: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        rows, problems = services.read_csv(path.read_bytes())
        if not problems:
            _clean, problems = services.component_values_check(rows)
        if problems:
            for problem in problems:
                self.stderr.write(f"{file}: line {problem.row}: {problem.field}: {problem.reason}")
            raise CommandError(f"{len(problems)} error(s) in {file}; nothing was imported.")
        if check:
            self.stdout.write(self.style.SUCCESS(f"{file}: {len(rows)} rows, all valid; nothing imported (--check)."))
            return
        result = services.component_values_import(rows=rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows} values from {file}: {result.created} new, {result.updated} replaced."
            )
        )
