"""Writes of monitoring: recording observations, and evaluating them into drift events with
their report page and the proposal to retrain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from monitoring.models import Direction, DriftEvent, MonitoringRecord
from registry.models import ModelVersion, Person, Stage
from registry.services import activity_record
from wiki import services as wiki_services
from wiki.models import Template

DRIFT_REPORT_KIND = "drift-report"
RECENT_VALUES = 10


@dataclass(frozen=True)
class Observation:
    metric: str
    value: float
    observed_at: datetime
    threshold: float
    direction: str = Direction.ABOVE


@transaction.atomic
def monitoring_records_add(*, version: ModelVersion, observations: Sequence[Observation],
                           by: Person) -> tuple[int, int]:
    """Record observations of a production version: (created, unchanged or updated). The same
    metric at the same time is one record: sent again, it is updated, never doubled."""
    if version.status != ModelVersion.Status.PRODUCTION:
        raise ApplicationError(f"{version} is not in production: only production versions are monitored.")
    created = updated = 0
    for obs in observations:
        if obs.direction not in Direction.values:
            raise ValidationError({"direction": f"Choose one of: {', '.join(Direction.values)}."})
        if not obs.metric.strip():
            raise ValidationError({"metric": "Name the metric."})
        record, made = MonitoringRecord.objects.get_or_create(
            model_version=version, metric=obs.metric.strip(), observed_at=obs.observed_at,
            defaults={"value": obs.value, "threshold": obs.threshold, "direction": obs.direction,
                      "created_by": by})
        if made:
            created += 1
            continue
        updated += 1
        if (record.value, record.threshold, record.direction) != (obs.value, obs.threshold, obs.direction):
            record.value, record.threshold, record.direction = obs.value, obs.threshold, obs.direction
            record.evaluated = False
            record.save(update_fields=["value", "threshold", "direction", "evaluated"])
    if created:
        activity_record(actor=by, verb="recorded monitoring", target=version,
                        changes={"records": [None, created]})
    enqueue("monitoring.evaluate", model_version_id=version.pk)
    return created, updated


def report_body(version: ModelVersion, metric: str, records: Sequence[MonitoringRecord]) -> str:
    latest = records[-1]
    rows = "\n".join(f"| {r.observed_at:%Y-%m-%d %H:%M} | {r.value:g} | "
                     f"{'**breach**' if r.breached else 'ok'} |" for r in records)
    return (
        f"## What drifted\n\n`{metric}` of {version.model.name} version {version.number} "
        f"({latest.get_direction_display()} {latest.threshold:g}): {latest.value:g} at "
        f"{latest.observed_at:%Y-%m-%d %H:%M} UTC.\n\n"
        f"| observed at (UTC) | {metric} | against {latest.threshold:g} |\n| --- | --- | --- |\n{rows}\n\n"
        f"## When and how it was detected\n\nAlmanac's drift evaluation flagged the record of "
        f"{latest.observed_at:%Y-%m-%d %H:%M} UTC, sent by {latest.created_by.name}.\n\n"
        f"## Impact\n\nTo be assessed by the model's owners.\n\n"
        f"## Retraining decision\n\nProposed: move {version.model.project.name} to retraining. "
        f"Record the decision here.\n"
    )


@transaction.atomic
def drift_evaluate(*, version: ModelVersion) -> list[DriftEvent]:
    """Look at the latest record of each metric of `version`: a breach with no open drift event
    for that metric opens one, with its report page, and proposes retraining. Idempotent."""
    version = ModelVersion.objects.select_for_update().select_related("model__project").get(pk=version.pk)
    records = MonitoringRecord.objects.filter(model_version=version)
    latest_times = records.values("metric").annotate(last=Max("observed_at"))
    opened = []
    for row in latest_times:
        latest = records.select_related("created_by").get(metric=row["metric"], observed_at=row["last"])
        if not latest.breached or DriftEvent.objects.filter(
                model_version=version, metric=latest.metric, resolved_at__isnull=True).exists():
            continue
        recent = list(records.filter(metric=latest.metric).select_related("created_by")
                      .order_by("-observed_at")[:RECENT_VALUES])[::-1]
        opened.append(_open_drift(version, latest, recent))
    records.filter(evaluated=False).update(evaluated=True)
    return opened


def _open_drift(version: ModelVersion, latest: MonitoringRecord,
                recent: list[MonitoringRecord]) -> DriftEvent:
    try:
        with transaction.atomic():
            event = DriftEvent.objects.create(
                model_version=version, metric=latest.metric, value=latest.value,
                threshold=latest.threshold, direction=latest.direction, observed_at=latest.observed_at)
    except IntegrityError as error:
        raise ApplicationError("A drift event is already open for this metric.") from error
    project, by = version.model.project, latest.created_by
    template = Template.objects.filter(kind=DRIFT_REPORT_KIND).first()
    title = (f"Drift report: {version.model.name} v{version.number} {latest.metric} "
             f"{latest.observed_at:%Y-%m-%d}")
    report = wiki_services.page_create(
        space=wiki_services.space_for(project), title=title, slug=_slug(f"drift {event.pk} {title}"),
        body=report_body(version, latest.metric, recent), by=by, template=template,
        documents=[project, version], summary="Opened by Almanac's drift evaluation.")
    event.report = report
    event.save(update_fields=["report"])
    activity_record(actor=by, verb="detected drift", target=version,
                    changes={"metric": [None, latest.metric], "value": [None, latest.value]})
    if Stage.RETRAINING in project.allowed_next_stages():
        activity_record(actor=by, verb="proposed retraining", target=project,
                        changes={"drift report": [None, report.title]})
    enqueue("notifications.drift_detected", drift_event_id=event.pk)
    return event


def _slug(text: str) -> str:
    """A wiki slug: lowercase letters, digits and single hyphens (metric names have '_')."""
    return re.sub(r"-+", "-", slugify(text.replace("_", "-")))[:120].strip("-")


@transaction.atomic
def drift_resolve(*, event: DriftEvent, by: Person) -> DriftEvent:
    if event.resolved_at is None:
        event.resolved_at = timezone.now()
        event.save(update_fields=["resolved_at"])
        activity_record(actor=by, verb="resolved drift", target=event.model_version,
                        changes={"metric": [event.metric, None]})
    return event
