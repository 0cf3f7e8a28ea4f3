"""`manage.py export_all PATH`: every row of every table to one file (config/backup.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from config.backup import export_all


class Command(BaseCommand):
    help = ("Export every table of every app (with every page revision, approval, activity and "
            "token) to PATH, JSON Lines; gzip-compressed if PATH ends in .gz. Read back with import_all.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to export.")

    def handle(self, *args: Any, path: Path, database: str, **options: Any) -> None:
        if not path.parent.is_dir():
            raise CommandError(f"No directory {path.parent} to write {path.name} into.")
        started = time.monotonic()
        counts = export_all(path, using=database)
        self.stdout.write(f"Exported {sum(counts.values())} rows of {len(counts)} tables to {path} "
                          f"in {time.monotonic() - started:.1f}s.")
