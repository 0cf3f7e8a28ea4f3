"""A project's stage: the lifecycle's state machine and its documentation gates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config.exceptions import ApplicationError
from lifecycle import gates, permissions
from registry.models import ALLOWED_TRANSITIONS, Person, Project, Stage, StageTransition
from registry.services import activity_record


def transition_check(*, project: Project, to: str) -> None:
    """Raise unless the lifecycle allows moving `project` to `to` (its shape, not its docs)."""
    if to not in Stage.values:
        raise ValidationError({"stage": f"Unknown stage {to!r}."})
    if to not in ALLOWED_TRANSITIONS[project.stage]:
        allowed = ", ".join(Stage(s).label for s in project.allowed_next_stages()) or "none"
        raise ApplicationError(
            f"A project cannot go from {Stage(project.stage).label} to {Stage(to).label}. "
            f"Allowed next: {allowed}.")


@transaction.atomic
def project_stage_change(
    *, project: Project, to: str, note: str = "", by: Person, override_reason: str = ""
) -> StageTransition:
    """Move `project` to `to` once its documentation gate is met. Staff may move past an unmet
    gate with an `override_reason`, which the timeline shows."""
    if not permissions.can_move_stage(by, project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    transition_check(project=project, to=to)
    if to == Stage.ABANDONED and not note.strip():
        raise ValidationError({"note": "Say why the project is abandoned."})
    override_reason = override_reason.strip()
    if override_reason and not permissions.can_override_gates(by):
        raise ApplicationError("Only staff may override the documentation requirements.")
    unmet = gates.unmet(project, to, reader=by)
    if unmet and not override_reason:
        raise gates.refusal(to, unmet)
    transition = StageTransition.objects.create(
        project=project, from_stage=project.stage, to_stage=to, note=note.strip(),
        override_reason=override_reason if unmet else "", actor=by)
    changes = {"stage": [project.stage, to]}
    project.stage = to
    project.stage_changed_at = transition.created_at
    project.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    activity_record(actor=by, verb="moved stage", target=project, changes=changes)
    return transition
