"""What every write of every app shares: the activity log, validated saves, tags."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    MLModel,
    ModelVersion,
    Person,
    Project,
    RoleAssignment,
    Tag,
)


def activity_home(target: object) -> Project | None:
    """The project an object lives under (None when it lives under none), stored on its
    Activity rows: whether a row of an object the registry does not know (a page, a sprint) is
    read is decided from it when the row is read."""
    if isinstance(target, Project):
        return target
    if isinstance(target, Dataset):
        return target.home_project
    if isinstance(target, DatasetVersion):
        return target.dataset.home_project
    if isinstance(target, MLModel):
        return target.project
    if isinstance(target, ModelVersion):
        return target.model.project
    if isinstance(target, RoleAssignment):
        return activity_home(target.target)
    if hasattr(target, "activity_home"):
        return target.activity_home()
    return None


REF_TYPES: dict[type, str] = {Project: "project", Dataset: "dataset", MLModel: "model",
                              DatasetVersion: "dataset_version", ModelVersion: "model_version"}


def activity_ref(obj: Model, *, note: str = "") -> dict[str, str]:
    """A project, dataset, model or version named in an Activity's `changes`, kept as a
    reference so that a reader who cannot see it is shown only its kind
    (registry.selectors.visible_changes)."""
    kind = REF_TYPES[type(obj)]
    if isinstance(obj, DatasetVersion):
        slug = f"{obj.dataset.slug}@{obj.label}"
    elif isinstance(obj, ModelVersion):
        slug = f"{obj.model.slug}@{obj.number}"
    else:
        slug = obj.slug
    return {"type": kind, "slug": slug, "name": f"{obj} ({note})" if note else str(obj)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return activity_ref(value) if type(value) in REF_TYPES else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def activity_record(
    *, actor: Person | None, verb: str, target: Model, changes: dict | None = None
) -> Activity:
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    return Activity.objects.create(
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_repr=str(target)[:255],
        target_url=url,
        scope_project=activity_home(target),
        changes=changes or {},
    )


def _apply(instance: Model, fields: dict[str, Any]) -> dict[str, list]:
    """Set fields, return {field: [before, after]} for those that really changed."""
    changes: dict[str, list] = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = [_jsonable(before), _jsonable(value)]
            setattr(instance, name, value)
    return changes


def save_validated(instance: Model, *, update_fields: Iterable[str] | None = None) -> None:
    """`full_clean()`, split where the database does the work anyway.

    The field checks the database does not make (lengths on SQLite, choices, validators) and
    `clean()` run first. Unique and check constraints are the database's: the save is tried,
    and only if it refuses are they checked one by one, to name the rule that was broken
    (as full_clean would have). A relation set to a row just read needs no existence check.
    """
    instance.clean_fields(exclude=_loaded_relations(instance))
    instance.clean()
    try:
        with _statement_undone_on_error():
            if update_fields is None:
                instance.save()
            else:
                instance.save(update_fields=[*update_fields, *_auto_fields(instance)])
    except IntegrityError as error:
        instance.validate_unique()
        instance.validate_constraints()
        # nothing left to name: a concurrent writer won a unique race
        raise ValidationError("This conflicts with an existing record.") from error


@contextmanager
def _statement_undone_on_error() -> Iterator[None]:
    """Around one save whose IntegrityError the caller answers within its transaction.
    PostgreSQL aborts the transaction on an error: a savepoint keeps it usable. SQLite undoes
    only the refused statement and keeps the transaction: no savepoint (two statements fewer
    on every create), only Django's flag that the block must roll back is lowered again."""
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    try:
        yield
    except IntegrityError:
        transaction.set_rollback(False)
        raise


def _loaded_relations(instance: Model) -> list[str]:
    return [field.name for field in instance._meta.concrete_fields
            if field.is_relation and field.is_cached(instance)
            and getattr(field.get_cached_value(instance), "pk", None) is not None]


def _auto_fields(instance: Model) -> list[str]:
    return ["updated_at"] if hasattr(instance, "updated_at") else []


def record_update(instance: Model, *, by: Person, fields: dict[str, Any]) -> Model:
    """Set `fields` on `instance`, save those that changed and record them as "updated"."""
    changes = _apply(instance, fields)
    if changes:
        save_validated(instance, update_fields=list(changes))
        activity_record(actor=by, verb="updated", target=instance, changes=changes)
    return instance


def tags_from(names: Iterable[str]) -> list[Tag]:
    """The tags named (made if new), lowercased, each once, sorted."""
    clean = sorted({n.strip().lower() for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    tags = []
    for name in clean:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            tag.full_clean()
            tag.save()
        tags.append(tag)
    return tags
