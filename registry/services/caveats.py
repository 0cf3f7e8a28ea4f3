"""Caveats on dataset versions: what is known to be wrong with the data. They travel along
lineage (registry.selectors.inherited_caveats); the promotion gate asks each open one to be
answered (lifecycle.gates), and /coverage/ marks stale the model cards of the production
versions a new caveat reaches (lifecycle.selectors.stale_pages).

For notifications (Part 9): every raise records an Activity with the verb `CAVEAT_RAISED`
on the dataset version, its `changes["caveat"]` naming the caveat's id and kind; and
`caveat_affected_versions(caveat)` gives the model versions that inherit it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jobs.outbox import enqueue
from registry import permissions
from registry.models import Caveat, DatasetVersion, ModelVersion, Person
from registry.services.common import activity_record, save_validated

CAVEAT_RAISED = "raised caveat"
CAVEAT_RESOLVED = "resolved caveat"


def caveat_affected_versions(caveat: Caveat) -> QuerySet[ModelVersion]:
    """Every model version trained or evaluated on the caveat's dataset version (no
    permission filter: a notifier filters per recipient)."""
    return ModelVersion.objects.filter(lineage__dataset_version=caveat.dataset_version_id).distinct()


@transaction.atomic
def caveat_raise(*, dataset_version: DatasetVersion, kind: str, text: str, by: Person) -> Caveat:
    """Record a caveat. Open, it is inherited by every model version that used the data; the
    model cards of the production versions among them read as stale from now on."""
    if not permissions.can_raise_caveat(by, dataset_version.dataset):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "Say what is wrong with the data."})
    caveat = Caveat(dataset_version=dataset_version, kind=kind, text=text.strip(), raised_by=by)
    save_validated(caveat)
    affected = list(caveat_affected_versions(caveat).values_list("pk", flat=True))
    activity_record(actor=by, verb=CAVEAT_RAISED, target=dataset_version, changes={
        "caveat": [None, {"id": caveat.pk, "kind": kind}],
        "affected_model_versions": [None, len(affected)]})
    if affected:  # the owners of the model versions that use the data are told
        enqueue("notifications.caveat_raised", dataset_version_id=dataset_version.pk,
                summary=f"{caveat.get_kind_display()}: {caveat.text}"[:300],
                caveat_key=f"caveat:{caveat.pk}", url=dataset_version.get_absolute_url())
    return caveat


@transaction.atomic
def caveat_resolve(*, caveat: Caveat, resolution: str, by: Person) -> Caveat:
    if not permissions.can_resolve_caveat(by, caveat):
        raise PermissionDenied
    if caveat.status == Caveat.Status.RESOLVED:
        raise ValidationError({"status": f"{caveat.ref} is already resolved."})
    if not resolution.strip():
        raise ValidationError({"resolution": "Say how it was resolved."})
    caveat.status, caveat.resolution = Caveat.Status.RESOLVED, resolution.strip()
    caveat.resolved_by, caveat.resolved_at = by, timezone.now()
    save_validated(caveat, update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    activity_record(actor=by, verb=CAVEAT_RESOLVED, target=caveat.dataset_version,
                    changes={"caveat": [{"id": caveat.pk, "status": "open"},
                                        {"id": caveat.pk, "status": "resolved"}]})
    return caveat
