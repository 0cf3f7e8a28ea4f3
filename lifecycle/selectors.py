"""Reads of the lifecycle: overdue and stale detection, coverage, the board, lessons.

The detection functions are what the UI shows now and what reminders will use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lifecycle import permissions
from lifecycle.gates import Context, approval_state, evaluate, for_reader
from lifecycle.models import ActionItem, Sprint
from registry import permissions as registry_permissions
from registry.models import STAGE_ORDER, Caveat, DatasetVersion, ModelVersion, Project, Stage
from registry.permissions import User
from wiki.conformance import section_text
from wiki.links import resolve_links
from wiki.markdown import render_markdown
from wiki.models import Page
from wiki.selectors import page_project

RETRO_GRACE_WORKING_DAYS = 5
ACTIVE_STAGES = [s for s in Stage.values if s not in (Stage.RETIRED, Stage.ABANDONED)]


def add_working_days(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def latest_allowed_end(today: date | None = None) -> date:
    """Sprints that ended before this day are overdue without a retrospective."""
    day, remaining = today or timezone.localdate(), RETRO_GRACE_WORKING_DAYS
    while remaining > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def retrospective_written(sprint: Sprint) -> bool:
    """A sprint's retrospective counts as written once every required section is filled in
    (starting it from the template is not writing it)."""
    page = sprint.retrospective
    return page is not None and page.deleted_at is None and page.sections_missing == 0


def overdue_retrospectives(*, user: User, today: date | None = None) -> QuerySet[Sprint]:
    """Sprints of active projects that ended more than five working days ago and whose
    retrospective is not written (missing, in the trash, or with required sections empty)."""
    return (
        Sprint.objects.filter(
            project__in=Project.objects.visible_to(user).filter(stage__in=ACTIVE_STAGES),
        ).filter(
            Q(retrospective__isnull=True) | Q(retrospective__sections_missing__gt=0)
            | Q(retrospective__deleted_at__isnull=False),
            ends_on__lt=latest_allowed_end(today),
        )
        .select_related("project")
        .order_by("ends_on")
    )


def overdue_action_items(*, user: User, today: date | None = None) -> QuerySet[ActionItem]:
    return ActionItem.objects.visible_to(user).filter(
        status=ActionItem.Status.OPEN, due_on__lt=today or timezone.localdate()
    )


def stale_pages(*, user: User) -> QuerySet[Page]:
    """Pages documenting a dataset or model that got a newer version after the page's
    last revision (the page describes an older state of the asset), and model cards of a
    production version whose data got a caveat since (registry.services.caveat_raise)."""
    newer_dataset_version = DatasetVersion.objects.filter(
        dataset__documented_by=OuterRef("pk"), created_at__gt=OuterRef("updated_at"))
    newer_model_version = ModelVersion.objects.filter(
        model__documented_by=OuterRef("pk"), created_at__gt=OuterRef("updated_at"))
    # a caveat raised, since the card's last revision, on data a production version used
    new_caveat = Caveat.objects.filter(
        Q(dataset_version__lineage__model_version__model__documented_by=OuterRef("pk"))
        | Q(dataset_version__lineage__model_version__documented_by=OuterRef("pk")),
        dataset_version__lineage__model_version__status=ModelVersion.Status.PRODUCTION,
        status=Caveat.Status.OPEN, created_at__gt=OuterRef("updated_at"))
    return (
        Page.objects.visible_to(user).live()
        .annotate(stale_dataset=Exists(newer_dataset_version), stale_model=Exists(newer_model_version),
                  stale_caveat=Exists(new_caveat))
        .filter(Q(stale_dataset=True) | Q(stale_model=True) | Q(stale_caveat=True))
        .select_related("space", "template")
    )


@dataclass
class Coverage:
    project: Project
    present: int
    missing: int
    stale: int

    @property
    def total(self) -> int:
        return self.present + self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.total) if self.total else 100


def _required_stages(project: Project) -> list[str]:
    """The stages whose documentation a project should have: those it entered, and the next."""
    if project.stage == Stage.ABANDONED:
        return [Stage.DATA_DISCOVERY, Stage.ABANDONED]
    if project.stage not in STAGE_ORDER:
        return []
    index = STAGE_ORDER.index(project.stage)
    return [s for s in STAGE_ORDER[1:index + 2] if s != Stage.RETRAINING or project.stage == s]


def coverage(project: Project, ctx: Context, stale_ids: set[int]) -> Coverage:
    present = missing = stale = 0
    for stage in _required_stages(project):
        for check in evaluate(project, stage, ctx, links=False):
            if check.met:
                present += 1
                if check.page and check.page.pk in stale_ids:
                    stale += 1
            else:
                missing += 1
    return Coverage(project=project, present=present, missing=missing, stale=stale)


def coverage_for(*, user: User, projects: QuerySet[Project]) -> list[Coverage]:
    projects = list(projects)
    ctx = Context(projects)
    stale_ids = set(stale_pages(user=user).values_list("pk", flat=True))
    return [coverage(project, ctx, stale_ids) for project in projects]


def board(*, user: User) -> list[tuple[Stage, list[Coverage]]]:
    projects = Project.objects.visible_to(user).select_related("team").order_by("name")
    cards = coverage_for(user=user, projects=projects)
    return [(Stage(stage), [c for c in cards if c.project.stage == stage]) for stage in Stage.values]


def lessons(*, user: User, project: str = "", stage: str = "", query: str = "") -> QuerySet[Page]:
    """Visible retrospective pages, newest first (their "Lessons learned" is shown)."""
    pages = Page.objects.visible_to(user).live().filter(template__kind="retrospective").select_related(
        "space", "space__project")
    if project:
        pages = pages.filter(space__project__slug=project)
    if stage:
        pages = pages.filter(space__project__stage=stage)
    if query:
        pages = pages.filter(body__icontains=query)
    latest = Sprint.objects.filter(retrospective=OuterRef("pk")).values("ends_on")[:1]
    return pages.annotate(sprint_end=Subquery(latest)).order_by(F("sprint_end").desc(nulls_last=True),
                                                                "-created_at")


@dataclass
class Lesson:
    page: Page
    html: str


def lesson_entries(pages: list[Page], *, user: User) -> list[Lesson]:
    """The "Lessons learned" section of each retrospective, rendered through the one
    sanitizing function (a section of a page, so not the page's stored HTML), with wiki
    links resolved for this reader like on the page itself."""
    entries = []
    for page in pages:
        text = section_text(page, "Lessons learned") or ""
        html = resolve_links(render_markdown(text), user=user, space=page.space) if text.strip() else ""
        entries.append(Lesson(page=page, html=html))
    return entries


# --- panels of the pages the lifecycle composes ----------------------------------------------
def project_panel(*, user: User, project: Project) -> dict[str, Any]:
    """On a project's page: the checklist of each stage it may enter next, its recent sprints
    (overdue retrospectives marked)."""
    can_edit = permissions.can_move_stage(user, project)
    ctx = Context([project])
    nexts = [(Stage(s), for_reader(evaluate(project, s, ctx, links=can_edit), user))
             for s in project.allowed_next_stages()]
    sprints = list(project.sprints.select_related("retrospective__space")[:6])
    cutoff = latest_allowed_end()
    return {"nexts": nexts, "can_edit": can_edit, "sprints": sprints,
            "overdue": {s.pk for s in sprints if not retrospective_written(s) and s.ends_on < cutoff}}


def review_panel(*, user: User, page: Page) -> dict[str, Any] | None:
    """On a page that belongs to a project: who approved which revision, or that approval is
    pending or void, and whether `user` may approve or request a review. None otherwise."""
    project = page_project(page)
    if project is None:
        return None
    approvals = list(page.approvals.select_related("reviewer")[:20])
    reviewers = registry_permissions.reviewers_of(project)
    authors = set(page.revisions.values_list("author_id", flat=True))
    approval, sentence = approval_state(page, reviewers, approvals, authors)
    reviewed = any(a.reviewer_id == user.pk and a.revision == page.revision for a in approvals)
    return {
        "approval": approval, "sentence": sentence, "approvals": approvals,
        "requested": page.review_requests.filter(revision=page.revision)
        .select_related("requested_by").first(),
        "sprint": Sprint.objects.filter(retrospective=page).select_related("project").first(),
        "has_reviewers": bool(reviewers),
        # the rule of lifecycle.permissions.approval_refusal, on what is loaded here
        "can_approve": approval is None and not reviewed and user.pk in reviewers
        and user.pk not in authors,
        "can_request": permissions.can_request_review(user, page),
    }


def retrospective_panel(*, user: User, page: Page) -> dict[str, Any] | None:
    """On a retrospective page: its sprint's action items and the open items carried over
    from earlier sprints. None on other pages."""
    sprint = Sprint.objects.filter(retrospective=page).select_related("project").first()
    if sprint is None:
        return None
    can_edit = permissions.can_plan(user, sprint.project)
    return {
        "sprint": sprint, "can_edit": can_edit,
        "items": sprint.action_items.select_related("owner"),
        "carried": carried_over(sprint),
        "statuses": ActionItem.Status.choices, "today": timezone.localdate(),
    }


def carried_over(sprint: Sprint) -> QuerySet[ActionItem]:
    """Open action items of the project's earlier sprints."""
    return ActionItem.objects.filter(
        project=sprint.project, status=ActionItem.Status.OPEN, sprint__number__lt=sprint.number,
    ).select_related("owner", "sprint")
