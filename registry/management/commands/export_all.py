"""`manage.py export_all PATH`: every row of every table to one file (config/backup.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from config.backup import export_all, write_export


class Command(BaseCommand):
    help = ("Export every table of every app (people, assets, pages with every revision, approvals, "
            "activity, tokens, the search index) to PATH as JSON Lines, gzip-compressed if PATH ends "
            "in .gz; PATH - writes to standard output. Read back with import_all.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to write, or - for standard output.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to export.")

    def handle(self, *args: Any, path: str, database: str, **options: Any) -> None:
        started = time.monotonic()
        if path == "-":
            counts = write_export(sys.stdout, using=database)
            sys.stdout.flush()
            report = self.stderr
        else:
            if not Path(path).parent.is_dir():
                raise CommandError(f"No directory {Path(path).parent} to write {Path(path).name} into.")
            counts = export_all(Path(path), using=database)
            report = self.stdout
        report.write(f"Exported {sum(counts.values())} rows of {len(counts)} tables to {path} "
                     f"in {time.monotonic() - started:.1f}s.")
