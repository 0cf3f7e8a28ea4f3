"""Which activity rows are webhook events, for which team, and what their payload says.

A payload names the event's own object only (its kind, name, address and the fields the
event is about: a status, a stage, a revision, an alias), never objects it merely links to,
so a subscription never learns of anything outside its team's own work."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from registry.models import Activity, Dataset, DatasetVersion, MLModel, ModelVersion, Project
from webhooks.models import Event

# keys of Activity.changes that say what happened and name no other object
SAFE_CHANGES = ("status", "stage", "revision", "decision", "alias", "serving", "comment", "metric",
                "value", "threshold", "kind", "caveat", "affected_model_versions")


def event_of(activity: Activity) -> str | None:
    """The event kind of an activity row (None: not a webhook event)."""
    model = activity.target_type.model_class()
    verb = activity.verb
    if "caveat" in verb:
        return Event.CAVEAT_RAISED if "resolv" not in verb else None
    if "drift" in verb:
        return Event.DRIFT_DETECTED
    if "alias" in verb:
        return Event.ALIAS_MOVED
    if model is ModelVersion:
        return {"added version": Event.VERSION_REGISTERED, "changed status": Event.STATUS_CHANGED,
                "promoted": Event.STATUS_CHANGED, "archived": Event.STATUS_CHANGED}.get(verb)
    if model is Project and verb == "moved stage":
        return Event.STAGE_CHANGED
    if model is not None and model._meta.label == "wiki.Page":
        if verb == "approved":
            return Event.APPROVAL_GIVEN
        if verb in ("rejected", "requested changes to"):
            return Event.APPROVAL_REFUSED
    return None


def team_of(activity: Activity) -> int | None:
    """The team whose work the row is about: the team of the project it lives under, or of
    the object itself (a dataset, a team's wiki page)."""
    if activity.scope_project_id:
        return activity.scope_project.team_id
    target = activity.target
    if target is None:
        return None
    if isinstance(target, DatasetVersion):
        return target.dataset.team_id
    if isinstance(target, (Dataset, Project)):
        return target.team_id
    if isinstance(target, ModelVersion):
        return target.model.project.team_id
    if isinstance(target, MLModel):
        return target.project.team_id
    space = getattr(target, "space", None)
    if space is not None:
        return space.team_id or (space.project.team_id if space.project_id else None)
    return None


def payload_of(activity: Activity, kind: str) -> dict[str, Any]:
    target: dict[str, Any] = {
        "type": activity.target_type.model,
        "name": activity.target_repr,
        "url": settings.SITE_URL.rstrip("/") + activity.target_url if activity.target_url else None,
    }
    obj = activity.target
    if isinstance(obj, ModelVersion):
        target.update(model=obj.model.slug, number=obj.number, status=obj.status)
    elif isinstance(obj, (Project, MLModel, Dataset)):
        target.update(slug=obj.slug)
    elif isinstance(obj, DatasetVersion):
        target.update(dataset=obj.dataset.slug, label=obj.label)
    if isinstance(obj, Project):
        target.update(stage=obj.stage)
    return {
        "event": kind,
        "occurred_at": activity.created_at.isoformat(),
        "actor": activity.actor.username if activity.actor else None,
        "target": target,
        "changes": {key: value for key, value in activity.changes.items() if key in SAFE_CHANGES},
    }
