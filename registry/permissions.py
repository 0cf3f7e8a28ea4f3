"""Who may change what in the registry: every write rule as a predicate, and the getters views
and the API start from (404 when hidden, 403 when read-only).

Read rules are queryset methods (`Project.objects.visible_to(user)`; registry.visibility).
Views, forms, serializers and services all ask these predicates; none re-implements them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from registry.models import Dataset, Membership, MLModel, Person, Project, Role, RoleAssignment, Team
from registry.visibility import WRITE_LEVELS, team_ids

User = Person | AnonymousUser
Target = Project | Dataset | MLModel


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated)


def _is_writer_of_team(user: Person, team_id: int) -> bool:
    return Membership.objects.filter(person=user, team_id=team_id, level__in=WRITE_LEVELS).exists()


def _holds_role(user: Person, role: str, **target: object) -> bool:
    return RoleAssignment.objects.filter(person=user, role__slug=role, **target).exists()


# --- teams ------------------------------------------------------------------------------
def can_create_team(user: User) -> bool:
    """Create a team (and become its lead, a writer of the global wiki): staff, or anyone when
    settings.TEAMS_CREATED_BY_ANYONE is on."""
    return _signed_in(user) and (user.is_staff or settings.TEAMS_CREATED_BY_ANYONE)


def can_edit_team(user: User, team: Team) -> bool:
    """Rename a team, change its members: its leads, and staff."""
    if not _signed_in(user):
        return False
    return user.is_staff or Membership.objects.filter(
        person=user, team=team, level=Membership.Level.LEAD).exists()


def can_create_in_team(user: User, team: Team) -> bool:
    """Register a project or dataset owned by `team`, add a team template: its leads and
    members (not viewers), and staff."""
    if not _signed_in(user):
        return False
    return user.is_staff or _is_writer_of_team(user, team.pk)


def writable_teams(user: User) -> QuerySet[Team]:
    """The teams `user` may create things in (`can_create_in_team` as a queryset)."""
    if not _signed_in(user):
        return Team.objects.none()
    if user.is_staff:
        return Team.objects.all()
    return Team.objects.filter(pk__in=team_ids(user, write=True))


def can_write_anywhere(user: User) -> bool:
    """A lead or member of at least one team (or staff): may register things and write in
    the global wiki."""
    return writable_teams(user).exists()


# --- projects, datasets, models -----------------------------------------------------------
def can_edit_project(user: User, project: Project) -> bool:
    """Edit a project and everything under it: writers of its team, its Owners, staff."""
    if not _signed_in(user):
        return False
    return (user.is_staff or _is_writer_of_team(user, project.team_id)
            or _holds_role(user, Role.OWNER, project=project))


def can_edit_dataset(user: User, dataset: Dataset) -> bool:
    if not _signed_in(user):
        return False
    return (user.is_staff or _is_writer_of_team(user, dataset.team_id)
            or _holds_role(user, Role.OWNER, dataset=dataset))


def can_raise_caveat(user: User, dataset: Dataset) -> bool:
    """Say what is wrong with a dataset's version: its editors, and anyone who writes in a team
    (whoever trains on the data may find the problem). The caller has checked they see it."""
    return can_edit_dataset(user, dataset) or can_write_anywhere(user)


def can_resolve_caveat(user: User, caveat: Any) -> bool:
    """Resolve a caveat: the dataset's editors, or whoever raised it."""
    return _signed_in(user) and (caveat.raised_by_id == user.pk
                                 or can_edit_dataset(user, caveat.dataset_version.dataset))


def can_edit_model(user: User, model: MLModel) -> bool:
    if not _signed_in(user):
        return False
    return (user.is_staff or _is_writer_of_team(user, model.project.team_id)
            or _holds_role(user, Role.OWNER, model=model)
            or _holds_role(user, Role.OWNER, project_id=model.project_id))


def can_edit_target(user: User, target: Target) -> bool:
    if isinstance(target, Project):
        return can_edit_project(user, target)
    if isinstance(target, Dataset):
        return can_edit_dataset(user, target)
    return can_edit_model(user, target)


def can_create_model_in(user: User, project: Project) -> bool:
    """Register a model under `project`: writers of the project's team, and staff."""
    return can_create_in_team(user, project.team)


def writable_projects(user: User) -> QuerySet[Project]:
    """The projects `user` may register a model under (`can_create_model_in` as a queryset)."""
    return Project.objects.visible_to(user).filter(team__in=writable_teams(user))


# --- roles ----------------------------------------------------------------------------------
# Roles that carry rights: nobody grants them to themselves.
RIGHTS_ROLES = (Role.REVIEWER, Role.OWNER)


