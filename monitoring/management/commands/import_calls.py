"""`python manage.py import_calls FILE.csv`: all rows or none, with a row-level report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring import services


class Command(BaseCommand):
    help = "Import calls from a CSV file (header row of API field names). A file with any bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 CSV file.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = services.calls_import_csv(stream=stream)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc})") from None
        except services.CallImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: line {error.row}: {error.field}: {error.reason}")
            raise CommandError(f"{len(exc.errors)} error(s) in {file}; nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.total} calls from {file}: {result.created} new, {result.updated} updated."
            )
        )
