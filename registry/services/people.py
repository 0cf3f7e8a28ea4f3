"""A person's own profile."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from registry.models import Person
from registry.services.common import save_validated

PROFILE_FIELDS = {"display_name", "title", "email", "bio"}


@transaction.atomic
def person_update(*, person: Person, by: Person, **fields: Any) -> Person:
    """Change the profile fields of `person` (people edit their own)."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, fields[name])
    if changed:
        save_validated(person, update_fields=changed)
    return person
