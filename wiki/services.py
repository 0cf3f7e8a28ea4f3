"""Every write to the wiki goes through here, and each records an Activity row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from config.exceptions import ApplicationError
from registry.models import Dataset, MLModel, ModelVersion, Person, Project, Team
from registry.services import _tags_from, activity_record
from wiki.links import lookup, refs_in
from wiki.markdown import render_markdown
from wiki.merge import line_diff, merge3
from wiki.models import Page, PageLink, PageRevision, Space, Template

RESERVED_SLUGS = {"new", "trash", "edit", "history", "diff", "revert", "delete", "restore",
                  "purge", "preview", "templates"}
MAX_DEPTH = 8
Documented = Project | Dataset | MLModel | ModelVersion
DOC_FIELDS = {Project: "documents_projects", Dataset: "documents_datasets",
              MLModel: "documents_models", ModelVersion: "documents_model_versions"}


class EditConflict(ApplicationError):
    """Someone saved the page since this edit started, and the two changes overlap."""

    def __init__(self, *, page: Page, current: PageRevision, mine_title: str, mine_body: str) -> None:
        super().__init__(
            f"{current.author.name} saved revision {current.number} of this page while you were "
            "editing, and your changes touch the same lines. Nothing was saved: resolve below.",
            extra={"current_revision": current.number},
        )
        self.page = page
        self.current = current
        self.mine_title = mine_title
        self.mine_body = mine_body
        self.diff = line_diff(current.body, mine_body)


@dataclass
class SaveResult:
    page: Page
    merged_with: list[int] = field(default_factory=list)
    changed: bool = True

    @property
    def message(self) -> str:
        if self.merged_with:
            numbers = ", ".join(str(n) for n in self.merged_with)
            return (f"Saved. Someone else saved revision {numbers} meanwhile; their changes "
                    "touched other lines and were merged with yours.")
        return "Saved." if self.changed else "No changes to save."


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    return body.rstrip() + "\n" if body.strip() else ""


# --- spaces -------------------------------------------------------------------------
def space_for(owner: Team | Project | None) -> Space:
    """The space of a team or project (None: the global space), made on first use."""
    if owner is None:
        kind, key, fields = Space.Kind.GLOBAL, "global", {}
    elif isinstance(owner, Team):
        kind, key, fields = Space.Kind.TEAM, f"team-{owner.slug}", {"team": owner}
    else:
        kind, key, fields = Space.Kind.PROJECT, f"project-{owner.slug}", {"project": owner}
    space = Space.objects.filter(key=key).first()
    if space is None:
        try:
            with transaction.atomic():
                space = Space.objects.create(key=key, kind=kind, **fields)
        except IntegrityError:  # made by a concurrent request
            space = Space.objects.get(key=key)
    for name, value in fields.items():
        setattr(space, name, value)
    return space


def space_for_target(target: Documented) -> Space:
    """Where a page documenting `target` goes by default."""
    if isinstance(target, Project):
        return space_for(target)
    if isinstance(target, Dataset):
        return space_for(target.home_project or target.team)
    if isinstance(target, ModelVersion):
        target = target.model
    return space_for(target.project)


# --- pages --------------------------------------------------------------------------
def _validate_page(*, space: Space, title: str, slug: str, parent: Page | None,
                   page: Page | None = None) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the page a title."
    if slug in RESERVED_SLUGS:
        errors["slug"] = f"“{slug}” is reserved; choose another slug."
    elif not slug:
        errors["slug"] = "Give the page a slug (lowercase letters, digits and hyphens)."
    elif space.pages.filter(slug=slug).exclude(pk=page.pk if page else None).exists():
        errors["slug"] = f"This space already has a page “{slug}” (perhaps in its trash)."
    if parent is not None:
        depth, node = 1, parent
        while node is not None:
            if page is not None and node.pk == page.pk:
                errors["parent"] = "A page cannot be placed under itself or its own sub-page."
                break
            if node.space_id != space.pk:
                errors["parent"] = "The parent page must be in the same space."
                break
            depth += 1
            if depth > MAX_DEPTH:
                errors["parent"] = f"Pages nest at most {MAX_DEPTH} levels deep."
                break
            node = node.parent
    if errors:
        raise ValidationError(errors)


def _set_documents(page: Page, documents: Sequence[Documented]) -> None:
    for model_class, name in DOC_FIELDS.items():
        getattr(page, name).set([d for d in documents if type(d) is model_class])


def _rebuild_links(page: Page) -> None:
    """Rebuild the page's outgoing links from its stored HTML (no permission filter: these
    rows are filtered by the reader's permissions when shown)."""
    PageLink.objects.filter(from_page=page).delete()
    refs = refs_in(page.html)
    if not refs:
        return
    targets = lookup(refs, user=None, space=page.space)
    rows, seen = [], set()
    names = {"page": "to_page", "project": "to_project", "dataset": "to_dataset",
             "model": "to_model", "model_version": "to_model_version"}
    for ref in refs:
        target = targets.get(ref)
        if target is None or (ref.kind, ref.key) in seen or target == page:
            continue
        seen.add((ref.kind, ref.key))
        rows.append(PageLink(from_page=page, **{names[ref.kind]: target}))
    PageLink.objects.bulk_create(rows)


