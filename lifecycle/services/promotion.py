"""A model version's status: promotion to production passes the promotion gate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lifecycle import gates, permissions
from registry.models import MLModel, ModelVersion, Person
from registry.services import activity_record


@transaction.atomic
def model_version_set_status(*, version: ModelVersion, status: str, by: Person) -> ModelVersion:
    """Change a version's status; to `production` only through the promotion gate."""
    if not permissions.can_change_version_status(by, version):
        raise PermissionDenied
    if status not in ModelVersion.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status == version.status:
        return version
    if status == ModelVersion.Status.PRODUCTION:
        gates.promotion_guard(version.model)
    before = version.status
    version.status = status
    version.save(update_fields=["status"])
    MLModel.objects.filter(pk=version.model_id).update(updated_at=timezone.now())
    activity_record(actor=by, verb="changed status", target=version,
                    changes={"status": [before, status]})
    return version
