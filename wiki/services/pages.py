"""Every write to a wiki page: create, edit (merged with what others saved meanwhile), revert,
trash, restore, purge; each records an Activity row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from django.utils.text import slugify

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from registry.models import ModelVersion, Person
from registry.services import activity_record, activity_ref, tags_from
from wiki.conformance import missing_sections_in
from wiki.links import lookup, refs_in
from wiki.markdown import check_markdown, render_markdown
from wiki.merge import line_diff, merge3
from wiki.models import DOC_FIELDS, Page, PageLink, PageRevision, Space, Template
from wiki.refs import DocRef, Documented, resolve

RESERVED_SLUGS = {"new", "trash", "edit", "history", "diff", "revert", "delete", "restore",
                  "purge", "preview", "templates"}
MAX_DEPTH = 8


class EditConflict(ApplicationError):
    """Someone saved the page since this edit started, and the two changes overlap."""

    def __init__(self, *, page: Page, current: PageRevision, mine_title: str, mine_body: str,
                 what: str = "the same lines") -> None:
        super().__init__(
            f"{current.author.name} saved revision {current.number} of this page while you were "
            f"editing, and your changes touch {what}. Nothing was saved: resolve below.",
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
    """The body with unix line ends; refused (naming "body") past the markdown limits."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    check_markdown(body)
    return body.rstrip() + "\n" if body.strip() else ""


def _missing(template: Template | None, body: str) -> int:
    """How many required sections of `template` the body leaves empty (stored on the page)."""
    return len(missing_sections_in(body, list(template.required_sections or []))) if template else 0


def _validate_page(*, space: Space, title: str, slug: str, parent: Page | None,
                   page: Page | None = None) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the page a title."
    if slug in RESERVED_SLUGS:
        errors["slug"] = f"“{slug}” is reserved; choose another slug."
    elif not slug:
        errors["slug"] = "Give the page a slug (lowercase letters, digits and hyphens)."
    elif (page is None or slug != page.slug) and (  # its own slug: the constraint keeps it unique
            space.pages.filter(slug=slug).exclude(pk=page.pk if page else None).exists()):
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


def _set_documents(page: Page, documents: Sequence[Documented],
                   before: Sequence[Documented] | None = None) -> None:
    """Make `documents` what the page documents. `before`: what it documents now, when the
    caller has read it (`_documented`), so it is not read again."""
    for model_class, name in DOC_FIELDS.items():
        manager = getattr(page, name)
        wanted = [d for d in documents if type(d) is model_class]
        if before is None:
            manager.set(wanted)
            continue
        had = {d.pk for d in before if type(d) is model_class}
        gone = had - {d.pk for d in wanted}
        if gone:
            manager.remove(*gone)
        added = [d for d in wanted if d.pk not in had]
        if added:
            manager.add(*added)


def _rebuild_links(page: Page, *, linked_before: bool = True) -> None:
    """Rebuild the page's outgoing links from its stored HTML (no permission filter: these
    rows are filtered by the reader's permissions when shown). `linked_before` False: the
    HTML the page had linked nothing, so it has no rows to delete (they come from it only)."""
    if linked_before:
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


def _add_revision(page: Page, *, by: Person, summary: str, base: int | None,
                  tags: list[str] | None = None, documents: list[DocRef] | None = None) -> PageRevision:
    """The page as it is now, as its next revision. `tags` and `documents` are recorded when
    the revision sets them (None: as in the revision before), for merging later edits."""
    page.revision += 1
    return PageRevision.objects.create(
        page=page, number=page.revision, title=page.title, body=page.body, html=page.html,
        tags=tags, documents=None if documents is None else [str(d) for d in sorted(documents)],
        summary=summary.strip()[:300], base_revision=base, author=by,
    )


def _recorded(page: Page, number: int, field_name: str) -> list | None:
    """The tags or documents (`field_name`) of the page at revision `number`: what the last
    revision up to it that set them recorded (None: never recorded)."""
    row = (PageRevision.objects.filter(page=page, number__lte=number, **{f"{field_name}__isnull": False})
           .order_by("-number").values_list(field_name, flat=True).first())
    return row


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
                html=render_markdown(body), template=template, created_by=by, updated_by=by,
                sections_missing=_missing(template, body))
    page.full_clean(exclude=["revision"])
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError as error:
        raise ValidationError({"slug": "This space already has a page with this slug."}) from error
    page_tags = tags_from(tags)
    page.tags.set(page_tags)
    _set_documents(page, documents)
    _add_revision(page, by=by, summary=summary or "Created.", base=None,
                  tags=[t.name for t in page_tags], documents=[DocRef.of(d) for d in documents])
    page.save(update_fields=["revision"])
    _rebuild_links(page)
    # Pages of this space that already link to this title gain a "Linked from" edge now.
    for earlier in space.pages.filter(html__icontains=f'data-wikilink="{title}"').exclude(pk=page.pk):
        _rebuild_links(earlier)
    activity_record(actor=by, verb="created page", target=page,
                    changes={"template": [None, template.name]} if template else {})
    enqueue("notifications.page_saved", page_id=page.pk, revision=page.revision)  # mentions, gates
    return page


