"""Every write to the registry goes through here, and each records an Activity row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from config.exceptions import ApplicationError
from registry.models import (
    ALLOWED_TRANSITIONS,
    PRE_DEPLOYMENT,
    Activity,
    Dataset,
    DatasetColumn,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    RoleAssignment,
    Stage,
    StageTransition,
    Tag,
    Team,
)
from registry.permissions import activity_scope


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
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
        scope_project=activity_scope(target),
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


def _save_validated(instance: Model, *, update_fields: Iterable[str] | None = None) -> None:
    """`full_clean()`, split where the database does the work anyway.

    The field checks the database does not make (lengths on SQLite, choices, validators) and
    `clean()` run first. Unique and check constraints are the database's: the save is tried,
    and only if it refuses are they checked one by one, to name the rule that was broken
    (as full_clean would have). A relation set to a row just read needs no existence check.
    """
    instance.clean_fields(exclude=_loaded_relations(instance))
    instance.clean()
    try:
        with transaction.atomic():
            if update_fields is None:
                instance.save()
            else:
                instance.save(update_fields=[*update_fields, *_auto_fields(instance)])
    except IntegrityError as error:
        instance.validate_unique()
        instance.validate_constraints()
        # nothing left to name: a concurrent writer won a unique race
        raise ValidationError("This conflicts with an existing record.") from error


def _loaded_relations(instance: Model) -> list[str]:
    return [field.name for field in instance._meta.concrete_fields
            if field.is_relation and field.is_cached(instance)
            and getattr(field.get_cached_value(instance), "pk", None) is not None]


def _auto_fields(instance: Model) -> list[str]:
    return ["updated_at"] if hasattr(instance, "updated_at") else []


def _update(instance: Model, *, by: Person, fields: dict[str, Any]) -> Model:
    changes = _apply(instance, fields)
    if changes:
        _save_validated(instance, update_fields=list(changes))
        activity_record(actor=by, verb="updated", target=instance, changes=changes)
    return instance


# --- teams and memberships ----------------------------------------------------------
@transaction.atomic
def team_create(*, slug: str, name: str, description: str = "", by: Person) -> Team:
    team = Team(slug=slug, name=name, description=description)
    _save_validated(team)
    Membership.objects.create(team=team, person=by, level=Membership.Level.LEAD)
    activity_record(actor=by, verb="created", target=team)
    return team


@transaction.atomic
def team_update(*, team: Team, by: Person, **fields: Any) -> Team:
    return _update(team, by=by, fields=fields)


@transaction.atomic
def membership_set(*, team: Team, person: Person, level: str, by: Person) -> Membership:
    if level not in Membership.Level.values:
        raise ValidationError({"level": f"Unknown level {level!r}."})
    membership, created = Membership.objects.select_for_update().get_or_create(
        team=team, person=person, defaults={"level": level}
    )
    if created:
        activity_record(actor=by, verb="added member", target=team,
                        changes={"member": [None, person.username], "level": [None, level]})
        return membership
    if membership.level != level:
        _guard_last_lead(team, membership)
        before = membership.level
        membership.level = level
        membership.save(update_fields=["level"])
        activity_record(actor=by, verb="changed member level", target=team,
                        changes={"member": [person.username, person.username],
                                 "level": [before, level]})
    return membership


def _guard_last_lead(team: Team, membership: Membership) -> None:
    if membership.level == Membership.Level.LEAD and not team.memberships.filter(
        level=Membership.Level.LEAD
    ).exclude(pk=membership.pk).exists():
        raise ApplicationError(f"{membership.person} is the last lead of {team}; name another first.")


@transaction.atomic
def membership_remove(*, team: Team, person: Person, by: Person) -> None:
    membership = Membership.objects.select_for_update().filter(team=team, person=person).first()
    if membership is None:
        raise ApplicationError(f"{person} is not in {team}.")
    _guard_last_lead(team, membership)
    membership.delete()
    activity_record(actor=by, verb="removed member", target=team,
                    changes={"member": [person.username, None]})


# --- roles --------------------------------------------------------------------------
@transaction.atomic
def role_create(*, slug: str, name: str, description: str = "", by: Person) -> Role:
    role = Role(slug=slug, name=name, description=description)
    _save_validated(role)
    return role


@transaction.atomic
def role_assign(
    *, role: Role, person: Person, target: Project | Dataset | MLModel, by: Person
) -> RoleAssignment:
    key = {"project": Project, "dataset": Dataset, "model": MLModel}
    field = next(name for name, cls in key.items() if isinstance(target, cls))
    existing = RoleAssignment.objects.filter(role=role, person=person, **{field: target}).first()
    if existing:
        raise ApplicationError(f"{person} already holds {role} on {target}.")
    assignment = RoleAssignment(role=role, person=person, **{field: target})
    _save_validated(assignment)
    activity_record(actor=by, verb="assigned role", target=target,
                    changes={"role": [None, f"{role.name}: {person.username}"]})
    return assignment


@transaction.atomic
def role_unassign(*, assignment: RoleAssignment, by: Person) -> None:
    target = assignment.target
    label = f"{assignment.role.name}: {assignment.person.username}"
    assignment.delete()
    activity_record(actor=by, verb="removed role", target=target, changes={"role": [label, None]})


# --- projects -----------------------------------------------------------------------
@transaction.atomic
def project_create(
    *, slug: str, name: str, team: Team, summary: str = "", visibility: str = "internal",
    datasets: Sequence[Dataset] = (), by: Person,
) -> Project:
    now = timezone.now()
    project = Project(slug=slug, name=name, team=team, summary=summary, visibility=visibility,
                      stage=Stage.PROPOSED, stage_changed_at=now)
    _save_validated(project)
    project.datasets.set(datasets)
    StageTransition.objects.create(project=project, from_stage="", to_stage=Stage.PROPOSED,
                                   note="Project registered.", actor=by)
    activity_record(actor=by, verb="created", target=project)
    return project


@transaction.atomic
def project_update(
    *, project: Project, by: Person, datasets: Sequence[Dataset] | None = None, **fields: Any
) -> Project:
    if "stage" in fields:
        raise ApplicationError("Change the stage through a transition, not an edit.")
    _update(project, by=by, fields=fields)
    if datasets is not None:
        before = set(project.datasets.values_list("slug", flat=True))
        after = {d.slug for d in datasets}
        if before != after:
            project.datasets.set(datasets)
            activity_record(actor=by, verb="linked datasets", target=project,
                            changes={"datasets": [sorted(before), sorted(after)]})
    return project


# Rules that apps above the registry add (the lifecycle's documentation gates): each is
# called with the project, the stage it would enter and who asks (the refusal names only
# what they may see), or with the model about to be promoted, and raises ApplicationError
# to refuse. Registered in their AppConfig.ready().
TRANSITION_GUARDS: list[Callable[[Project, str, Person], None]] = []
PROMOTION_GUARDS: list[Callable[[MLModel], None]] = []


def transition_check(*, project: Project, to: str) -> None:
    """Raise unless the lifecycle allows moving `project` to `to` (shape, not docs)."""
    if to not in Stage.values:
        raise ValidationError({"stage": f"Unknown stage {to!r}."})
    if to not in ALLOWED_TRANSITIONS[project.stage]:
        allowed = ", ".join(Stage(s).label for s in project.allowed_next_stages()) or "none"
        raise ApplicationError(
            f"A project cannot go from {Stage(project.stage).label} to {Stage(to).label}. "
            f"Allowed next: {allowed}."
        )


@transaction.atomic
def project_stage_change(
    *, project: Project, to: str, note: str = "", by: Person, override_reason: str = ""
) -> StageTransition:
    """Move `project` to `to`. Staff may pass unmet guards with an `override_reason`."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    transition_check(project=project, to=to)
    if to == Stage.ABANDONED and not note.strip():
        raise ValidationError({"note": "Say why the project is abandoned."})
    if to == Stage.ABANDONED and project.stage not in PRE_DEPLOYMENT:
        raise ApplicationError("Only a project before deployment can be abandoned.")
    override_reason = override_reason.strip()
    if override_reason and not by.is_staff:
        raise ApplicationError("Only staff may override the documentation requirements.")
    try:
        for guard in TRANSITION_GUARDS:
            guard(project, to, by)
        override_reason = ""  # nothing to override: do not record one
    except ApplicationError:
        if not override_reason:
            raise
    transition = StageTransition.objects.create(
        project=project, from_stage=project.stage, to_stage=to, note=note.strip(),
        override_reason=override_reason.strip(), actor=by,
    )
    changes = {"stage": [project.stage, to]}
    project.stage = to
    project.stage_changed_at = transition.created_at
    project.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    activity_record(actor=by, verb="moved stage", target=project, changes=changes)
    return transition


