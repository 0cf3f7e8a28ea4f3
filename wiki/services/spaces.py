"""The wiki's spaces: one per team and project, and the global one, made where first needed."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from registry.models import Person, Project, Team
from wiki import permissions
from wiki.models import Space
from wiki.refs import Documented, space_key, space_owner


def space_for(owner: Team | Project | None) -> Space:
    """The space of a team or project (None: the global space), made on first use."""
    key = space_key(owner)
    if owner is None:
        kind, fields = Space.Kind.GLOBAL, {}
    elif isinstance(owner, Team):
        kind, fields = Space.Kind.TEAM, {"team": owner}
    else:
        kind, fields = Space.Kind.PROJECT, {"project": owner}
    space = Space.objects.filter(key=key).first()
    if space is None:
        try:
            with transaction.atomic():
                space = Space.objects.create(key=key, kind=kind, **fields)
        except IntegrityError:  # made by a concurrent request
            space = Space.objects.get(key=key)
    for name, value in fields.items():
        setattr(space, name, value)
    return space


def space_open(*, key: str, user: Person, write: bool = False) -> Space:
    """The space `key` names, made on first use, if `user` may read it (404) — and, with
    `write`, write in it (403)."""
    space, owner = permissions.space_for_user_or_404(user, key, write=write)
    return space if space is not None else space_for(owner)


def space_for_target(target: Documented) -> Space:
    """Where a page documenting `target` goes by default."""
    return space_for(space_owner(target))
