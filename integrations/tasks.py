"""The periodic MLflow import (scheduled by CELERY_BEAT_SCHEDULE when MLFLOW_TRACKING_URI is set)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.conf import settings

from integrations.mlflow import MlflowReader
from integrations.services import mlflow_import, mlflow_import_actor
from registry.models import Project


@shared_task(name="integrations.mlflow_sync")
def mlflow_sync() -> dict[str, Any]:
    """Import from MLFLOW_TRACKING_URI as MLFLOW_IMPORT_USER, new models under
    MLFLOW_IMPORT_PROJECT; the summary is the task's result (and its log line)."""
    uri = settings.MLFLOW_TRACKING_URI
    if not uri:
        return {"skipped": "MLFLOW_TRACKING_URI is not set"}
    project = Project.objects.filter(slug=settings.MLFLOW_IMPORT_PROJECT).first() \
        if settings.MLFLOW_IMPORT_PROJECT else None
    by = mlflow_import_actor(username=settings.MLFLOW_IMPORT_USER, project=project)
    summary = mlflow_import(reader=MlflowReader(uri), tracking_uri=uri.rstrip("/"), project=project, by=by)
    return asdict(summary)
