"""Who reads and who writes the wiki, built on `registry.permissions`.

Reading: a page in a project's space is visible iff the project is; team and global spaces
are read by every signed-in user. Writing:
- a project space: whoever may edit the project (`can_edit_project`);
- a team space: the team's leads and members (not its viewers), and staff;
- the global space: staff, and anyone who is a lead or member of at least one team
  (a person who is only ever a viewer reads but does not write).
The trash of a space is listed and restored by the space's editors; only staff purge.
Invisible means 404, visible but read-only means 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from registry.models import Membership, Project, Team
from registry.permissions import (
    WRITE_LEVELS,
    User,
    can_create_in_team,
    can_edit_project,
    project_visibility_q,
    visible_projects,
)
from wiki.models import Page, Space, Template


def page_visibility_q(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}space__project__isnull": True}) | project_visibility_q(
        user, f"{prefix}space__project__"
    )


def visible_pages(user: User, qs: QuerySet | None = None, *, include_deleted: bool = False) -> QuerySet:
    qs = Page.objects.all() if qs is None else qs
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    return qs.filter(page_visibility_q(user))


def can_read_space(user: User, space: Space) -> bool:
    if not user.is_authenticated:
        return False
    if space.project_id is None:
        return True
    return visible_projects(user).filter(pk=space.project_id).exists()


def can_edit_space(user: User, space: Space) -> bool:
    return can_edit_space_of(user, space.project or space.team)


def can_edit_space_of(user: User, owner: Team | Project | None) -> bool:
    """May `user` write in the space of `owner` (a team, a project, or None: global)?"""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if isinstance(owner, Project):
        return can_edit_project(user, owner)
    if isinstance(owner, Team):
        return can_create_in_team(user, owner)
    return Membership.objects.filter(person=user, level__in=WRITE_LEVELS).exists()


def can_purge(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_edit_template(user: User, template: Template) -> bool:
    if not user.is_authenticated:
        return False
    if template.builtin or template.team_id is None:
        return user.is_staff
    return can_create_in_team(user, template.team)


def space_owner_for_user_or_404(user: User, key: str) -> Team | Project | None:
    """The team or project a space key names, if `user` may read it (None: global)."""
    if key == "global":
        return None
    kind, _, slug = key.partition("-")
    if kind == "team" and slug:
        team = Team.objects.filter(slug=slug).first()
        if team is not None:
            return team
    if kind == "project" and slug:
        project = visible_projects(user).select_related("team").filter(slug=slug).first()
        if project is not None:
            return project
    raise Http404("No such space.")


def get_space_for_user_or_404(user: User, key: str, *, write: bool = False) -> Space:
    from wiki.services import space_for  # spaces are made on first visit

    space = space_for(space_owner_for_user_or_404(user, key))
    if write and not can_edit_space(user, space):
        raise PermissionDenied
    return space


def get_page_for_user_or_404(
    user: User, space: Space, slug: str, *, write: bool = False, deleted: bool = False
) -> Page:
    qs = space.pages.select_related("space", "template", "parent", "updated_by")
    qs = qs.filter(deleted_at__isnull=not deleted)
    page = qs.filter(slug=slug).first()
    if page is None:
        raise Http404("No such page.")
    page.space = space
    if write and not can_edit_space(user, space):
        raise PermissionDenied
    return page