def can_assign_roles(user: User, target: Target) -> bool:
    """Assign or remove roles on `target`: whoever may edit it (some roles ask more:
    `role_grant_refusal`)."""
    return can_edit_target(user, target)


def _owning_team_id(target: Target) -> int:
    return target.project.team_id if isinstance(target, MLModel) else target.team_id


def can_grant_reviewer(user: User, target: Target) -> bool:
    """The Reviewer role (whose holders approve documentation) is granted by the lead of the
    team that owns `target`, an Owner of it (or of the project it lives under), or staff —
    separation of duties."""
    if not _signed_in(user):
        return False
    if user.is_staff or Membership.objects.filter(person=user, team_id=_owning_team_id(target),
                                                  level=Membership.Level.LEAD).exists():
        return True
    return RoleAssignment.objects.filter(_owners_of(target), person=user,
                                         role__slug=Role.OWNER).exists()


def _owners_of(target: Target) -> Q:
    """Owner roles that own `target`: on it, or on the project it lives under."""
    if isinstance(target, Project):
        return Q(project=target)
    if isinstance(target, Dataset):
        return Q(dataset=target) | Q(project_id=target.home_project_id, project__isnull=False)
    return Q(model=target) | Q(project_id=target.project_id)


def role_grant_refusal(user: User, role: Role, person: Person, target: Target) -> str:
    """Why `user` may not grant `role` on `target` to `person` ("" when they may)."""
    if not can_assign_roles(user, target):
        return "You cannot assign roles here."
    if role.slug in RIGHTS_ROLES and person.pk == user.pk:
        return f"Nobody grants themselves the {role.name} role: ask the team's lead or an Owner."
    if role.slug == Role.REVIEWER and not can_grant_reviewer(user, target):
        return "The Reviewer role is granted by the team's lead, an Owner or staff."
    return ""


def reviewer_grants() -> QuerySet[RoleAssignment]:
    """Reviewer roles that count: not granted by their holder (a grant made before grants were
    recorded has no grantor and counts)."""
    return RoleAssignment.objects.filter(role__slug=Role.REVIEWER).exclude(
        granted_by=F("person"))


def is_reviewer_of_project(user: User, project: Project) -> bool:
    if not _signed_in(user):
        return False
    return reviewer_grants().filter(project=project, person=user).exists()


def reviewers_of(project: Project) -> set[int]:
    """Ids of the people whose Reviewer role on `project` counts (`reviewer_grants`)."""
    return set(reviewer_grants().filter(project=project).values_list("person_id", flat=True))


def can_extend_roles(user: User) -> bool:
    """Add a role to the vocabulary: staff."""
    return bool(_signed_in(user) and user.is_staff)


# --- getters: 404 when hidden, 403 when read-only ------------------------------------------
def get_team_or_404(user: User, slug: str, *, write: bool = False) -> Team:
    team = get_object_or_404(Team, slug=slug)  # teams are read by every signed-in person
    if write and not can_edit_team(user, team):
        raise PermissionDenied
    return team


def _get_for_user_or_404(user: User, queryset: QuerySet, can_edit: Any, slug: str,
                         write: bool) -> Any:
    if not write:
        return get_object_or_404(queryset.visible_to(user), slug=slug)
    # Whoever may edit an object may see it (an editor is a writer of its team, the holder
    # of an owner role on it, or staff), so the visibility filter is only run to tell a
    # refused writer 404 (hidden) from 403 (read-only).
    obj = get_object_or_404(queryset, slug=slug)
    if can_edit(user, obj):
        return obj
    get_object_or_404(queryset.visible_to(user), pk=obj.pk)
    raise PermissionDenied


def get_project_for_user_or_404(user: User, slug: str, *, write: bool = False) -> Project:
    return _get_for_user_or_404(user, Project.objects.select_related("team"), can_edit_project,
                                slug, write)


def get_dataset_for_user_or_404(user: User, slug: str, *, write: bool = False) -> Dataset:
    return _get_for_user_or_404(user, Dataset.objects.select_related("team", "steward", "home_project"),
                                can_edit_dataset, slug, write)


def get_model_for_user_or_404(user: User, slug: str, *, write: bool = False) -> MLModel:
    return _get_for_user_or_404(user, MLModel.objects.select_related("project", "project__team"),
                                can_edit_model, slug, write)


TARGET_GETTERS = {
    "project": get_project_for_user_or_404,
    "dataset": get_dataset_for_user_or_404,
    "model": get_model_for_user_or_404,
}


def get_target_for_user_or_404(user: User, kind: str, slug: str, *, write: bool = False) -> Target:
    """A project, dataset or model by `kind` ("project", "dataset", "model") and slug."""
    return TARGET_GETTERS[kind](user, slug, write=write)
