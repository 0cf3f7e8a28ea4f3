"""python manage.py import_mlflow --tracking-uri http://mlflow:5000 --project card-fraud-detection"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.exceptions import ApplicationError
from integrations.mlflow import MlflowError, MlflowReader
from integrations.services import mlflow_import, mlflow_import_actor
from registry.models import Project


class Command(BaseCommand):
    help = ("Import an MLflow tracking server's registered models and versions (with the source runs' "
            "metrics) as Almanac models and versions. Idempotent; prints a summary.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tracking-uri", default=settings.MLFLOW_TRACKING_URI,
                            help="The MLflow server (default: MLFLOW_TRACKING_URI).")
        parser.add_argument("--project", default=settings.MLFLOW_IMPORT_PROJECT,
                            help="Slug of the project new models go under (default: MLFLOW_IMPORT_PROJECT).")
        parser.add_argument("--as", dest="username", default=settings.MLFLOW_IMPORT_USER,
                            help="Who the import acts as (default: MLFLOW_IMPORT_USER, else the "
                                 "project team's first lead).")

    def handle(self, *args: Any, tracking_uri: str, project: str, username: str, **options: Any) -> None:
        if not tracking_uri:
            raise CommandError("Say which MLflow server: --tracking-uri URL (or MLFLOW_TRACKING_URI).")
        target = Project.objects.filter(slug=project).select_related("team").first() if project else None
        if project and target is None:
            raise CommandError(f"No project {project!r}.")
        try:
            by = mlflow_import_actor(username=username, project=target)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        started = time.monotonic()
        try:
            summary = mlflow_import(reader=MlflowReader(tracking_uri), tracking_uri=tracking_uri.rstrip("/"),
                                    project=target, by=by, progress=self._progress)
        except MlflowError as error:
            raise CommandError(f"MLflow could not be read: {error}") from error
        if self._bar_shown:
            self.stderr.write("")
        for message in summary.messages:
            self.stdout.write(f"  {message}")
        self.stdout.write(
            f"Imported from {tracking_uri} as {by.username} in {time.monotonic() - started:.1f} s: "
            f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.refused} refused, {summary.marked_missing} marked missing "
            "(models and versions; refused counts pending aliases too).")

    _bar_shown = False

    def _progress(self, done: int, total: int, name: str) -> None:
        """A bar redrawn in place on a terminal; elsewhere (a log) a line every tenth."""
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} models  {name[:40]}"
        if self.stderr.isatty():
            self._bar_shown = True
            self.stderr.write(f"\r{line:<{width + 60}}", ending="")
            sys.stderr.flush()
        elif done == total or done % max(total // 10, 1) == 0:
            self.stderr.write(line)
