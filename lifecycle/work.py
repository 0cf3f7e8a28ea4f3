""""My work": what the signed-in person is asked to do, for the dashboard. Each part is a
bounded number of queries whatever the size of the instance."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from lifecycle.gates import Check, Context, evaluate, for_reader
from lifecycle.models import ActionItem, Approval, ReviewRequest
from lifecycle.selectors import stale_pages
from monitoring.models import DriftEvent
from registry import permissions as registry_permissions
from registry.models import STAGE_ORDER, Membership, Project, Stage
from registry.permissions import User
from wiki.models import Page, PageRevision
from wiki.selectors import page_project_ids

LIMIT = 10


@dataclass
class Blocked:
    project: Project
    stage: Stage
    missing: list[Check] = field(default_factory=list)


def my_projects(*, user: User) -> QuerySet[Project]:
    """Projects of my teams and projects on which I hold a role (a Reviewer of another team's
    project too)."""
    mine = Q(team_id__in=Membership.objects.filter(person=user).values("team_id")) | Q(
        pk__in=user.role_assignments.filter(project__isnull=False).values("project_id"))
    return Project.objects.visible_to(user).filter(mine).select_related("team")


def reviews_waiting(*, user: User) -> list[ReviewRequest]:
    """Review requests of a page's current revision, on a project I am a Reviewer of, that I
    have not reviewed and did not write."""
    projects = list(registry_permissions.reviewer_grants().filter(person=user, project__isnull=False)
                    .values_list("project_id", flat=True))
    if not projects:
        return []
    on_mine = (Q(page__space__project_id__in=projects) | Q(page__documents_projects__in=projects)
               | Q(page__documents_models__project_id__in=projects)
               | Q(page__documents_model_versions__model__project_id__in=projects))
    reviewed = Approval.objects.filter(page=OuterRef("page"), revision=OuterRef("revision"), reviewer=user)
    wrote = PageRevision.objects.filter(page=OuterRef("page"), author=user)
    requests = list(
        ReviewRequest.objects.filter(on_mine, revision=F("page__revision"), page__deleted_at__isnull=True)
        .exclude(Exists(reviewed)).exclude(Exists(wrote))
        .select_related("page__space", "requested_by").distinct().order_by("created_at")[:LIMIT * 3])
    # the project a page belongs to decides who reviews it: keep those that are mine
    owners = page_project_ids([r.page for r in requests])
    return [r for r in requests if owners.get(r.page_id) in projects][:LIMIT]


def my_action_items(*, user: User) -> QuerySet[ActionItem]:
    return (ActionItem.objects.visible_to(user).filter(owner=user, status=ActionItem.Status.OPEN)
            .select_related("project", "sprint__project").open_first())  # the link names the sprint's project


def my_stale_pages(*, user: User) -> QuerySet[Page]:
    return stale_pages(user=user).filter(created_by=user).order_by("updated_at")


def next_stage(project: Project) -> Stage | None:
    """The stage a project moves on to (not retirement nor abandonment)."""
    onward = [s for s in project.allowed_next_stages() if s not in (Stage.RETIRED, Stage.ABANDONED)]
    return Stage(min(onward, key=STAGE_ORDER.index)) if onward else None


def blocked_gates(*, user: User, projects: list[Project]) -> list[Blocked]:
    """For each project, the gate to its next stage and what it still misses (as `user` may
    see it), the projects whose gate is met left out."""
    ctx = Context(projects)
    found = [Blocked(p, stage, [c for c in evaluate(p, stage, ctx, links=False) if not c.met])
             for p in projects if (stage := next_stage(p)) is not None]
    found = [b for b in found if b.missing]
    for_reader([c for b in found for c in b.missing], user)  # one pass for all: three queries
    return found


def open_drift(*, user: User, projects: list[Project]) -> QuerySet[DriftEvent]:
    return (DriftEvent.objects.visible_to(user)
            .filter(resolved_at__isnull=True, model_version__model__project__in=[p.pk for p in projects])
            .select_related("model_version__model", "report__space"))


def my_work(*, user: User) -> dict[str, object]:
    projects = list(my_projects(user=user).order_by("-updated_at")[:LIMIT])
    items = list(my_action_items(user=user)[:LIMIT])
    return {
        "reviews": reviews_waiting(user=user),
        "action_items": items,
        "today": timezone.localdate(),
        "stale_pages": list(my_stale_pages(user=user)[:LIMIT]),
        "blocked": blocked_gates(user=user, projects=projects),
        "drift": list(open_drift(user=user, projects=projects)[:LIMIT]),
    }
