"""Who may see and manage a team's webhooks: its leads, and staff (a subscription holds a
signing secret and says where the team's events go)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from registry import permissions as registry_permissions
from registry.models import Person, Team


def can_manage_webhooks(user: Person | AnonymousUser, team: Team) -> bool:
    return registry_permissions.can_edit_team(user, team)
