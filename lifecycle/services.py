"""Every write of the lifecycle: approvals, review requests, sprints, retrospectives and
action items. Each records an Activity row."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from config.exceptions import ApplicationError
from lifecycle.models import ActionItem, Approval, ReviewRequest, Sprint
from registry import permissions
from registry.models import Activity, Dataset, DatasetVersion, MLModel, ModelVersion, Person, Project
from registry.services import _save_validated, _update, activity_record
from wiki.models import Page, Template
from wiki.prefill import insert_under
from wiki.services import page_create, space_for

RETROSPECTIVE_KIND = "retrospective"


# --- approvals -----------------------------------------------------------------------
def _project_of(page: Page) -> Project | None:
    if page.space.project_id:
        return page.space.project
    documented = page.documents_projects.first()
    if documented:
        return documented
    model = page.documents_models.select_related("project").first()
    return model.project if model else None


@transaction.atomic
def page_approve(*, page: Page, revision: int, by: Person, comment: str = "") -> Approval:
    """`by`, a Reviewer of the page's project, approves revision `revision` of `page`."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    project = _project_of(page)
    if project is None or not permissions.is_reviewer_of_project(by, project):
        raise ApplicationError("Only a person holding the Reviewer role on the project may approve.")
    if revision != page.revision:
        raise ApplicationError(
            f"Revision {revision} is not the current one (revision {page.revision}); "
            "reload the page and approve what it says now.")
    if page.approvals.filter(revision=revision, reviewer=by).exists():
        raise ApplicationError("You already approved this revision.")
    approval = Approval(page=page, revision=revision, reviewer=by, comment=comment.strip()[:500])
    _save_validated(approval)
    activity_record(actor=by, verb="approved", target=page, changes={"revision": [None, revision]})
    return approval


@transaction.atomic
def review_request(*, page: Page, by: Person) -> ReviewRequest:
    if page.review_requests.filter(revision=page.revision).exists():
        raise ApplicationError(f"A review of revision {page.revision} is already requested.")
    request = ReviewRequest.objects.create(page=page, revision=page.revision, requested_by=by)
    activity_record(actor=by, verb="requested review", target=page,
                    changes={"revision": [None, page.revision]})
    return request


# --- sprints ---------------------------------------------------------------------------
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
    _save_validated(sprint)
    activity_record(actor=by, verb="planned sprint", target=sprint)
    return sprint


def _changed_during(sprint: Sprint) -> tuple[list[Dataset], list[MLModel]]:
    """Datasets and models of the project that the activity log shows changed in the sprint."""
    start = timezone.make_aware(datetime.combine(sprint.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(sprint.ends_on, time.max))
    events = Activity.objects.filter(created_at__range=(start, end))
    types = ContentType.objects.get_for_models(Dataset, DatasetVersion, MLModel, ModelVersion)

    def touched(kind: type) -> QuerySet:
        return events.filter(target_type=types[kind]).values("target_id")

    project = sprint.project
    datasets = project.datasets.filter(
        Q(pk__in=touched(Dataset))
        | Q(pk__in=DatasetVersion.objects.filter(pk__in=touched(DatasetVersion)).values("dataset_id")))
    models = project.models.filter(
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


# --- action items ----------------------------------------------------------------------
@transaction.atomic
def action_item_add(*, sprint: Sprint, text: str, by: Person, owner: Person | None = None,
                    due_on: date | None = None) -> ActionItem:
    item = ActionItem(sprint=sprint, project=sprint.project, text=text.strip(), owner=owner,
                      due_on=due_on, created_by=by)
    _save_validated(item)
    activity_record(actor=by, verb="added action item", target=item)
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, by: Person, **fields: Any) -> ActionItem:
    if "status" in fields and fields["status"] not in ActionItem.Status.values:
        raise ValidationError({"status": f"Unknown status {fields['status']!r}."})
    return _update(item, by=by, fields=fields)
