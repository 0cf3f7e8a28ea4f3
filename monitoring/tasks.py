"""Drift evaluation in the background: after records arrive, and on beat's schedule."""

from __future__ import annotations

from jobs.tasks import background
from monitoring import services
from monitoring.models import MonitoringRecord
from registry.models import ModelVersion


@background("monitoring.evaluate")
def evaluate(model_version_id: int) -> int:
    version = ModelVersion.objects.filter(pk=model_version_id).first()
    if version is None:
        return 0
    return len(services.drift_evaluate(version=version))


@background("monitoring.evaluate_all")
def evaluate_all() -> int:
    """Every version with records not evaluated yet (a missed or lost evaluation)."""
    ids = (MonitoringRecord.objects.filter(evaluated=False)
           .values_list("model_version_id", flat=True).distinct())
    opened = 0
    for version in ModelVersion.objects.filter(pk__in=list(ids)):
        opened += len(services.drift_evaluate(version=version))
    return opened
