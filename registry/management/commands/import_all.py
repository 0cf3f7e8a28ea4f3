"""`manage.py import_all PATH`: load an export_all file into an empty database (config/backup.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from config.backup import BackupError, import_all, read_export


class Command(BaseCommand):
    help = ("Load a file written by export_all (PATH - reads standard input) into this database, in "
            "one transaction. The database must be migrated to the export's migrations and hold no "
            "people yet, unless --replace.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to read (.gz: gzip-compressed), or - for standard input.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to load into.")
        parser.add_argument("--replace", action="store_true",
                            help="The database has data: delete all of it and load the export instead.")

    def handle(self, *args: Any, path: str, database: str, replace: bool, **options: Any) -> None:
        if path != "-" and not Path(path).is_file():
            raise CommandError(f"No file {path}.")
        started = time.monotonic()
        try:
            if path == "-":
                counts = read_export(sys.stdin, using=database, replace=replace)
            else:
                counts = import_all(Path(path), using=database, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The database refused the rows ({error}); nothing was imported.") from error
        self.stdout.write(f"Imported {sum(counts.values())} rows of {len(counts)} tables from {path} "
                          f"in {time.monotonic() - started:.1f}s.")
