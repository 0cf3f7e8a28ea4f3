"""Projects. Their stage is changed by the lifecycle (lifecycle.services.stages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.exceptions import ApplicationError
from registry.models import Dataset, Person, Project, Stage, StageTransition, Team
from registry.services.common import activity_record, record_update, save_validated


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
        before = set(project.datasets.values_list("slug", flat=True))
        after = {d.slug for d in datasets}
        if before != after:
            project.datasets.set(datasets)
            activity_record(actor=by, verb="linked datasets", target=project,
                            changes={"datasets": [sorted(before), sorted(after)]})
    return project
