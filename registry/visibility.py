"""Who may read what: every read rule, as queryset methods.

    Project.objects.visible_to(user)          Dataset.objects.visible_to(user)
    MLModel.objects.visible_to(user)          ModelVersion.objects.visible_to(user) ...

Signed-in people read internal content; a private project, and everything under it, is
read only by its team and its role holders; staff read everything; anonymous users nothing.
Apps above the registry (wiki pages, search documents, action items) build their querysets
from the conditions here (`project_q`, `document_q`), so the rule is written once.

Write rules (who may change what) are predicates in `registry.permissions`.
This module imports no model module: models import their querysets from here, and the rules
find the tables they read through the app registry when a query is built.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BigIntegerField, Q
from django.db.models.expressions import RawSQL

WRITE_LEVELS = ("lead", "member")  # Membership.Level values that may write


def _table(name: str) -> str:
    return apps.get_model("registry", name)._meta.db_table


# --- a person's grants -----------------------------------------------------------------
# Uncorrelated subqueries written out once: every permission-scoped query holds two or three
# of them, and the ORM would build and compile each as a nested queryset on every use (a
# millisecond a query, measured by bench/registry_vs_mlflow.py).
def team_ids(user: Any, *, write: bool = False) -> RawSQL:
    """Ids of the teams `user` belongs to (with `write`, as a lead or member)."""
    sql = f'SELECT "team_id" FROM "{_table("Membership")}" WHERE "person_id" = %s'
    params: list[object] = [user.pk]
    if write:
        sql += f' AND "level" IN ({", ".join(["%s"] * len(WRITE_LEVELS))})'
        params += WRITE_LEVELS
    return RawSQL(sql, params, output_field=BigIntegerField())


def role_target_ids(user: Any, target: str, *, role: str | None = None) -> RawSQL:
    """Ids of the projects, datasets or models (`target`) on which `user` holds a role."""
    assignments = apps.get_model("registry", "RoleAssignment")
    column = assignments._meta.get_field(target).column
    sql = (f'SELECT "{column}" FROM "{assignments._meta.db_table}"'
           f' WHERE "person_id" = %s AND "{column}" IS NOT NULL')
    params: list[object] = [user.pk]
    if role:
        sql += f' AND "role_id" IN (SELECT "id" FROM "{_table("Role")}" WHERE "slug" = %s)'
        params.append(role)
    return RawSQL(sql, params, output_field=BigIntegerField())


def sees_all(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff)


# --- the rules, as conditions -------------------------------------------------------------
# Each takes a signed-in, non-staff user and a `prefix` that reaches the object from another
# model (e.g. "space__project__" from a wiki page).
def project_q(user: Any, prefix: str = "") -> Q:
    pk = f"{prefix}id" if prefix else "pk"
    return (
        Q(**{f"{prefix}visibility": "internal"})
        | Q(**{f"{prefix}team_id__in": team_ids(user)})
        | Q(**{f"{pk}__in": role_target_ids(user, "project")})
    )


def dataset_q(user: Any, prefix: str = "") -> Q:
    pk = f"{prefix}id" if prefix else "pk"
    return (
        Q(**{f"{prefix}home_project__isnull": True})
        | project_q(user, f"{prefix}home_project__")
        | Q(**{f"{prefix}team_id__in": team_ids(user)})
        | Q(**{f"{pk}__in": role_target_ids(user, "dataset")})
    )


def model_q(user: Any, prefix: str = "") -> Q:
    pk = f"{prefix}id" if prefix else "pk"
    return project_q(user, f"{prefix}project__") | Q(**{f"{pk}__in": role_target_ids(user, "model")})


def scoped_q(user: Any, prefix: str = "") -> Q:
    """Rows that live under at most one project (`scope_project`, null when none) and are
    read by whoever reads that project: wiki pages of a project space, action items."""
    return Q(**{f"{prefix}scope_project__isnull": True}) | project_q(user, f"{prefix}scope_project__")


def document_q(user: Any, prefix: str = "") -> Q:
    """Rows of a derived read model (the search index) that store the *inputs* of the rules
    above rather than a copy of their outcome: `scope_project` (the project the object lives
    under, null when none), `owner_team`, and `kind` + `object_id` for role grants. For kinds
    "project", "dataset" and "model" it answers as the querysets of those models do."""
    condition = scoped_q(user, prefix)
    for part in document_grant_parts(user, prefix):
        condition |= part
    return condition


def document_grant_parts(user: Any, prefix: str = "") -> list[Q]:
    """The part of `document_q` that does not go through the scope project, as separate
    conditions (a document is granted if any holds), for a query that reads each through its
    own index and unites the results."""
    return [
        Q(**{f"{prefix}owner_team_id__in": team_ids(user)}),
        Q(**{f"{prefix}kind": "dataset", f"{prefix}object_id__in": role_target_ids(user, "dataset")}),
        Q(**{f"{prefix}kind": "model", f"{prefix}object_id__in": role_target_ids(user, "model")}),
    ]


# --- querysets ------------------------------------------------------------------------------
def project_audience_q(project: Any, prefix: str = "") -> Q:
    """Projects every reader of `project` reads (None: every signed-in person): internal ones,
    and `project` itself."""
    pk = f"{prefix}id" if prefix else "pk"
    condition = Q(**{f"{prefix}visibility": "internal"})
    return condition | Q(**{pk: project.pk}) if project is not None else condition


def dataset_audience_q(project: Any, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}home_project__isnull": True})
            | project_audience_q(project, f"{prefix}home_project__"))


def model_audience_q(project: Any, prefix: str = "") -> Q:
    return project_audience_q(project, f"{prefix}project__")


class VisibleQuerySet(models.QuerySet):
    """`visible_to(user)`: staff read everything, anonymous users nothing, anyone else the
    rows `rule(user)` admits. `seen_by_every_reader_of(project)`: the rows that every reader
    of `project` (None: every signed-in person) reads, whoever they are — what a text written
    for all of them (a pre-filled page) may name."""

    def rule(self, user: Any) -> Q:
        raise NotImplementedError

    def audience_rule(self, project: Any) -> Q:
        raise NotImplementedError

    def seen_by_every_reader_of(self, project: Any) -> VisibleQuerySet:
        return self.filter(self.audience_rule(project))

    def visible_to(self, user: Any) -> VisibleQuerySet:
        if not user.is_authenticated:
            return self.none()
        if sees_all(user):
            return self
        return self.filter(self.rule(user))


class ProjectQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return project_q(user)

    def audience_rule(self, project: Any) -> Q:
        return project_audience_q(project)


class DatasetQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return dataset_q(user)

    def audience_rule(self, project: Any) -> Q:
        return dataset_audience_q(project)


class MLModelQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return model_q(user)

    def audience_rule(self, project: Any) -> Q:
        return model_audience_q(project)


class DatasetVersionQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return dataset_q(user, "dataset__")

    def audience_rule(self, project: Any) -> Q:
        return dataset_audience_q(project, "dataset__")


class ModelVersionQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return model_q(user, "model__")

    def audience_rule(self, project: Any) -> Q:
        return model_audience_q(project, "model__")


class CaveatQuerySet(VisibleQuerySet):
    """A caveat is read by whoever reads its dataset."""

    def rule(self, user: Any) -> Q:
        return dataset_q(user, "dataset_version__dataset__")

    def audience_rule(self, project: Any) -> Q:
        return dataset_audience_q(project, "dataset_version__dataset__")


class ModelAliasQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return model_q(user, "model__")

    def audience_rule(self, project: Any) -> Q:
        return model_audience_q(project, "model__")


class LineageQuerySet(VisibleQuerySet):
    """A lineage edge is read by whoever reads both its ends."""

    def rule(self, user: Any) -> Q:
        return model_q(user, "model_version__model__") & dataset_q(user, "dataset_version__dataset__")

    def audience_rule(self, project: Any) -> Q:
        return (model_audience_q(project, "model_version__model__")
                & dataset_audience_q(project, "dataset_version__dataset__"))


class RoleAssignmentQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return (Q(project__isnull=False) & project_q(user, "project__")
                | Q(dataset__isnull=False) & dataset_q(user, "dataset__")
                | Q(model__isnull=False) & model_q(user, "model__"))


class ActivityQuerySet(VisibleQuerySet):
    """An activity row is read by whoever reads its target *now*: a registry object by the
    object's own rule (so a project made private hides its earlier rows), anything else (a
    page, a sprint) by the project it lives under (`scope_project`), read now. Teams and
    people are read by everyone. What a row's `changes` name is redacted separately
    (registry.selectors.visible_changes)."""

    def rule(self, user: Any) -> Q:
        registry = {name: apps.get_model("registry", name) for name in
                    ("Project", "Dataset", "DatasetVersion", "MLModel", "ModelVersion")}
        types = ContentType.objects.get_for_models(*registry.values())
        open_types = ContentType.objects.get_for_models(apps.get_model("registry", "Team"),
                                                        apps.get_model("registry", "Person"))
        condition = Q(target_type__in=[t.pk for t in open_types.values()])
        for model in registry.values():
            visible = model.objects.visible_to(user).values("pk")
            condition |= Q(target_type=types[model].pk, target_id__in=visible)
        others = ~Q(target_type__in=[t.pk for t in [*types.values(), *open_types.values()]])
        return condition | others & scoped_q(user)


class DocumentQuerySet(VisibleQuerySet):
    def rule(self, user: Any) -> Q:
        return document_q(user)