def _add_revision(page: Page, *, by: Person, summary: str, base: int | None) -> PageRevision:
    page.revision += 1
    return PageRevision.objects.create(
        page=page, number=page.revision, title=page.title, body=page.body, html=page.html,
        summary=summary.strip()[:300], base_revision=base, author=by,
    )


@transaction.atomic
def page_create(
    *, space: Space, title: str, body: str, by: Person, slug: str = "", parent: Page | None = None,
    template: Template | None = None, tags: Iterable[str] = (),
    documents: Sequence[Documented] = (), summary: str = "",
) -> Page:
    title = title.strip()
    slug = (slug or slugify(title))[:120]
    _validate_page(space=space, title=title, slug=slug, parent=parent)
    body = _clean_body(body)
    page = Page(space=space, slug=slug, title=title, parent=parent, body=body,
                html=render_markdown(body), template=template, created_by=by, updated_by=by)
    page.full_clean(exclude=["revision"])
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError as error:
        raise ValidationError({"slug": "This space already has a page with this slug."}) from error
    page.tags.set(_tags_from(tags))
    _set_documents(page, documents)
    _add_revision(page, by=by, summary=summary or "Created.", base=None)
    page.save(update_fields=["revision"])
    _rebuild_links(page)
    # Pages of this space that already link to this title gain a "Linked from" edge now.
    for earlier in space.pages.filter(html__icontains=f'data-wikilink="{title}"').exclude(pk=page.pk):
        _rebuild_links(earlier)
    activity_record(actor=by, verb="created page", target=page,
                    changes={"template": [None, template.name]} if template else {})
    return page


@transaction.atomic
def page_update(
    *, page: Page, title: str, body: str, base_revision: int, by: Person, summary: str = "",
    parent: Page | None | bool = False, tags: Iterable[str] | None = None,
    documents: Sequence[Documented] | None = None,
) -> SaveResult:
    """Save an edit that started from `base_revision`.

    If someone saved in between, the two edits are merged line by line when they touch
    different lines; otherwise `EditConflict` is raised and nothing is saved. `parent=False`
    leaves the parent as it is.
    """
    locked = Page.objects.select_for_update().get(pk=page.pk)
    if locked.deleted_at is not None:
        raise ApplicationError("This page is in the trash; restore it before editing.")
    if base_revision < 1 or base_revision > locked.revision:
        raise ValidationError({"base_revision": "This edit started from a revision that does "
                                                "not exist; reload the page and edit again."})
    title = title.strip()
    body = _clean_body(body)
    merged_with: list[int] = []
    if base_revision != locked.revision:
        base = PageRevision.objects.get(page=locked, number=base_revision)
        current = PageRevision.objects.select_related("author").get(page=locked,
                                                                   number=locked.revision)
        merged = merge3(base.body, body, current.body)
        title_clash = title not in (base.title, current.title) and current.title != base.title
        if not merged.clean or title_clash:
            raise EditConflict(page=locked, current=current, mine_title=title, mine_body=body)
        body = _clean_body(merged.text)
        if title == base.title:
            title = current.title
        merged_with = list(range(base_revision + 1, locked.revision + 1))
    new_parent = locked.parent if parent is False else parent
    _validate_page(space=page.space, title=title, slug=locked.slug, parent=new_parent, page=locked)
    locked.space = page.space
    changes: dict[str, list] = {}
    if title != locked.title:
        changes["title"] = [locked.title, title]
    if body != locked.body:
        changes["body"] = ["", f"{sum(1 for k, _ in line_diff(locked.body, body) if k in ('add', 'del'))}"
                           " lines changed"]
    if new_parent != locked.parent:
        changes["parent"] = [str(locked.parent or "—"), str(new_parent or "—")]
    if tags is not None:
        new_tags = _tags_from(tags)
        before = sorted(locked.tags.values_list("name", flat=True))
        if before != [t.name for t in new_tags]:
            locked.tags.set(new_tags)
            changes["tags"] = [before, [t.name for t in new_tags]]
    if documents is not None:
        _set_documents(locked, documents)
    if not changes and documents is None:
        page.__dict__.update(locked.__dict__)
        return SaveResult(page=page, changed=False)
    locked.title, locked.body, locked.parent, locked.updated_by = title, body, new_parent, by
    locked.html = render_markdown(body)
    if "title" in changes or "body" in changes or "parent" in changes:
        _add_revision(locked, by=by, summary=summary, base=base_revision)
    locked.save()
    _rebuild_links(locked)
    activity_record(actor=by, verb="merged and saved page" if merged_with else "edited page",
                    target=locked, changes=changes)
    page.__dict__.update(locked.__dict__)
    return SaveResult(page=page, merged_with=merged_with)


