"""Reads of the wiki: permission-scoped, prefetched for one page of the UI."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from registry.models import Dataset, MLModel, ModelVersion, Project, Team
from registry.permissions import User
from wiki.models import DOC_FIELDS, Page, PageRevision, Space, Template
from wiki.refs import Documented

_LINK_FIELD = {Project: "to_project", Dataset: "to_dataset", MLModel: "to_model",
               ModelVersion: "to_model_version"}


def pages_documenting(
    target: Documented, *, template_kind: str | None = None, user: User | None = None
) -> QuerySet[Page]:
    """Live pages that document `target` (a project, dataset, model or model version),
    optionally only those made from the template `template_kind` (e.g. "model-card"),
    optionally only those `user` may read (the lifecycle's gates count every page)."""
    qs = Page.objects.live().filter(**{DOC_FIELDS[type(target)]: target})
    if template_kind is not None:
        qs = qs.filter(template__kind=template_kind)
    if user is not None:
        qs = qs.visible_to(user)
    return qs.select_related("space", "template").order_by("title", "pk")


def pages_linking_to(target: Documented | Page, *, user: User) -> QuerySet[Page]:
    """Live pages `user` may read whose text links to `target`."""
    field = "to_page" if isinstance(target, Page) else _LINK_FIELD[type(target)]
    qs = Page.objects.live().filter(**{f"outgoing_links__{field}": target}).distinct()
    return qs.visible_to(user).select_related("space").order_by("title", "pk")


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
        *page.documents_projects.visible_to(user),
        *page.documents_datasets.visible_to(user),
        *page.documents_models.visible_to(user),
        *page.documents_model_versions.visible_to(user).select_related("model"),
    ]


def page_project_ids(pages: list[Page]) -> dict[int, int | None]:
    """`page_project` for many pages, in at most three queries: {page id: project id}."""
    found: dict[int, int | None] = {p.pk: p.space.project_id for p in pages}
    steps = ((Page.documents_projects.through, "project_id", "project_id"),
             (Page.documents_models.through, "mlmodel__project_id", "mlmodel_id"),
             (Page.documents_model_versions.through, "modelversion__model__project_id",
              "modelversion_id"))
    for through, project, order in steps:
        rest = [pk for pk, project_id in found.items() if project_id is None]
        if not rest:
            break
        rows = through.objects.filter(page_id__in=rest).order_by(order)
        for page_id, project_id in rows.values_list("page_id", project):
            found[page_id] = found[page_id] or project_id
    return found


def page_project(page: Page) -> Project | None:
    """The project a page belongs to: its space's; else the first project it documents; else
    the project of the first model (or model version) it documents. Its Reviewers approve it."""
    if page.space.project_id:
        return page.space.project
    project = page.documents_projects.order_by("pk").first()
    if project is None:
        model = page.documents_models.select_related("project").order_by("pk").first()
        if model is None:
            version = page.documents_model_versions.select_related("model__project").order_by("pk").first()
            model = version.model if version else None
        project = model.project if model else None
    return project


def revisions(page: Page) -> QuerySet[PageRevision]:
    return page.revisions.select_related("author").defer("body", "html").order_by("-number")


def templates_for(*, user: User) -> QuerySet[Template]:
    """Built-in templates and those of every team (teams share their templates)."""
    return Template.objects.select_related("team").order_by("-builtin", "name")


def space_index(*, user: User) -> dict[str, object]:
    return {
        "teams": Team.objects.order_by("name"),
        "projects": Project.objects.visible_to(user).select_related("team").order_by("name"),
        "recent": Page.objects.visible_to(user).live().select_related("space", "updated_by")
        .order_by("-updated_at")[:15],
    }
