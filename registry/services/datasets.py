"""Datasets, their schema and versions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from jobs.outbox import enqueue
from registry.models import Dataset, DatasetColumn, DatasetVersion, Person, Team
from registry.services.common import activity_record, record_update, save_validated, tags_from


@transaction.atomic
def dataset_create(
    *, slug: str, name: str, team: Team, by: Person, tags: Iterable[str] = (), **fields: Any
) -> Dataset:
    dataset = Dataset(slug=slug, name=name, team=team, **fields)
    save_validated(dataset)
    dataset.tags.set(tags_from(tags))
    activity_record(actor=by, verb="created", target=dataset)
    return dataset


@transaction.atomic
def dataset_update(
    *, dataset: Dataset, by: Person, tags: Iterable[str] | None = None, **fields: Any
) -> Dataset:
    record_update(dataset, by=by, fields=fields)
    if tags is not None:
        new = tags_from(tags)
        before = sorted(dataset.tags.values_list("name", flat=True))
        after = [t.name for t in new]
        if before != after:
            dataset.tags.set(new)
            Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
            activity_record(actor=by, verb="updated", target=dataset,
                            changes={"tags": [before, after]})
    return dataset


@transaction.atomic
def dataset_columns_set(
    *, dataset: Dataset, columns: Sequence[dict[str, Any]], by: Person
) -> list[DatasetColumn]:
    """Replace the schema. Each column: name, dtype, description, is_pii."""
    names = [c["name"].strip() for c in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValidationError({"columns": f"Column names repeat: {', '.join(duplicates)}."})
    before = list(dataset.columns.values_list("name", "dtype"))
    dataset.columns.all().delete()
    rows = []
    for position, column in enumerate(columns):
        row = DatasetColumn(dataset=dataset, position=position, name=column["name"].strip(),
                            dtype=column["dtype"].strip(),
                            description=column.get("description", ""),
                            is_pii=bool(column.get("is_pii", False)))
        row.full_clean(exclude=["dataset"])
        rows.append(row)
    DatasetColumn.objects.bulk_create(rows)
    after = [(r.name, r.dtype) for r in rows]
    if before != after:
        Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
        activity_record(actor=by, verb="changed schema", target=dataset,
                        changes={"columns": [[f"{n}: {t}" for n, t in before],
                                             [f"{n}: {t}" for n, t in after]]})
    return rows


@transaction.atomic
def dataset_version_add(
    *, dataset: Dataset, label: str, by: Person, released_on: date | None = None,
    row_count: int | None = None, size_bytes: int | None = None, checksum: str = "",
    location: str = "", notes: str = "",
) -> DatasetVersion:
    version = DatasetVersion(
        dataset=dataset, label=label, released_on=released_on, row_count=row_count,
        size_bytes=size_bytes, checksum=checksum, location=location, notes=notes, created_by=by,
    )
    try:
        save_validated(version)  # the label's uniqueness is the database's: asked only if refused
    except ValidationError as error:
        if DatasetVersion.objects.filter(dataset=dataset, label=label).exists():
            raise ValidationError({"label": f"{dataset} already has a version {label!r}."}) from error
        raise
    Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
    activity_record(actor=by, verb="added version", target=version)
    enqueue("notifications.version_added", dataset_version_id=version.pk)  # pages gone stale
    return version


@transaction.atomic
def dataset_version_register(
    *, dataset: Dataset, label: str, by: Person, idempotency_key: str | None = None, **fields: Any,
) -> tuple[DatasetVersion, bool]:
    """`dataset_version_add` a pipeline may retry: (the version, whether it was made now). The
    same label (or `Idempotency-Key`) with the same values answers with the stored version;
    with other values it is refused (409, the differing fields named in `differing`)."""
    from registry.services.models import (
        idempotency_scope,
        idempotent_lookup,
        idempotent_remember,
        same_or_conflict,
    )

    if connection.features.has_select_for_update:
        list(Dataset.objects.select_for_update().filter(pk=dataset.pk).values_list("pk"))
    scope = idempotency_scope(dataset)
    pk = idempotent_lookup(by=by, scope=scope, key=idempotency_key)
    existing = (dataset.versions.filter(pk=pk) if pk is not None
                else dataset.versions.filter(label=label)).first()
    if existing is not None:
        defaults = {"released_on": None, "row_count": None, "size_bytes": None, "checksum": "",
                    "location": "", "notes": ""}
        wanted = {"label": label, **{name: fields.get(name, default) for name, default in defaults.items()}}
        stored = {name: getattr(existing, name) for name in wanted}
        same_or_conflict(str(existing), stored, wanted)
        return existing, False
    version = dataset_version_add(dataset=dataset, label=label, by=by, **fields)
    idempotent_remember(by=by, scope=scope, key=idempotency_key, obj=version)
    return version, True