# --- datasets -----------------------------------------------------------------------
def _tags_from(names: Iterable[str]) -> list[Tag]:
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


@transaction.atomic
def dataset_create(
    *, slug: str, name: str, team: Team, by: Person, tags: Iterable[str] = (), **fields: Any
) -> Dataset:
    dataset = Dataset(slug=slug, name=name, team=team, **fields)
    _save_validated(dataset)
    dataset.tags.set(_tags_from(tags))
    activity_record(actor=by, verb="created", target=dataset)
    return dataset


@transaction.atomic
def dataset_update(
    *, dataset: Dataset, by: Person, tags: Iterable[str] | None = None, **fields: Any
) -> Dataset:
    _update(dataset, by=by, fields=fields)
    if tags is not None:
        new = _tags_from(tags)
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
    if DatasetVersion.objects.filter(dataset=dataset, label=label).exists():
        raise ValidationError({"label": f"{dataset} already has a version {label!r}."})
    version = DatasetVersion(
        dataset=dataset, label=label, released_on=released_on, row_count=row_count,
        size_bytes=size_bytes, checksum=checksum, location=location, notes=notes, created_by=by,
    )
    _save_validated(version)
    Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
    activity_record(actor=by, verb="added version", target=version)
    return version


# --- models -------------------------------------------------------------------------
@transaction.atomic
def model_create(
    *, slug: str, name: str, task: str, project: Project, by: Person, framework: str = "",
    description: str = "",
) -> MLModel:
    model = MLModel(slug=slug, name=name, task=task, project=project, framework=framework,
                    description=description)
    _save_validated(model)
    activity_record(actor=by, verb="created", target=model)
    return model


