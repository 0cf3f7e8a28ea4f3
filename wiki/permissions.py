"""Who writes the wiki, built on `registry.permissions`. Reading is `Page.objects.visible_to`.

- a project space: whoever may edit the project (`can_edit_project`);
- a team space: the team's leads and members (not its viewers), and staff;
- the global space: staff, and anyone who is a lead or member of at least one team
  (a person who is only ever a viewer reads but does not write).
The trash of a space is listed and restored by the space's editors; only staff purge.
Invisible means 404, visible but read-only means 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from registry import permissions as registry_permissions
from registry.models import Project, Team
from registry.permissions import User
from wiki.models import Page, Space, Template

SpaceOwner = Team | Project | None


def can_edit_space_of(user: User, owner: SpaceOwner) -> bool:
    """May `user` write in the space of `owner` (a team, a project, or None: global)?"""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if isinstance(owner, Project):
        return registry_permissions.can_edit_project(user, owner)
    if isinstance(owner, Team):
        return registry_permissions.can_create_in_team(user, owner)
    return registry_permissions.can_write_anywhere(user)


def can_edit_space(user: User, space: Space) -> bool:
    return can_edit_space_of(user, space.project if space.project_id else space.team)


def can_edit_page(user: User, page: Page) -> bool:
    return can_edit_space(user, page.space)


def can_purge(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_create_template(user: User, team: Team) -> bool:
    return registry_permissions.can_create_in_team(user, team)


def can_edit_template(user: User, template: Template) -> bool:
    if not user.is_authenticated:
        return False
    if template.builtin or template.team_id is None:
        return user.is_staff
    return registry_permissions.can_create_in_team(user, template.team)


def _readable_spaces(user: User, key: str) -> QuerySet[Space]:
    """The space `key` names (none, or not made yet: empty) if `user` may read its owner."""
    if key == "global":
        return Space.objects.filter(key=key)
    kind, _, slug = key.partition("-")
    spaces = Space.objects.filter(key=key)
    if kind == "team" and slug:
        return spaces.filter(team__slug=slug)
    if kind == "project" and slug:
        return spaces.filter(project__in=Project.objects.visible_to(user).filter(slug=slug))
    return spaces.none()


def space_owner_for_user_or_404(user: User, key: str, *, write: bool = False) -> SpaceOwner:
    """The team or project a space key names (None: global), if `user` may read its space
    (404 otherwise) — and, with `write`, write in it (403 otherwise)."""
    owner: SpaceOwner
    if key == "global":
        owner = None
    else:
        kind, _, slug = key.partition("-")
        if kind == "team" and slug:
            owner = Team.objects.filter(slug=slug).first()
        elif kind == "project" and slug:
            owner = Project.objects.visible_to(user).select_related("team").filter(slug=slug).first()
        else:
            owner = None
        if owner is None:
            raise Http404("No such space.")
    if write and not can_edit_space_of(user, owner):
        raise PermissionDenied
    return owner


def space_for_user_or_404(user: User, key: str, *,
                          write: bool = False) -> tuple[Space | None, SpaceOwner]:
    """The space `key` names (None: not made yet) and its owner (`space_owner_for_user_or_404`:
    404 and 403 alike). A space already made is read with its owner in one query."""
    space = _readable_spaces(user, key).select_related("team", "project__team").first()
    if space is None:
        return None, space_owner_for_user_or_404(user, key, write=write)
    if write and not can_edit_space(user, space):
        raise PermissionDenied
    return space, space.project if space.project_id else space.team


def get_page_for_user_or_404(user: User, key: str, slug: str, *, write: bool = False,
                             deleted: bool = False) -> Page:
    """A page (a trashed one with `deleted`) of the space `key` names, read with its space and
    the space's owner in one query, if `user` may read the space (404 otherwise) and, with
    `write`, write in it (403 otherwise, as for the space itself whether the page exists or
    not)."""
    page = (Page.objects.select_related("space__team", "space__project__team", "template", "parent",
                                        "updated_by")
            .filter(space__in=_readable_spaces(user, key), slug=slug, deleted_at__isnull=not deleted)
            .first())
    if page is None:
        space_owner_for_user_or_404(user, key, write=write)  # 404 or 403 as the space says
        raise Http404("No such page.")
    if write and not can_edit_space(user, page.space):
        raise PermissionDenied
    return page
