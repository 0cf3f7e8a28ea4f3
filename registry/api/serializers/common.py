"""Pieces the registry's API shapes share (and the lifecycle's reuse: UsernameField)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from config.api import request_user
from registry import permissions
from registry.models import Person, Team, slug_validator

SLUG_HELP = "Lowercase letters, digits and single hyphens, e.g. churn-model."


def slug_field(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, validators=[slug_validator], help_text=SLUG_HELP)


def no_nul(value: Any, path: str = "") -> None:
    """JSON text with NUL cannot be stored by PostgreSQL: refuse it at the edge."""
    if isinstance(value, str) and "\x00" in value:
        raise serializers.ValidationError(f"Null characters are not allowed{path}.")
    if isinstance(value, dict):
        for key, item in value.items():
            no_nul(key, path)
            no_nul(item, path)
    if isinstance(value, list):
        for item in value:
            no_nul(item, path)


class UsernameField(serializers.SlugRelatedField):
    """An active person, by username."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


def writable_team(serializer: serializers.Serializer, team: Team) -> Team:
    """A team field's check: a new owner team must be one the caller may create in."""
    current = getattr(serializer.instance, "team_id", None)
    if team.pk != current and not permissions.can_create_in_team(request_user(serializer), team):
        raise serializers.ValidationError("You are not a lead or member of this team.")
    return team