@transaction.atomic
def model_update(*, model: MLModel, by: Person, **fields: Any) -> MLModel:
    return _update(model, by=by, fields=fields)


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
        model_promotion_check(model=model)
    version = ModelVersion(
        model=model, number=number, status=status, metrics=metrics or {},
        code_revision=code_revision, artifact_uri=artifact_uri, trained_by=trained_by or by,
        notes=notes, created_by=by,
    )
    _save_validated(version)
    _lineage_add(version, lineage)
    MLModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())
    activity_record(actor=by, verb="added version", target=version,
                    changes={"lineage": [None, [f"{dv} ({use})" for dv, use in lineage]]}
                    if lineage else {})
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


def model_promotion_check(*, model: MLModel) -> None:
    """Raise ApplicationError unless a version of `model` may become production."""
    for guard in PROMOTION_GUARDS:
        guard(model)


@transaction.atomic
def model_version_set_status(*, version: ModelVersion, status: str, by: Person) -> ModelVersion:
    if status not in ModelVersion.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status == version.status:
        return version
    if status == ModelVersion.Status.PRODUCTION:
        model_promotion_check(model=version.model)
    before = version.status
    version.status = status
    version.save(update_fields=["status"])
    MLModel.objects.filter(pk=version.model_id).update(updated_at=timezone.now())
    activity_record(actor=by, verb="changed status", target=version,
                    changes={"status": [before, status]})
    return version
