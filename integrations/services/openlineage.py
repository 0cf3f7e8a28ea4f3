"""Writes that come from other tools. Each one goes through the registry's services, as the
person whose token sent it, so the registry's rules and activity log apply unchanged."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.utils import timezone

from config.exceptions import ApplicationError
from integrations.models import OpenLineageRun, UnmappedDataset
from integrations.openlineage import DatasetRef, RunEvent, covers
from registry import permissions
from registry import services as registry
from registry.models import Dataset, DatasetVersion, Lineage, ModelVersion, Person

UNMAPPED_URL = "/integrations/openlineage/unmapped/"


def _dataset_for(ref: DatasetRef, by: Person) -> Dataset | None:
    """The visible dataset whose source location holds the event's dataset (the most precise
    one when several do). A dataset `by` cannot see is not there, as for every reader."""
    uri = ref.uri
    candidates = (Dataset.objects.visible_to(by).exclude(source_uri="")
                  .alias(wanted=Value(uri + "/")).filter(wanted__startswith=F("source_uri"))
                  .only("pk", "slug", "source_uri", "team_id"))
    matches = [d for d in candidates if covers(d.source_uri, uri)]
    # the longest match is the most precise; a slash-terminated form of the same place ties
    return max(matches, key=lambda d: len(d.source_uri.rstrip("/")), default=None)


def _unmapped_note(ref: DatasetRef, event: RunEvent, by: Person) -> None:
    now = timezone.now()
    updated = UnmappedDataset.objects.filter(namespace=ref.namespace, name=ref.name, reported_by=by).update(
        times_seen=F("times_seen") + 1, last_seen_at=now, last_run_id=event.run_id, job_name=event.job_name)
    if not updated:
        UnmappedDataset.objects.create(namespace=ref.namespace, name=ref.name, reported_by=by,
                                       job_name=event.job_name, last_run_id=event.run_id, last_seen_at=now)


def _input(ref: DatasetRef, event: RunEvent, by: Person) -> tuple[dict[str, Any], DatasetVersion | None]:
    base = {"namespace": ref.namespace, "name": ref.name}
    dataset = _dataset_for(ref, by)
    if dataset is None:
        _unmapped_note(ref, event, by)
        return {**base, "status": "unknown"}, None
    UnmappedDataset.objects.filter(namespace=ref.namespace, name=ref.name).delete()
    label = ref.version or event.label
    found = {**base, "dataset": dataset.slug, "version": label}
    version = DatasetVersion.objects.filter(dataset=dataset, label=label).first()
    if version is not None:
        return {**found, "status": "existing"}, version
    if not permissions.can_edit_dataset(by, dataset):
        return {**found, "status": "refused",
                "reason": "You may not add versions to this dataset; its team can."}, None
    version = registry.dataset_version_add(
        dataset=dataset, label=label, by=by, released_on=event.day, row_count=ref.row_count,
        size_bytes=ref.size_bytes, location=ref.uri,
        notes=f"Read by job {event.job_namespace}/{event.job_name}, OpenLineage run {event.run_id}.")
    return {**found, "status": "created"}, version


def _output(ref: DatasetRef, used: list[DatasetVersion], by: Person
            ) -> tuple[list[dict[str, Any]], list[ModelVersion]]:
    """The model versions whose artifact is this output get the run's inputs as lineage."""
    base = {"namespace": ref.namespace, "name": ref.name}
    uri = ref.uri
    versions = (ModelVersion.objects.visible_to(by).filter(artifact_uri__in=[uri, uri + "/"])
                .select_related("model__project").order_by("model__slug", "number"))
    answers, linked = [], []
    for version in versions:
        found = {**base, "model": version.model.slug, "number": version.number}
        if not permissions.can_edit_model(by, version.model):
            answers.append({**found, "status": "refused",
                            "reason": "You may not change this model; its project's team can."})
            continue
        added = registry.model_version_lineage_add(
            version=version, lineage=[(dv, Lineage.Use.TRAINING) for dv in used], by=by)
        linked.append(version)
        answers.append({**found, "status": "linked", "lineage_added": [
            {"dataset": dv.dataset.slug, "version": dv.label, "use": use} for dv, use in added]})
    return answers or [{**base, "status": "not a model version"}], linked


@transaction.atomic
def openlineage_run_receive(*, event: RunEvent, by: Person) -> tuple[dict[str, Any], bool]:
    """Read a COMPLETE run event: its inputs become dataset versions of the datasets they map
    to, and model versions whose artifact is an output get them as lineage. Once per run id:
    a resent event gets the first answer again and changes nothing. Returns (answer, new)."""
    if event.event_type != "COMPLETE":
        raise ApplicationError("Only COMPLETE events are read.")
    earlier = OpenLineageRun.objects.filter(run_id=event.run_id).first()
    if earlier is not None:
        if earlier.received_by_id != by.pk:
            raise ApplicationError("This run id was already received from another sender.")
        return {**earlier.result, "duplicate": True}, False
    inputs, used = [], []
    for ref in event.inputs:
        answer, version = _input(ref, event, by)
        inputs.append(answer)
        if version is not None:
            used.append(version)
    outputs, linked = [], []
    for ref in event.outputs:
        answers, versions = _output(ref, used, by)
        outputs += answers
        linked += versions
    unknown = [{"namespace": i["namespace"], "name": i["name"]} for i in inputs if i["status"] == "unknown"]
    result = {
        "run_id": event.run_id, "job": {"namespace": event.job_namespace, "name": event.job_name},
        "processed": True, "duplicate": False, "inputs": inputs, "outputs": outputs,
        "unknown_datasets": unknown, "unknown_datasets_url": UNMAPPED_URL if unknown else "",
    }
    try:
        with transaction.atomic():
            run = OpenLineageRun.objects.create(
                run_id=event.run_id, job_namespace=event.job_namespace, job_name=event.job_name,
                event_time=event.event_time, received_by=by, result=result)
    except IntegrityError as error:  # the same run, sent twice at once: the other one won
        raise ApplicationError("This run id is being received already; send it again to read "
                               "its answer.") from error
    run.model_versions.set(linked)
    return result, True


@transaction.atomic
def unmapped_dataset_map(*, unmapped: UnmappedDataset, dataset: Dataset, by: Person) -> Dataset:
    """A steward says which dataset an event's name is: its source location becomes that
    address, so the next event maps by itself."""
    if not permissions.can_edit_dataset(by, dataset):
        raise ApplicationError("You may not edit this dataset.")
    uri = unmapped.uri
    registry.dataset_update(dataset=dataset, by=by, source_uri=uri)
    UnmappedDataset.objects.filter(namespace=unmapped.namespace, name=unmapped.name).delete()
    return dataset
