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
from registry.metadata import clean_metrics, clean_params, clean_tags
from registry.models import DatasetVersion, Lineage, MLModel, ModelVersion, Person, Project
from registry.services.common import activity_record, activity_ref, record_update, save_validated


@transaction.atomic
def model_create(
    *, slug: str, name: str, task: str, project: Project, by: Person, framework: str = "",
    description: str = "", tags: dict | None = None,
) -> MLModel:
    model = MLModel(slug=slug, name=name, task=task, project=project, framework=framework,
                    description=description, tags=clean_tags(tags or {}))
    save_validated(model)
    activity_record(actor=by, verb="created", target=model)
    return model


@transaction.atomic
def model_update(*, model: MLModel, by: Person, **fields: Any) -> MLModel:
    if "tags" in fields:
        fields["tags"] = clean_tags(fields["tags"] or {})
    return record_update(model, by=by, fields=fields)


@transaction.atomic
def model_version_add(
    *, model: MLModel, by: Person, number: int | None = None, status: str = "candidate",
    metrics: dict | None = None, code_revision: str = "", artifact_uri: str = "",
    trained_by: Person | None = None, notes: str = "",
    lineage: Sequence[tuple[DatasetVersion, str]] = (), params: dict | None = None,
    tags: dict | None = None, run_id: str = "", source_uri: str = "",
) -> ModelVersion:
    """Register a version; `number` defaults to the next one. Lineage: (dataset version, use).
    Metrics are finite numbers, params and tags within registry.metadata's limits."""
    metrics = clean_metrics(metrics if metrics is not None else {})
    params = clean_params(params if params is not None else {})
    tags = clean_tags(tags if tags is not None else {})
    if connection.features.has_select_for_update:
        # the model's row lock serializes numbering (SQLite's BEGIN IMMEDIATE already has)
        list(MLModel.objects.select_for_update().filter(pk=model.pk).values_list("pk"))
    if number is None:
        number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    elif model.versions.filter(number=number).exists():
        raise ValidationError({"number": f"{model} already has a version {number}."})
    if status == ModelVersion.Status.PRODUCTION:
        raise ApplicationError("A version is registered first and promoted to production after: "
                               "promotion checks the documentation of the version.")
    version = ModelVersion(
        model=model, number=number, status=status, metrics=metrics or {},
        code_revision=code_revision, artifact_uri=artifact_uri, trained_by=trained_by or by,
        notes=notes, created_by=by, params=params, tags=tags, run_id=run_id, source_uri=source_uri,
    )
    save_validated(version)
    _lineage_add(version, lineage)
    MLModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())
    activity_record(actor=by, verb="added version", target=version,
                    changes={"lineage": [None, [activity_ref(dv, note=use) for dv, use in lineage]]}
                    if lineage else {})
    return version


@transaction.atomic
def model_version_update(*, version: ModelVersion, by: Person, tags: dict | None = None,
                         notes: str | None = None) -> ModelVersion:
    """Change what may change after registration: tags and notes (status: lifecycle.services)."""
    fields: dict[str, Any] = {}
    if tags is not None:
        fields["tags"] = clean_tags(tags)
    if notes is not None:
        fields["notes"] = notes
    return record_update(version, by=by, fields=fields)


def _lineage_add(version: ModelVersion, lineage: Sequence[tuple[DatasetVersion, str]]) -> None:
    seen = set()
    for dataset_version, use in lineage:
        if use not in Lineage.Use.values:
            raise ValidationError({"lineage": f"Unknown use {use!r}: training or evaluation."})
        if (dataset_version.pk, use) in seen:
            continue
        seen.add((dataset_version.pk, use))
        Lineage.objects.create(model_version=version, dataset_version=dataset_version, use=use)
