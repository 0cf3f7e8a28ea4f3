"""Reads of the wiki: permission-scoped, prefetched for one page of the UI."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from registry import permissions as registry_permissions
from registry.models import Dataset, MLModel, ModelVersion, Project, Team
from registry.permissions import User
from wiki.models import Page, PageRevision, Space, Template
from wiki.permissions import visible_pages

Documented = Project | Dataset | MLModel | ModelVersion
_DOC_FIELD = {Project: "documents_projects", Dataset: "documents_datasets",
              MLModel: "documents_models", ModelVersion: "documents_model_versions"}
_LINK_FIELD = {Project: "to_project", Dataset: "to_dataset", MLModel: "to_model",
               ModelVersion: "to_model_version"}


def pages_documenting(
    target: Documented, *, template_kind: str | None = None, user: User | None = None
) -> QuerySet[Page]:
    """Live pages that document `target` (a project, dataset, model or model version),
    optionally only those made from the template `template_kind` (e.g. "model-card"),
    optionally only those `user` may read. Part 3's gates call this with no user."""
    qs = Page.objects.filter(**{_DOC_FIELD[type(target)]: target}, deleted_at__isnull=True)
    if template_kind is not None:
        qs = qs.filter(template__kind=template_kind)
    if user is not None:
        qs = visible_pages(user, qs)
    return qs.select_related("space", "template").order_by("title", "pk")


def pages_linking_to(target: Documented | Page, *, user: User) -> QuerySet[Page]:
    """Live pages `user` may read whose text links to `target`."""
    field = "to_page" if isinstance(target, Page) else _LINK_FIELD[type(target)]
    qs = Page.objects.filter(**{f"outgoing_links__{field}": target}).distinct()
    return visible_pages(user, qs).select_related("space").order_by("title", "pk")


def space_pages(*, user: User, space: Space, query: str = "") -> QuerySet[Page]:
    qs = space.pages.filter(deleted_at__isnull=True).select_related(
        "space", "template", "parent", "updated_by"
    ).prefetch_related("tags")  # tags are shown on every row: one query for the page
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(tags__name=query.lower())).distinct()
    return qs.order_by("title", "pk")


def top_level_pages(*, space: Space, limit: int = 200) -> list[Page]:
    return list(space.pages.filter(deleted_at__isnull=True, parent__isnull=True)
                .select_related("space").annotate(child_count=Count("children"))
                .order_by("title")[:limit])


def trash(*, space: Space) -> QuerySet[Page]:
    return space.pages.filter(deleted_at__isnull=False).select_related(
        "space", "updated_by").order_by("-deleted_at")


def ancestors(page: Page) -> list[Page]:
    """From the root down to the parent; depth is capped by the services, so this costs at
    most that many small queries."""
    chain: list[Page] = []
    node = page.parent
    while node is not None and len(chain) < 10:
        node.space = page.space
        chain.insert(0, node)
        node = Page.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    return chain


def children(page: Page, *, limit: int = 100) -> list[Page]:
    rows = list(page.children.filter(deleted_at__isnull=True).order_by("title")[:limit])
    for row in rows:
        row.space = page.space
    return rows


def documents_of(page: Page, *, user: User) -> list[object]:
    """The registry objects the page documents that `user` may see."""
    return [
        *registry_permissions.visible_projects(user, page.documents_projects.all()),
        *registry_permissions.visible_datasets(user, page.documents_datasets.all()),
        *registry_permissions.visible_models(user, page.documents_models.all()),
        *registry_permissions.visible_model_versions(
            user, page.documents_model_versions.select_related("model")),
    ]


def revisions(page: Page) -> QuerySet[PageRevision]:
    return page.revisions.select_related("author").defer("body", "html").order_by("-number")


def templates_for(*, user: User) -> QuerySet[Template]:
    """Built-in templates and those of every team (teams share their templates)."""
    return Template.objects.select_related("team").order_by("-builtin", "name")


def space_index(*, user: User) -> dict[str, object]:
    return {
        "teams": Team.objects.order_by("name"),
        "projects": registry_permissions.visible_projects(user).select_related("team")
        .order_by("name"),
        "recent": visible_pages(user).select_related("space", "updated_by")
        .order_by("-updated_at")[:15],
    }
