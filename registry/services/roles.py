"""The role vocabulary and who holds which role on what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from config.exceptions import ApplicationError
from registry import permissions
from registry.models import Dataset, MLModel, Person, Project, Role, RoleAssignment
from registry.services.common import activity_record, save_validated


@transaction.atomic
def role_create(*, slug: str, name: str, description: str = "", by: Person) -> Role:
    if not permissions.can_extend_roles(by):
        raise PermissionDenied
    role = Role(slug=slug, name=name, description=description)
    save_validated(role)
    return role


@transaction.atomic
def role_assign(
    *, role: Role, person: Person, target: Project | Dataset | MLModel, by: Person
) -> RoleAssignment:
    if not permissions.can_assign_roles(by, target):
        raise PermissionDenied
    refusal = permissions.role_grant_refusal(by, role, person, target)
    if refusal:
        raise ApplicationError(refusal)
    key = {"project": Project, "dataset": Dataset, "model": MLModel}
    field = next(name for name, cls in key.items() if isinstance(target, cls))
    existing = RoleAssignment.objects.filter(role=role, person=person, **{field: target}).first()
    if existing:
        raise ApplicationError(f"{person} already holds {role} on {target}.")
    assignment = RoleAssignment(role=role, person=person, granted_by=by, **{field: target})
    save_validated(assignment)
    activity_record(actor=by, verb="assigned role", target=target,
                    changes={"role": [None, f"{role.name}: {person.username}"]})
    return assignment


@transaction.atomic
def role_unassign(*, assignment: RoleAssignment, by: Person) -> None:
    target = assignment.target
    if not permissions.can_assign_roles(by, target):
        raise PermissionDenied
    label = f"{assignment.role.name}: {assignment.person.username}"
    assignment.delete()
    activity_record(actor=by, verb="removed role", target=target, changes={"role": [label, None]})