@dataclass
class Merged:
    """What an edit saves once merged with what others saved since its base revision (tags
    and documents None: the edit leaves them as they are)."""

    title: str
    body: str
    tags: list[str] | None = None
    documents: list[DocRef] | None = None
    merged_with: list[int] = field(default_factory=list)


def page_merge(*, page: Page, title: str, body: str, base_revision: int,
               tags: Iterable[str] | None = None, documents: Iterable[DocRef] | None = None) -> Merged:
    """Merge an edit that started from `base_revision` with the revisions saved since: the body
    line by line, tags and documents as sets (what the edit added or removed since its base,
    applied to what is there now). Raise `EditConflict` when both touch the same lines (or
    both retitled). `page` is the page as it is now, locked by the caller."""
    if base_revision < 1 or base_revision > page.revision:
        raise ValidationError({"base_revision": "This edit started from a revision that does "
                                                "not exist; reload the page and edit again."})
    title, body = title.strip(), _clean_body(body)
    tags = None if tags is None else sorted({t.strip().lower() for t in tags if t.strip()})
    documents = None if documents is None else sorted(set(documents))
    if base_revision == page.revision:
        return Merged(title, body, tags, documents)
    base = PageRevision.objects.get(page=page, number=base_revision)
    current = PageRevision.objects.select_related("author").get(page=page, number=page.revision)
    merged = merge3(base.body, body, current.body)
    title_clash = title not in (base.title, current.title) and current.title != base.title
    if not merged.clean or title_clash:
        raise EditConflict(page=page, current=current, mine_title=title, mine_body=body)
    try:
        if tags is not None:
            tags = _merge_sets(_recorded(page, base_revision, "tags"), tags,
                               list(page.tags.values_list("name", flat=True)))
        if documents is not None:
            base_docs = _recorded(page, base_revision, "documents")
            documents = _merge_sets(None if base_docs is None else [DocRef.parse(d) for d in base_docs],
                                    documents, [DocRef.of(d) for d in _documented(page)])
    except _Unmergeable as error:
        raise EditConflict(page=page, current=current, mine_title=title, mine_body=body,
                           what=str(error)) from error
    return Merged(current.title if title == base.title else title, _clean_body(merged.text),
                  tags, documents, list(range(base_revision + 1, page.revision + 1)))


class _Unmergeable(Exception):
    pass


def _merge_sets(base: list | None, mine: list | None, current: list) -> list | None:
    """Three-way merge of a set: what `mine` added to or removed from `base`, applied to
    `current`. None mine: untouched. A base that did not record the set cannot be merged."""
    if mine is None:
        return None
    if base is None:
        if set(mine) == set(current):
            return sorted(set(mine))
        raise _Unmergeable("tags or documents")
    base_set, mine_set = set(base), set(mine)
    return sorted((set(current) - (base_set - mine_set)) | (mine_set - base_set))


def _kept_hidden(current: Sequence[Documented], documents: Sequence[Documented]) -> list[Documented]:
    """`documents` as the editor sent them, plus those of `current` (what the page documents,
    read `_documented(page, seen_by=editor)`) that the editor cannot see: an edit changes
    only the references its author can see."""
    return [*documents, *(obj for obj in current if not obj.seen)]


@transaction.atomic
def page_update(
    *, page: Page, title: str, body: str, base_revision: int, by: Person, summary: str = "",
    parent: Page | None | bool = False, tags: Iterable[str] | None = None,
    documents: Sequence[Documented] | None = None,
) -> SaveResult:
    """Save an edit that started from `base_revision` (merged with what others saved since,
    or refused with `EditConflict`; nothing is saved then). `parent=False` leaves the parent
    as it is; `tags` or `documents` None leave them as they are; `documents` are those the
    editor can see (the ones they cannot stay). Any change makes a revision, so an approval
    of the previous one no longer counts. Returns the saved page."""
    locked = Page.objects.select_for_update(of=("self",)).select_related("template").get(pk=page.pk)
    locked.space = page.space
    if locked.deleted_at is not None:
        raise ApplicationError("This page is in the trash; restore it before editing.")
    current = None if documents is None else _documented(locked, seen_by=by)
    mine = None if documents is None else [DocRef.of(d) for d in _kept_hidden(current, documents)]
    merged = page_merge(page=locked, title=title, body=body, base_revision=base_revision,
                        tags=tags, documents=mine)
    new_parent = locked.parent if parent is False else parent
    _validate_page(space=locked.space, title=merged.title, slug=locked.slug, parent=new_parent,
                   page=locked)
    linked_before = bool(refs_in(locked.html))
    changes = _save_edit(locked, merged=merged, parent=new_parent, by=by, documented=current)
    if not changes:
        return SaveResult(page=locked, changed=False)
    _add_revision(locked, by=by, summary=summary, base=base_revision,
                  tags=merged.tags if "tags" in changes else None,
                  documents=merged.documents if "documents" in changes else None)
    locked.save()
    _rebuild_links(locked, linked_before=linked_before)
    activity_record(actor=by, verb="merged and saved page" if merged.merged_with else "edited page",
                    target=locked, changes=changes)
    enqueue("notifications.page_saved", page_id=locked.pk, revision=locked.revision)
    return SaveResult(page=locked, merged_with=merged.merged_with)


