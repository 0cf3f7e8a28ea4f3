"""Teams and their members."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config.exceptions import ApplicationError
from registry import permissions
from registry.models import Membership, Person, Team
from registry.services.common import activity_record, record_update, save_validated


@transaction.atomic
def team_create(*, slug: str, name: str, description: str = "", by: Person,
                lead: Person | None = None) -> Team:
    """Create a team led by `lead` (by default whoever creates it)."""
    if not permissions.can_create_team(by):
        raise PermissionDenied
    team = Team(slug=slug, name=name, description=description)
    save_validated(team)
    Membership.objects.create(team=team, person=lead or by, level=Membership.Level.LEAD)
    activity_record(actor=by, verb="created", target=team)
    return team


@transaction.atomic
def team_update(*, team: Team, by: Person, **fields: Any) -> Team:
    return record_update(team, by=by, fields=fields)


@transaction.atomic
def membership_set(*, team: Team, person: Person, level: str, by: Person) -> Membership:
    if level not in Membership.Level.values:
        raise ValidationError({"level": f"Unknown level {level!r}."})
    membership, created = Membership.objects.select_for_update().get_or_create(
        team=team, person=person, defaults={"level": level}
    )
    if created:
        activity_record(actor=by, verb="added member", target=team,
                        changes={"member": [None, person.username], "level": [None, level]})
        return membership
    if membership.level != level:
        _guard_last_lead(team, membership)
        before = membership.level
        membership.level = level
        membership.save(update_fields=["level"])
        activity_record(actor=by, verb="changed member level", target=team,
                        changes={"member": [person.username, person.username],
                                 "level": [before, level]})
    return membership


def _guard_last_lead(team: Team, membership: Membership) -> None:
    if membership.level == Membership.Level.LEAD and not team.memberships.filter(
        level=Membership.Level.LEAD
    ).exclude(pk=membership.pk).exists():
        raise ApplicationError(f"{membership.person} is the last lead of {team}; name another first.")


@transaction.atomic
def membership_remove(*, team: Team, person: Person, by: Person) -> None:
    membership = Membership.objects.select_for_update().filter(team=team, person=person).first()
    if membership is None:
        raise ApplicationError(f"{person} is not in {team}.")
    _guard_last_lead(team, membership)
    membership.delete()
    activity_record(actor=by, verb="removed member", target=team,
                    changes={"member": [person.username, None]})
