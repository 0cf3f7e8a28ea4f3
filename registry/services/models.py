"""Models and their versions. Promotion to production is the lifecycle's
(lifecycle.services.promotion)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from registry.models import DatasetVersion, Lineage, MLModel, ModelVersion, Person, Project
from registry.services.common import activity_record, activity_ref, record_update, save_validated


@transaction.atomic
def model_create(
    *, slug: str, name: str, task: str, project: Project, by: Person, framework: str = "",
    description: str = "",
) -> MLModel:
    model = MLModel(slug=slug, name=name, task=task, project=project, framework=framework,
                    description=description)
    save_validated(model)
    activity_record(actor=by, verb="created", target=model)
    return model


@transaction.atomic
def model_update(*, model: MLModel, by: Person, **fields: Any) -> MLModel:
    return record_update(model, by=by, fields=fields)


@transaction.atomic
def model_version_add(
    *, model: MLModel, by: Person, number: int | None = None, status: str = "candidate",
    metrics: dict | None = None, code_revision: str = "", artifact_uri: str = "",
    trained_by: Person | None = None, notes: str = "",
    lineage: Sequence[tuple[DatasetVersion, str]] = (),
) -> ModelVersion:
    """Register a version; `number` defaults to the next one. Lineage: (dataset version, use)."""
    if connection.features.has_select_for_update:
        # the model's row lock serializes numbering (SQLite's BEGIN IMMEDIATE already has)
        list(MLModel.objects.select_for_update().filter(pk=model.pk).values_list("pk"))
    if number is None:
        number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    elif model.versions.filter(number=number).exists():
        raise ValidationError({"number": f"{model} already has a version {number}."})
    if metrics is not None and not isinstance(metrics, dict):
        raise ValidationError({"metrics": "Metrics are an object of name: value."})
    if status == ModelVersion.Status.PRODUCTION:
        raise ApplicationError("A version is registered first and promoted to production after: "
                               "promotion checks the documentation of the version.")
    version = ModelVersion(
        model=model, number=number, status=status, metrics=metrics or {},
        code_revision=code_revision, artifact_uri=artifact_uri, trained_by=trained_by or by,
        notes=notes, created_by=by,
    )
    save_validated(version)
    _lineage_add(version, lineage)
    MLModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())
    activity_record(actor=by, verb="added version", target=version,
                    changes={"lineage": [None, [activity_ref(dv, note=use) for dv, use in lineage]]}
                    if lineage else {})
    enqueue("notifications.version_added", model_version_id=version.pk)  # pages gone stale
    return version


def _lineage_add(version: ModelVersion, lineage: Sequence[tuple[DatasetVersion, str]]) -> None:
    seen = set()
    for dataset_version, use in lineage:
        if use not in Lineage.Use.values:
            raise ValidationError({"lineage": f"Unknown use {use!r}: training or evaluation."})
        if (dataset_version.pk, use) in seen:
            continue
        seen.add((dataset_version.pk, use))
        Lineage.objects.create(model_version=version, dataset_version=dataset_version, use=use)


@transaction.atomic
def model_version_lineage_add(
    *, version: ModelVersion, lineage: Sequence[tuple[DatasetVersion, str]], by: Person,
) -> list[tuple[DatasetVersion, str]]:
    """Add dataset versions a registered version used (reported after it was registered, e.g.
    by an OpenLineage run). Links it already has are skipped; returns the ones added."""
    have = set(version.lineage.values_list("dataset_version_id", "use"))
    new = list(dict.fromkeys((dv, use) for dv, use in lineage if (dv.pk, use) not in have))
    if not new:
        return []
    _lineage_add(version, new)
    activity_record(actor=by, verb="added lineage", target=version,
                    changes={"lineage": [None, [activity_ref(dv, note=use) for dv, use in new]]})
    return new