@transaction.atomic
def page_revert(*, page: Page, number: int, by: Person) -> Page:
    """Make a new revision with the content of revision `number`; history is untouched."""
    locked = Page.objects.select_for_update().get(pk=page.pk)
    old = PageRevision.objects.filter(page=locked, number=number).first()
    if old is None:
        raise ValidationError({"number": f"This page has no revision {number}."})
    if locked.deleted_at is not None:
        raise ApplicationError("This page is in the trash; restore it before reverting.")
    locked.space = page.space
    locked.title, locked.body, locked.html, locked.updated_by = old.title, old.body, old.html, by
    base = locked.revision
    _add_revision(locked, by=by, summary=f"Reverted to revision {number}.", base=base)
    locked.save()
    _rebuild_links(locked)
    activity_record(actor=by, verb="reverted page", target=locked,
                    changes={"revision": [base, number]})
    page.__dict__.update(locked.__dict__)
    return page


@transaction.atomic
def page_delete(*, page: Page, by: Person) -> Page:
    if page.deleted_at is not None:
        raise ApplicationError("This page is already in the trash.")
    page.deleted_at = timezone.now()
    page.save(update_fields=["deleted_at", "updated_at"])
    activity_record(actor=by, verb="moved page to trash", target=page)
    return page


@transaction.atomic
def page_restore(*, page: Page, by: Person) -> Page:
    if page.deleted_at is None:
        raise ApplicationError("This page is not in the trash.")
    page.deleted_at = None
    page.save(update_fields=["deleted_at", "updated_at"])
    activity_record(actor=by, verb="restored page", target=page)
    return page


@transaction.atomic
def page_purge(*, page: Page, by: Person) -> None:
    """Delete a trashed page for good (staff only). The activity row stays on the space."""
    if not by.is_staff:
        raise ApplicationError("Only staff can purge pages.")
    if page.deleted_at is None:
        raise ApplicationError("Move the page to the trash before purging it.")
    space, title = page.space, page.title
    Page.objects.filter(parent=page).update(parent=None)
    page.delete()
    activity_record(actor=by, verb="purged page", target=space, changes={"page": [title, None]})


# --- templates ----------------------------------------------------------------------
def _sections_from(value: Iterable[str]) -> list[str]:
    sections = [s.strip() for s in value if s.strip()]
    if len({s.casefold() for s in sections}) != len(sections):
        raise ValidationError({"required_sections": "A section is listed twice."})
    return sections


@transaction.atomic
def template_create(
    *, kind: str, name: str, team: Team, by: Person, body: str = "", description: str = "",
    required_sections: Iterable[str] = (),
) -> Template:
    if Template.objects.filter(kind=kind).exists():
        raise ValidationError({"kind": f"A template “{kind}” already exists."})
    template = Template(kind=kind, name=name.strip(), team=team, body=_clean_body(body),
                        description=description, required_sections=_sections_from(required_sections))
    template.full_clean()
    template.save()
    activity_record(actor=by, verb="created template", target=template)
    return template


@transaction.atomic
def template_update(
    *, template: Template, by: Person, name: str, body: str, description: str = "",
    required_sections: Iterable[str] = (),
) -> Template:
    if template.builtin and not by.is_staff:
        raise ApplicationError("Built-in templates are changed by staff only.")
    template.name, template.body, template.description = name.strip(), _clean_body(body), description
    template.required_sections = _sections_from(required_sections)
    template.full_clean()
    template.save()
    activity_record(actor=by, verb="edited template", target=template)
    return template
