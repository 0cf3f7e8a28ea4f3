"""What can be searched: one registration per kind of object.

A kind says how to load its objects (with what they need prefetched) and how to turn one
into an `Entry` of the index. Registering a kind is all another app does to be searchable:

    from search.kinds import Entry, register
    register("page", label="Page", model=Page, queryset=lambda: Page.objects.select_related(...),
             build=lambda page: Entry(...))

Kinds that share a model (pages and retrospectives) share its queryset callable and tell
their objects apart by `where`: a flush then reads such objects in one query.

`search.signals.connect()` then keeps every registered kind in step on save and delete (the
app's ready() registers the kinds, then connects), and `rebuild_search_index` and the engine
pick it up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

from django.db.models import Model, Q, QuerySet

from registry.models import Dataset, MLModel, Project, Stage, Visibility
from wiki.models import Page

# Private-use characters: they cannot come from a user (the index strips them), so the
# highlighter can find them again after escaping.
MARK_START = "\ue000"
MARK_END = "\ue001"


def clean(text: str | None) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


@dataclass(frozen=True)
class Entry:
    slug: str
    title: str
    url: str
    updated_at: datetime
    tags_text: str = ""
    description: str = ""
    columns_text: str = ""
    body: str = ""
    scope_project_id: int | None = None
    scope_visibility: str = ""  # of the scope project, when the builder has it at hand
    owner_team_id: int | None = None
    facets: list[tuple[str, str, str]] = field(default_factory=list)  # (facet, value, label)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model: type[Model]
    objects: Callable[[], QuerySet]  # the model's objects, with what `build` needs
    build: Callable[[Model], Entry]
    where: Q = field(default_factory=Q)  # which of `objects` are of this kind

    def queryset(self) -> QuerySet:
        return self.objects().filter(self.where)


KINDS: dict[str, Kind] = {}


def register(name: str, *, label: str, model: type[Model], queryset: Callable[[], QuerySet],
             build: Callable[[Model], Entry], where: Q | None = None) -> None:
    """`where`: which objects of `queryset` are of this kind, when kinds share a model (give
    them the same `queryset` callable)."""
    KINDS[name] = Kind(name=name, label=label, model=model, objects=queryset, build=build,
                       where=where or Q())


def kinds_for_model(model: type[Model]) -> list[Kind]:
    """Several kinds may share a model (pages and retrospectives): each kind's queryset says
    which of its objects belong to it."""
    return [kind for kind in KINDS.values() if kind.model is model]


# --- the registry's kinds ---------------------------------------------------------------
def _project_entry(project: Project) -> Entry:
    return Entry(
        slug=project.slug, title=project.name, url=project.get_absolute_url(),
        updated_at=project.updated_at,
        tags_text=f"{project.team.name} {project.get_stage_display()}",
        description=project.summary,
        scope_project_id=project.pk, scope_visibility=project.visibility,
        facets=[("stage", project.stage, project.get_stage_display()),
                ("team", project.team.slug, project.team.name)],
    )


def dataset_stages(dataset: Dataset) -> list[Project]:
    """Projects whose stage the dataset's facet shows: internal ones, and its home project
    (whoever sees the dataset through it sees its stage); a private project linking an
    internal dataset must not reveal itself through the facet."""
    return [p for p in dataset.projects.all()
            if p.visibility == Visibility.INTERNAL or p.pk == dataset.home_project_id]


def _dataset_entry(dataset: Dataset) -> Entry:
    tags = [t.name for t in dataset.tags.all()]
    columns = [c.name for c in dataset.columns.all()]
    facets = [("tag", name, name) for name in tags]
    facets += [
        ("team", dataset.team.slug, dataset.team.name),
        ("sensitivity", dataset.sensitivity, dataset.get_sensitivity_display()),
        ("pii", "yes" if dataset.contains_pii else "no",
         "Contains PII" if dataset.contains_pii else "No PII"),
    ]
    if dataset.format:
        facets.append(("format", dataset.format.lower(), dataset.format))
    if dataset.license:
        facets.append(("license", dataset.license.lower(), dataset.license))
    stages = {p.stage for p in dataset_stages(dataset)}
    facets += [("stage", s, Stage(s).label) for s in sorted(stages)]
    return Entry(
        slug=dataset.slug, title=dataset.name, url=dataset.get_absolute_url(),
        updated_at=dataset.updated_at,
        tags_text=" ".join(name.replace("-", " ") for name in tags),
        description=f"{dataset.description}\n{dataset.limitations}".strip(),
        # snake_case names are split so "customer_id" is found by "customer"
        columns_text=" ".join(f"{c} {c.replace('_', ' ')}" if "_" in c else c for c in columns),
        scope_project_id=dataset.home_project_id,
        scope_visibility=dataset.home_project.visibility if dataset.home_project_id else "",
        owner_team_id=dataset.team_id,
        facets=facets,
    )


def _model_entry(model: MLModel) -> Entry:
    return Entry(
        slug=model.slug, title=model.name, url=model.get_absolute_url(),
        updated_at=model.updated_at,
        tags_text=f"{model.task} {model.framework}",
        description=model.description,
        body=model.project.name,
        scope_project_id=model.project_id, scope_visibility=model.project.visibility,
        facets=[("task", model.task.lower(), model.task)]
        + ([("framework", model.framework.lower(), model.framework)] if model.framework else []),
    )


def register_registry_kinds() -> None:
    register("project", label="Project", model=Project,
             queryset=lambda: Project.objects.select_related("team"), build=_project_entry)
    register("dataset", label="Dataset", model=Dataset,
             queryset=lambda: Dataset.objects.select_related("team", "home_project").prefetch_related(
                 "tags", "columns", "projects"),
             build=_dataset_entry)
    register("model", label="Model", model=MLModel,
             queryset=lambda: MLModel.objects.select_related("project"), build=_model_entry)


# --- the wiki's kinds ---------------------------------------------------------------------
RETROSPECTIVE_TEMPLATE = "retrospective"
TAG = re.compile(r"<[^>]*>")  # the HTML is sanitized already: only its words are wanted


def page_text(html: str) -> str:
    """A page's words as plain text, from its sanitized HTML: what is indexed and what
    snippets quote, with no markdown or markup in them."""
    return " ".join(unescape(TAG.sub(" ", html)).split())


def _page_entry(page: Model) -> Entry:
    space = page.space
    tags = [t.name for t in page.tags.all()]
    template = page.template
    facets = [("tag", name, name) for name in tags]
    if template is not None:
        facets.append(("template", template.kind, template.name))
    if space.team_id:
        facets.append(("team", space.team.slug, space.team.name))
    elif space.project_id:
        facets.append(("team", space.project.team.slug, space.project.team.name))
    return Entry(
        slug=page.slug, title=page.title, url=page.get_absolute_url(),
        updated_at=page.updated_at,
        tags_text=" ".join(name.replace("-", " ") for name in tags),
        body=page_text(page.html),
        scope_project_id=space.project_id,  # pages follow their project's visibility only
        scope_visibility=space.project.visibility if space.project_id else "",
        facets=facets,
    )


def register_wiki_kinds() -> None:
    def pages() -> QuerySet:
        return (Page.objects.filter(deleted_at__isnull=True)
                .select_related("space__team", "space__project__team", "template")
                .prefetch_related("tags"))

    is_retro = Q(template__kind=RETROSPECTIVE_TEMPLATE)
    register("page", label="Page", model=Page, queryset=pages, build=_page_entry, where=~is_retro)
    register("retrospective", label="Retrospective", model=Page, queryset=pages,
             build=_page_entry, where=is_retro)
