"""Sprints, their retrospectives and action items."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from lifecycle.models import ActionItem, Sprint
from registry.models import Activity, Dataset, DatasetVersion, MLModel, ModelVersion, Person, Project
from registry.services import activity_record, record_update, save_validated
from wiki.models import Page, Template
from wiki.prefill import insert_under
from wiki.services import page_create, space_for

RETROSPECTIVE_KIND = "retrospective"


@transaction.atomic
def sprint_create(*, project: Project, starts_on: date, ends_on: date, goal: str = "",
                  number: int | None = None, by: Person) -> Sprint:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "A sprint ends on or after the day it starts."})
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if number is None:
        number = (project.sprints.aggregate(n=Max("number"))["n"] or 0) + 1
    elif project.sprints.filter(number=number).exists():
        raise ValidationError({"number": f"{project} already has a sprint {number}."})
    sprint = Sprint(project=project, number=number, starts_on=starts_on, ends_on=ends_on,
                    goal=goal.strip())
    save_validated(sprint)
    activity_record(actor=by, verb="planned sprint", target=sprint)
    return sprint


def _changed_during(sprint: Sprint) -> tuple[list[Dataset], list[MLModel]]:
    """Datasets and models of the project that the activity log shows changed in the sprint,
    among those every reader of the project's wiki space may see (they are written into it)."""
    start = timezone.make_aware(datetime.combine(sprint.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(sprint.ends_on, time.max))
    events = Activity.objects.filter(created_at__range=(start, end))
    types = ContentType.objects.get_for_models(Dataset, DatasetVersion, MLModel, ModelVersion)

    def touched(kind: type) -> QuerySet:
        return events.filter(target_type=types[kind]).values("target_id")

    project = sprint.project
    datasets = project.datasets.seen_by_every_reader_of(project).filter(
        Q(pk__in=touched(Dataset))
        | Q(pk__in=DatasetVersion.objects.filter(pk__in=touched(DatasetVersion)).values("dataset_id")))
    models = project.models.seen_by_every_reader_of(project).filter(
        Q(pk__in=touched(MLModel))
        | Q(pk__in=ModelVersion.objects.filter(pk__in=touched(ModelVersion)).values("model_id")))
    return list(datasets), list(models)


def _carried_over(sprint: Sprint) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(project=sprint.project, status=ActionItem.Status.OPEN,
                                  sprint__number__lt=sprint.number)
        .select_related("owner", "sprint", "sprint__retrospective", "sprint__retrospective__space")
        .order_by("sprint__number", "pk"))


def retrospective_body(sprint: Sprint, template: Template) -> str:
    """The retrospective template, pre-filled with what Almanac knows about the sprint."""
    datasets, models = _changed_during(sprint)
    carried = _carried_over(sprint)
    fill = {
        "sprint goal and outcome": f"**Goal:** {sprint.goal or '(none recorded)'}\n\n**Outcome:** ",
        "action items": "\n".join(
            f"- [ ] {item.text} — {item.owner.name if item.owner else 'unassigned'}"
            f"{f', due {item.due_on:%Y-%m-%d}' if item.due_on else ''}"
            f" (carried over from sprint {item.sprint.number}"
            f"{f': [[{item.sprint.retrospective.title}]]' if item.sprint.retrospective else ''})"
            for item in carried) or "",
        "data and model changes": "\n".join(
            [f"- [[dataset:{d.slug}]]" for d in datasets] + [f"- [[model:{m.slug}]]" for m in models])
        or "No dataset or model of the project changed during the sprint.",
    }
    body = template.body or ""
    for heading, text in fill.items():
        if text:
            body = insert_under(body, heading, text)
    return body


@transaction.atomic
def retrospective_write(*, sprint: Sprint, by: Person) -> Page:
    """Create the sprint's retrospective page from the retrospective template."""
    sprint = Sprint.objects.select_for_update().select_related("project").get(pk=sprint.pk)
    if sprint.retrospective_id:
        raise ApplicationError(f"Sprint {sprint.number} already has its retrospective.")
    template = Template.objects.filter(kind=RETROSPECTIVE_KIND).first()
    if template is None:
        raise ApplicationError("The retrospective template is missing; ask an admin to restore it.")
    project = sprint.project
    page = page_create(
        space=space_for(project), title=f"Sprint {sprint.number} retrospective — {project.name}",
        slug=f"sprint-{sprint.number}-retrospective", body=retrospective_body(sprint, template),
        by=by, template=template, documents=[project], summary="Started from the sprint.",
    )
    sprint.retrospective = page
    sprint.save(update_fields=["retrospective"])
    activity_record(actor=by, verb="wrote retrospective", target=sprint)
    return page


@transaction.atomic
def action_item_add(*, sprint: Sprint, text: str, by: Person, owner: Person | None = None,
                    due_on: date | None = None) -> ActionItem:
    item = ActionItem(sprint=sprint, project=sprint.project, text=text.strip(), owner=owner,
                      due_on=due_on, created_by=by)
    save_validated(item)
    activity_record(actor=by, verb="added action item", target=item)
    if owner is not None:
        enqueue("notifications.action_item_assigned", action_item_id=item.pk, by_id=by.pk)
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, by: Person, **fields: Any) -> ActionItem:
    if "status" in fields and fields["status"] not in ActionItem.Status.values:
        raise ValidationError({"status": f"Unknown status {fields['status']!r}."})
    owner_before = item.owner_id
    item = record_update(item, by=by, fields=fields)
    if item.owner_id is not None and item.owner_id != owner_before:
        enqueue("notifications.action_item_assigned", action_item_id=item.pk, by_id=by.pk)
    return item
