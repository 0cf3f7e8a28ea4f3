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


def get_page_for_user_or_404(
    user: User, space: Space, slug: str, *, write: bool = False, deleted: bool = False
) -> Page:
    """A page of `space` (which the caller has checked `user` may read; a trashed one with
    `deleted`)."""
    qs = space.pages.select_related("space", "template", "parent", "updated_by")
    page = qs.filter(deleted_at__isnull=not deleted, slug=slug).first()
    if page is None:
        raise Http404("No such page.")
    page.space = space
    if write and not can_edit_space(user, space):
        raise PermissionDenied
    return page