def _save_edit(page: Page, *, merged: Merged, parent: Page | None, by: Person,
               documented: Sequence[Documented] | None = None) -> dict[str, list]:
    """Apply a merged edit to the locked `page` (tags and documents are saved at once; the
    caller saves the page and its revision); return what changed. `documented`: what the
    page documents, when the caller has read it already."""
    changes: dict[str, list] = {}
    if merged.title != page.title:
        changes["title"] = [page.title, merged.title]
    if merged.body != page.body:
        changed = sum(1 for k, _ in line_diff(page.body, merged.body) if k in ("add", "del"))
        changes["body"] = ["", f"{changed} lines changed"]
    if parent != page.parent:
        changes["parent"] = [str(page.parent or "—"), str(parent or "—")]
    if merged.tags is not None:
        before = sorted(page.tags.values_list("name", flat=True))
        if before != merged.tags:
            page.tags.set(tags_from(merged.tags))
            changes["tags"] = [before, merged.tags]
    if merged.documents is not None:
        before_docs = _documented(page) if documented is None else list(documented)
        if sorted(DocRef.of(d) for d in before_docs) != merged.documents:
            found = resolve(merged.documents, user=None)
            after_docs = [found[ref] for ref in merged.documents if ref in found]
            _set_documents(page, after_docs, before_docs)
            changes["documents"] = [_refs(before_docs), _refs(after_docs)]
    if changes:
        page.title, page.body, page.parent, page.updated_by = merged.title, merged.body, parent, by
        page.html = render_markdown(merged.body)
        page.sections_missing = _missing(page.template, merged.body)
    return changes


def _documented(page: Page, *, seen_by: Person | None = None) -> list[Documented]:
    """What the page documents: one query over its four link tables says which objects,
    then one reads the objects of each kind it has. With `seen_by`, each object's `seen`
    says whether that person may see it (read in the same query)."""
    links = [getattr(Page, name).through.objects.filter(page=page)
             .annotate(kind=Value(n)).values_list("kind", getattr(Page, name).field.m2m_reverse_name())
             for n, name in enumerate(DOC_FIELDS.values())]
    ids: dict[int, list[int]] = {}
    for n, pk in links[0].union(*links[1:], all=True):
        ids.setdefault(n, []).append(pk)
    found: list[Documented] = []
    for n, model_class in enumerate(DOC_FIELDS):
        if n not in ids:
            continue
        objects = model_class.objects.filter(pk__in=ids[n])
        if model_class is ModelVersion:
            objects = objects.select_related("model")
        if seen_by is not None:
            objects = objects.annotate(seen=Exists(
                model_class.objects.visible_to(seen_by).filter(pk=OuterRef("pk"))))
        found += objects
    return found


def _refs(objects: Sequence[Documented]) -> list[dict[str, str]]:
    """What an edit's activity row names, as references hidden from readers who cannot see them."""
    return sorted((activity_ref(o) for o in objects), key=lambda ref: (ref["type"], ref["slug"]))


@transaction.atomic
def page_revert(*, page: Page, number: int, by: Person) -> Page:
    """Make a new revision with the content of revision `number`; history is untouched."""
    locked = Page.objects.select_for_update(of=("self",)).select_related("template").get(pk=page.pk)
    old = PageRevision.objects.filter(page=locked, number=number).first()
    if old is None:
        raise ValidationError({"number": f"This page has no revision {number}."})
    if locked.deleted_at is not None:
        raise ApplicationError("This page is in the trash; restore it before reverting.")
    locked.space = page.space
    locked.title, locked.body, locked.html, locked.updated_by = old.title, old.body, old.html, by
    locked.sections_missing = _missing(locked.template, old.body)
    base = locked.revision
    _add_revision(locked, by=by, summary=f"Reverted to revision {number}.", base=base)
    locked.save()
    _rebuild_links(locked)
    activity_record(actor=by, verb="reverted page", target=locked,
                    changes={"revision": [base, number]})
    enqueue("notifications.page_saved", page_id=locked.pk, revision=locked.revision)
    return locked


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
