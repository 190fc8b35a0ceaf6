"""`python manage.py import_calls FILE.csv [--encoding auto|utf-8|gb18030]`: all rows or none,
with a row-level report. The file is read as a stream (monitoring/ingest_copy.py): on PostgreSQL
through COPY, memory bounded by a chunk of rows, not by the file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring import encodings, services


class Command(BaseCommand):
    help = (
        "Import calls from a CSV file (header row of API field names) in UTF-8, UTF-8 with BOM or "
        "GB18030/GBK. A file with any bad row imports nothing and exits non-zero, naming the line and the field."
    )
    # The system checks take seconds here (longer than importing 100,000 rows on PostgreSQL);
    # `manage.py check`, the server and the deploy run them, an import need not.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a CSV file.")
        parser.add_argument(
            "--encoding",
            choices=[key for key, _label in encodings.CHOICES],
            default=encodings.AUTO,
            help="The file's text encoding: auto (the default) tries UTF-8, then GB18030.",
        )

    def handle(self, *args, file: str, encoding: str = encodings.AUTO, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with path.open("rb") as raw, encodings.open_text(raw, encoding, name=file) as text:
                result = services.calls_import_csv(stream=text)
        except encodings.FileEncodingError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        except services.CallImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: line {error.row}: {error.field}: {error.reason}")
            raise CommandError(f"{len(exc.errors)} error(s) in {file}; nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.total} calls from {file}: {result.created} new, {result.updated} updated."
            )
        )
