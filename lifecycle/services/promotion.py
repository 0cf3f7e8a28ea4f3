"""A model version's status and the aliases that name versions. Production and serving aliases
pass the per-version promotion gate (lifecycle.gates.promotion_checklist); a model has at most
one production version, the database says so (`model_version_one_production`), and promoting a
version archives the one it replaces in the same transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.exceptions import ApplicationError
from lifecycle import gates, permissions
from registry.models import MLModel, ModelAlias, ModelVersion, Person, slug_validator
from registry.services import activity_record, activity_ref

PRODUCTION = ModelVersion.Status.PRODUCTION
# one verb for every status change (webhooks and the audit bundle read it); a promotion's
# `changes` name the version it replaced, and the archived one's the version that replaced it
STATUS_CHANGED = "changed status"


def _lock_model(model: MLModel) -> None:
    """Serialize status and alias changes of one model (SQLite's BEGIN IMMEDIATE already has)."""
    if connection.features.has_select_for_update:
        list(MLModel.objects.select_for_update().filter(pk=model.pk).values_list("pk"))


def _touch(model: MLModel) -> None:
    MLModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())


@transaction.atomic
def model_version_set_status(*, version: ModelVersion, status: str, by: Person) -> ModelVersion:
    """Change a version's status. To `production` only through the promotion gate (for an
    archived version too); the production version it replaces is archived, and both rows of
    the activity log name the other."""
    if not permissions.can_change_version_status(by, version):
        raise PermissionDenied
    if status not in ModelVersion.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    _lock_model(version.model)
    version.refresh_from_db(fields=["status"])
    if status == version.status:
        return version
    replaced = None
    if status == PRODUCTION:
        gates.promotion_guard(version)
        replaced = version.model.versions.filter(status=PRODUCTION).exclude(pk=version.pk).first()
        if replaced is not None:
            replaced.status = ModelVersion.Status.ARCHIVED
            replaced.save(update_fields=["status"])
            activity_record(actor=by, verb=STATUS_CHANGED, target=replaced,
                            changes={"status": [PRODUCTION, ModelVersion.Status.ARCHIVED],
                                     "replaced_by": [None, activity_ref(version)]})
    before = version.status
    version.status = status
    try:
        with transaction.atomic():
            version.save(update_fields=["status"])
    except IntegrityError as error:  # a concurrent promotion won (the constraint held)
        raise ApplicationError(f"Another version of {version.model} went to production at the same "
                               "time; reload and try again.") from error
    _touch(version.model)
    changes: dict = {"status": [before, status]}
    if replaced is not None:
        changes["replaced"] = [activity_ref(replaced), None]
    activity_record(actor=by, verb=STATUS_CHANGED,
                    target=version, changes=changes)
    return version


def _check_alias_name(name: str) -> None:
    if len(name) > 60:
        raise ValidationError({"alias": "An alias is at most 60 characters."})
    try:
        slug_validator(name)
    except ValidationError as error:
        raise ValidationError({"alias": error.messages}) from error
    if name.isdigit():
        raise ValidationError({"alias": "An alias is not a number (that names a version)."})


@transaction.atomic
def model_alias_set(*, model: MLModel, name: str, version: ModelVersion, by: Person,
                    serving: bool | None = None) -> ModelAlias:
    """Point the alias `name` of `model` at `version` (made, or moved from its version). A
    serving alias (`serving`, kept when left out; new ones are not) passes the promotion gate."""
    if version.model_id != model.pk:
        raise ValidationError({"version": f"v{version.number} is not a version of {model}."})
    if not permissions.can_change_version_status(by, version):
        raise PermissionDenied
    _check_alias_name(name)
    _lock_model(model)
    alias = ModelAlias.objects.filter(model=model, name=name).select_related("version").first()
    before = alias.version if alias else None
    serving = serving if serving is not None else bool(alias and alias.serving)
    if alias and alias.version_id == version.pk and alias.serving == serving:
        return alias
    if serving:
        gates.promotion_guard(version, to=f"the serving alias “{name}”")
    if alias is None:
        alias = ModelAlias(model=model, name=name, version=version, serving=serving, updated_by=by)
    else:
        alias.version, alias.serving, alias.updated_by = version, serving, by
    alias.save()
    _touch(model)
    activity_record(actor=by, verb="set alias" if before is None else "moved alias", target=version,
                    changes={"alias": [None, name],
                             "from": [activity_ref(before) if before else None, None],
                             **({"serving": [None, True]} if serving else {})})
    return alias


@transaction.atomic
def model_alias_remove(*, model: MLModel, name: str, by: Person) -> None:
    alias = ModelAlias.objects.filter(model=model, name=name).select_related("version").first()
    if alias is None:
        raise ValidationError({"alias": f"{model} has no alias {name!r}."})
    if not permissions.can_change_version_status(by, alias.version):
        raise PermissionDenied
    version = alias.version
    alias.delete()
    _touch(model)
    activity_record(actor=by, verb="removed alias", target=version, changes={"alias": [name, None]})
