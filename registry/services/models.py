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
from registry.metadata import clean_metrics, clean_params, clean_tags
from registry.models import (
    DatasetVersion,
    IdempotentRequest,
    Lineage,
    MLModel,
    ModelVersion,
    Person,
    Project,
)
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
    enqueue("notifications.version_added", model_version_id=version.pk)  # pages gone stale
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


# --- registration a pipeline may retry -----------------------------------------------------------
def _lineage_keys(lineage: Sequence[tuple[DatasetVersion, str]]) -> set[tuple[int, str]]:
    return {(dv.pk, use) for dv, use in lineage}


def differing_fields(stored: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """The names whose wanted value is not the stored one, sorted."""
    return sorted(name for name, value in wanted.items() if stored.get(name) != value)


def _version_facts(version: ModelVersion) -> dict[str, Any]:
    return {"number": version.number, "metrics": version.metrics,
            "params": version.params, "tags": version.tags, "run_id": version.run_id,
            "source_uri": version.source_uri, "code_revision": version.code_revision,
            "artifact_uri": version.artifact_uri, "trained_by": version.trained_by_id,
            "notes": version.notes,
            "lineage": set(version.lineage.values_list("dataset_version_id", "use"))}


def idempotency_scope(obj: object) -> str:
    return f"{type(obj).__name__.lower()}:{obj.pk}"


def idempotent_lookup(*, by: Person, scope: str, key: str | None) -> int | None:
    """The id of what `by` registered under `scope` with the `Idempotency-Key` `key`."""
    if not key:
        return None
    if len(key) > 200:
        raise ValidationError({"Idempotency-Key": "At most 200 characters."})
    return IdempotentRequest.objects.filter(person=by, scope=scope, key=key).values_list(
        "object_id", flat=True).first()


def idempotent_remember(*, by: Person, scope: str, key: str | None, obj: object) -> None:
    if key:
        IdempotentRequest.objects.create(person=by, scope=scope, key=key, object_id=obj.pk)


def same_or_conflict(what: str, stored: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Nothing when `wanted` is what is stored; otherwise a 409 naming the differing fields."""
    differing = differing_fields(stored, wanted)
    if differing:
        raise ApplicationError(
            f"{what} is already registered with other values: {', '.join(differing)}. "
            "Nothing was changed; register a new one instead.", extra={"differing": differing})


@transaction.atomic
def model_version_register(
    *, model: MLModel, by: Person, idempotency_key: str | None = None, **fields: Any,
) -> tuple[ModelVersion, bool]:
    """`model_version_add` a pipeline may retry: (the version, whether it was made now). The
    same registration again (the same `number`, or `run_id`, or `Idempotency-Key`) with the
    same values answers with the stored version; with other values it is refused (409, the
    differing fields named in `differing`)."""
    if connection.features.has_select_for_update:
        list(MLModel.objects.select_for_update().filter(pk=model.pk).values_list("pk"))
    scope = idempotency_scope(model)
    existing = None
    pk = idempotent_lookup(by=by, scope=scope, key=idempotency_key)
    if pk is not None:
        existing = model.versions.filter(pk=pk).first()
    elif fields.get("number") is not None:
        existing = model.versions.filter(number=fields["number"]).first()
    elif fields.get("run_id"):
        existing = model.versions.filter(run_id=fields["run_id"]).order_by("number").first()
    if existing is not None:
        # the status is not compared: a version promoted since is still the one registered
        wanted = {
            "metrics": fields.get("metrics") or {}, "params": fields.get("params") or {},
            "tags": fields.get("tags") or {}, "run_id": fields.get("run_id", ""),
            "source_uri": fields.get("source_uri", ""), "code_revision": fields.get("code_revision", ""),
            "artifact_uri": fields.get("artifact_uri", ""), "notes": fields.get("notes", ""),
            "trained_by": (fields.get("trained_by") or by).pk,
            "lineage": _lineage_keys(fields.get("lineage", ())),
        }
        if fields.get("number") is not None:
            wanted["number"] = fields["number"]
        same_or_conflict(str(existing), _version_facts(existing), wanted)
        return existing, False
    version = model_version_add(model=model, by=by, **fields)
    idempotent_remember(by=by, scope=scope, key=idempotency_key, obj=version)
    return version, True
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
