"""The one place that decides who sees and who changes what.

Views, the API, search and the wiki all start from these querysets and predicates.
Invisible means 404; visible but read-only means 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    RoleAssignment,
    Team,
    Visibility,
)

User = Person | AnonymousUser
WRITE_LEVELS = (Membership.Level.LEAD, Membership.Level.MEMBER)


# --- building blocks (subqueries, so lists need no DISTINCT) -------------------
# A person's grants, as uncorrelated subqueries written out once: every permission-scoped
# query holds two or three of them, and the ORM would build and compile each as a nested
# queryset on every use (a millisecond a query, measured by bench/registry_vs_mlflow.py).
def _team_ids(user: Person, *, write: bool = False) -> RawSQL:
    sql = f'SELECT "team_id" FROM "{Membership._meta.db_table}" WHERE "person_id" = %s'
    params: list[object] = [user.pk]
    if write:
        sql += f' AND "level" IN ({", ".join(["%s"] * len(WRITE_LEVELS))})'
        params += WRITE_LEVELS
    return RawSQL(sql, params, output_field=BigIntegerField())


def _role_target_ids(user: Person, target: str, *, role: str | None = None) -> RawSQL:
    column = RoleAssignment._meta.get_field(target).column  # project, dataset or model
    sql = (f'SELECT "{column}" FROM "{RoleAssignment._meta.db_table}"'
           f' WHERE "person_id" = %s AND "{column}" IS NOT NULL')
    params: list[object] = [user.pk]
    if role:
        sql += f' AND "role_id" IN (SELECT "id" FROM "{Role._meta.db_table}" WHERE "slug" = %s)'
        params.append(role)
    return RawSQL(sql, params, output_field=BigIntegerField())


def project_visibility_q(user: Person, prefix: str = "") -> Q:
    """Q for projects `user` may read; `prefix` reaches a project from another model."""
    pk = f"{prefix}id" if prefix else "pk"
    return (
        Q(**{f"{prefix}visibility": Visibility.INTERNAL})
        | Q(**{f"{prefix}team_id__in": _team_ids(user)})
        | Q(**{f"{pk}__in": _role_target_ids(user, "project")})
    )


def _sees_all(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff)


# --- scoped querysets -------------------------------------------------------------
def visible_projects(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = Project.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(project_visibility_q(user))


def dataset_visibility_q(user: Person, prefix: str = "") -> Q:
    pk = f"{prefix}id" if prefix else "pk"
    return (
        Q(**{f"{prefix}home_project__isnull": True})
        | project_visibility_q(user, f"{prefix}home_project__")
        | Q(**{f"{prefix}team_id__in": _team_ids(user)})
        | Q(**{f"{pk}__in": _role_target_ids(user, "dataset")})
    )


def visible_datasets(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = Dataset.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(dataset_visibility_q(user))


def model_visibility_q(user: Person, prefix: str = "") -> Q:
    pk = f"{prefix}id" if prefix else "pk"
    return project_visibility_q(user, f"{prefix}project__") | Q(
        **{f"{pk}__in": _role_target_ids(user, "model")}
    )


def visible_models(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = MLModel.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(model_visibility_q(user))


def document_visibility_q(user: Person, prefix: str = "") -> Q:
    """Q for rows of a derived read model (the search index) that store the *inputs* of the
    rules above rather than a copy of their outcome: `scope_project` (the project the object
    lives under, null when none), `owner_team`, and `kind` + `object_id` for role grants.
    For kinds "project", "dataset" and "model" it answers exactly as visible_projects,
    visible_datasets and visible_models do; a kind scoped only by its project (a wiki page)
    stores that project and no team."""
    return (
        Q(**{f"{prefix}scope_project__isnull": True})
        | project_visibility_q(user, f"{prefix}scope_project__")
        | document_grant_q(user, prefix)
    )


def document_grant_q(user: Person, prefix: str = "") -> Q:
    """The part of `document_visibility_q` that does not go through the scope project: the
    owner team, and role grants on the object itself."""
    first, *rest = document_grant_parts(user, prefix)
    for part in rest:
        first |= part
    return first


def document_grant_parts(user: Person, prefix: str = "") -> list[Q]:
    """`document_grant_q` as separate conditions (a document is granted if any holds), for a
    query that reads each through its own index and unites the results."""
    return [
        Q(**{f"{prefix}owner_team_id__in": _team_ids(user)}),
        Q(**{f"{prefix}kind": "dataset", f"{prefix}object_id__in": _role_target_ids(user, "dataset")}),
        Q(**{f"{prefix}kind": "model", f"{prefix}object_id__in": _role_target_ids(user, "model")}),
    ]


def visible_documents(user: User, qs: QuerySet, prefix: str = "") -> QuerySet:
    """Scope a search-index queryset (or one joined to it through `prefix`) to `user`."""
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(document_visibility_q(user, prefix))


def visible_dataset_versions(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = DatasetVersion.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(dataset_visibility_q(user, "dataset__"))


def visible_model_versions(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = ModelVersion.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(model_visibility_q(user, "model__"))


def visible_activity(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = Activity.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(
        Q(scope_project__isnull=True) | project_visibility_q(user, "scope_project__")
    )


def visible_role_assignments(user: User, qs: QuerySet | None = None) -> QuerySet:
    qs = RoleAssignment.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(
        Q(project__isnull=False, project__in=visible_projects(user))
        | Q(dataset__isnull=False, dataset__in=visible_datasets(user))
        | Q(model__isnull=False, model__in=visible_models(user))
    )


def activity_scope(target: object) -> Project | None:
    """The private boundary an object lives under, stored on its Activity rows."""
    project = None
    if isinstance(target, Project):
        project = target
    elif isinstance(target, Dataset):
        project = target.home_project
    elif isinstance(target, DatasetVersion):
        project = target.dataset.home_project
    elif isinstance(target, MLModel):
        project = target.project
    elif isinstance(target, ModelVersion):
        project = target.model.project
    elif isinstance(target, RoleAssignment):
        return activity_scope(target.target)
    elif hasattr(target, "activity_scope"):
        return target.activity_scope()
    if project is not None and project.visibility == Visibility.PRIVATE:
        return project
    return None


# --- predicates ------------------------------------------------------------------
def _is_writer_of_team(user: Person, team_id: int) -> bool:
    return Membership.objects.filter(person=user, team_id=team_id, level__in=WRITE_LEVELS).exists()


def _holds_owner(user: Person, **target: object) -> bool:
    return RoleAssignment.objects.filter(person=user, role__slug=Role.OWNER, **target).exists()


def can_edit_team(user: User, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or Membership.objects.filter(
        person=user, team=team, level=Membership.Level.LEAD
    ).exists()


def can_create_in_team(user: User, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or _is_writer_of_team(user, team.pk)


def writable_teams(user: User) -> QuerySet:
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_staff:
        return Team.objects.all()
    return Team.objects.filter(pk__in=_team_ids(user, write=True))


def can_edit_project(user: User, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or _is_writer_of_team(user, project.team_id)
        or _holds_owner(user, project=project)
    )


def can_edit_dataset(user: User, dataset: Dataset) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or _is_writer_of_team(user, dataset.team_id)
        or _holds_owner(user, dataset=dataset)
    )


def can_edit_model(user: User, model: MLModel) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or _is_writer_of_team(user, model.project.team_id)
        or _holds_owner(user, model=model)
        or _holds_owner(user, project_id=model.project_id)
    )


def is_reviewer_of_project(user: User, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(
        person=user, role__slug=Role.REVIEWER, project=project
    ).exists()


def can_edit_target(user: User, target: Project | Dataset | MLModel) -> bool:
    if isinstance(target, Project):
        return can_edit_project(user, target)
    if isinstance(target, Dataset):
        return can_edit_dataset(user, target)
    return can_edit_model(user, target)


# --- getters: 404 when hidden, 403 when read-only --------------------------------
def get_team_or_404(user: User, slug: str, *, write: bool = False) -> Team:
    team = get_object_or_404(Team, slug=slug)
    if write and not can_edit_team(user, team):
        raise PermissionDenied
    return team


def _get_for_user_or_404(user: User, queryset: QuerySet, visible: Callable[..., QuerySet],
                         can_edit: Callable[[User, Any], bool], slug: str, write: bool) -> Any:
    if not write:
        return get_object_or_404(visible(user, queryset), slug=slug)
    # Whoever may edit an object may see it (an editor is a writer of its team, the holder
    # of an owner role on it, or staff), so the visibility filter is only run to tell a
    # refused writer 404 (hidden) from 403 (read-only).
    obj = get_object_or_404(queryset, slug=slug)
    if can_edit(user, obj):
        return obj
    get_object_or_404(visible(user, queryset), pk=obj.pk)
    raise PermissionDenied


def get_project_for_user_or_404(user: User, slug: str, *, write: bool = False) -> Project:
    return _get_for_user_or_404(user, Project.objects.select_related("team"), visible_projects,
                                can_edit_project, slug, write)


def get_dataset_for_user_or_404(user: User, slug: str, *, write: bool = False) -> Dataset:
    return _get_for_user_or_404(
        user, Dataset.objects.select_related("team", "steward", "home_project"), visible_datasets,
        can_edit_dataset, slug, write)


def get_model_for_user_or_404(user: User, slug: str, *, write: bool = False) -> MLModel:
    return _get_for_user_or_404(user, MLModel.objects.select_related("project", "project__team"),
                                visible_models, can_edit_model, slug, write)
