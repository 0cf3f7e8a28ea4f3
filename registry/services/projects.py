"""Projects. Their stage is changed by the lifecycle (lifecycle.services.stages)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.exceptions import ApplicationError
from registry.models import Dataset, Person, Project, Stage, StageTransition, Team
from registry.services.common import activity_record, activity_ref, record_update, save_validated


@transaction.atomic
def project_create(
    *, slug: str, name: str, team: Team, summary: str = "", visibility: str = "internal",
    datasets: Sequence[Dataset] = (), by: Person,
) -> Project:
    now = timezone.now()
    project = Project(slug=slug, name=name, team=team, summary=summary, visibility=visibility,
                      stage=Stage.PROPOSED, stage_changed_at=now)
    save_validated(project)
    project.datasets.set(datasets)
    StageTransition.objects.create(project=project, from_stage="", to_stage=Stage.PROPOSED,
                                   note="Project registered.", actor=by)
    activity_record(actor=by, verb="created", target=project)
    return project


@transaction.atomic
def project_update(
    *, project: Project, by: Person, datasets: Sequence[Dataset] | None = None, **fields: Any
) -> Project:
    if "stage" in fields:
        raise ApplicationError("Change the stage through a transition, not an edit.")
    record_update(project, by=by, fields=fields)
    if datasets is not None:
        current = list(project.datasets.all())
        # an edit changes only the links its author can see: hidden ones stay
        visible = set(Dataset.objects.visible_to(by).filter(pk__in=[d.pk for d in current])
                      .values_list("pk", flat=True))
        after = {d.pk: d for d in [*datasets, *(d for d in current if d.pk not in visible)]}
        if set(after) != {d.pk for d in current}:
            project.datasets.set(list(after.values()))
            activity_record(actor=by, verb="linked datasets", target=project, changes={
                "datasets": [_refs(current), _refs(after.values())]})
    return project


def _refs(datasets: Iterable[Dataset]) -> list[dict[str, str]]:
    return sorted((activity_ref(d) for d in datasets), key=lambda ref: ref["slug"])
