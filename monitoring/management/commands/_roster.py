"""What `import_agents` and `import_teams` share: read the file, report every bad row on
stderr as `FILE: line N: column: reason`, and exit non-zero when nothing was imported."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring.people.roster import RosterImportError


class RosterCommand(BaseCommand):
    noun = ""
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a CSV file (UTF-8, UTF-8 with BOM, or GB18030).")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = self.importer(data=path.read_bytes(), name=file)
        except RosterImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: line {error.row}: {error.field}: {error.reason}")
            raise CommandError(f"{len(exc.errors)} error(s) in {file}; nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.total} {self.noun} from {file}: {result.created} new, "
                f"{result.updated} changed, {result.unchanged} unchanged."
            )
        )
