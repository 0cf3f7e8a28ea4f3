"""Each write indexes its targets once, when its transaction commits (`mark`), or at once
for a search in the same transaction (`flush`)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Model, Q, QuerySet, Value, When

from registry.models import Project
from search.index.rows import (
    WORD,
    CountKey,
    _add_terms,
    _apply_counts,
    _current_counts,
    _document,
    _facets,
    _labels,
    _private_scopes,
)
from search.kinds import KINDS, Kind, clean
from search.models import SearchDocument, SearchFacet


@dataclass(eq=False)
class _Pending:
    """What one transaction changed, by kind: indexed once, at commit, however many saves,
    m2m changes and activity rows named each target on the way."""

    targets: dict[str, set[int]] = field(default_factory=dict)
    new: dict[str, set[int]] = field(default_factory=dict)  # created in it: nothing to replace
    done: bool = False

    def flush(self) -> None:
        if self.done:
            return
        self.done = True
        if getattr(_local, "pending", None) is self:
            _local.pending = None
        if self.targets:
            _apply(self.targets, self.new)


_local = threading.local()


def _current() -> _Pending | None:
    """This transaction's pending set, if its commit hook still stands: a rollback (of the
    transaction, or of the savepoint the hook was registered in) drops the hook, and what was
    marked was undone with it."""
    pending = getattr(_local, "pending", None)
    if pending is None or pending.done or not connection.in_atomic_block:
        return None
    if not any(hook == pending.flush for _, hook, _ in connection.run_on_commit):
        return None
    return pending


def mark(kind: str, pks: Iterable[int], *, new: bool = False) -> None:
    """Note that these objects of `kind` changed (were created, with `new`): they are
    (re)indexed once when the transaction commits, or at once outside a transaction."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending = _current()
    fresh = pending is None
    if pending is None:
        pending = _Pending()
    targets = pending.targets.setdefault(kind, set())
    if new:  # new only if no earlier mark said it existed before this transaction
        pending.new.setdefault(kind, set()).update(pks - targets)
    targets.update(pks)
    if fresh:
        _local.pending = pending
        transaction.on_commit(pending.flush)


def flush() -> None:
    """Index what this transaction has marked so far, now: a search later in the same
    transaction reads its own writes (the commit hook then finds nothing left to do)."""
    pending = _current()
    if pending is not None:
        pending.flush()


def _apply(targets: dict[str, set[int]], new: dict[str, set[int]]) -> None:
    # after the commit: a transaction of its own, retried once; within the writer's
    # transaction (a search reading its own writes): part of it, no savepoint
    attempts = 2 if not connection.in_atomic_block else 1
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(savepoint=False):
                changed, moved = _sync(targets, new)
                if changed:  # a project's stage or visibility shows on the datasets it uses
                    ids = set(_datasets_under(changed)) - targets.get("dataset", set())
                    if ids:
                        _sync({"dataset": ids}, {})
                for project_id in moved:
                    rescope_project(project_id)
            return
        except IntegrityError:
            # another transaction indexed one of these at the same moment: replace its rows
            if attempt == attempts:
                raise
            new = {}


def _datasets_under(project_ids: set[int]) -> QuerySet:
    """Datasets a project's stage shows on: those it uses and those it is home to (whose
    home was cleared if the project is gone, hence read from the index)."""
    linked = Project.datasets.through.objects.filter(project_id__in=project_ids)
    homed = SearchDocument.objects.filter(kind="dataset", scope_project_id__in=project_ids)
    return linked.values_list("dataset_id", flat=True).union(
        homed.values_list("object_id", flat=True))


@dataclass
class _Old:
    id: int
    bucket: int
    title: str
    facets: set[tuple[str, str, str]]

    def value(self, facet: str) -> str | None:
        return next((v for f, v, _ in self.facets if f == facet), None)


def _documents_of(replace: dict[str, set[int]], prefix: str = "") -> Q:
    condition = Q()
    for kind, pks in replace.items():
        if pks:
            condition |= Q(**{f"{prefix}kind": kind, f"{prefix}object_id__in": pks})
    return condition


def _lock(replace: dict[str, set[int]]) -> None:
    """Two transactions indexing the same object after their commits take turns (in id order,
    so they cannot deadlock): the second reads the first's rows as its old state, and no facet
    row is written twice. SQLite has one writer at a time already."""
    condition = _documents_of(replace)
    if condition:
        list(SearchDocument.objects.select_for_update().filter(condition).order_by("id")
             .values_list("id", flat=True))


def _old_documents(replace: dict[str, set[int]]) -> dict[tuple[str, int], _Old]:
    """The indexed state of these objects, in one statement (every document has at least
    its `kind` facet row)."""
    condition = _documents_of(replace, "document__")
    if not condition:
        return {}
    old: dict[tuple[str, int], _Old] = {}
    rows = SearchFacet.objects.filter(condition).values_list(
        "document_id", "document__kind", "document__object_id", "document__private_scope_id",
        "document__title", "facet", "value", "label")
    for doc_id, kind, object_id, bucket, title, facet, value, label in rows:
        entry = old.setdefault((kind, object_id), _Old(doc_id, bucket or 0, title, set()))
        entry.facets.add((facet, value, label))
    return old


def _objects(targets: dict[str, set[int]]) -> Iterator[tuple[str, Model]]:
    """The objects of `targets`, each with its kind: one query per queryset, so kinds that
    share one (pages and retrospectives) read their objects once, each object counted in the
    kind whose `where` it meets."""
    groups: dict[Callable[[], QuerySet], list[Kind]] = {}
    for name in targets:
        groups.setdefault(KINDS[name].objects, []).append(KINDS[name])
    for objects, kinds in groups.items():
        if len(kinds) == 1:
            kind = kinds[0]
            yield from ((kind.name, obj) for obj in kind.queryset().filter(pk__in=targets[kind.name]))
            continue
        which = Case(*(When(k.where, then=Value(k.name)) for k in kinds), default=Value(""))
        pks = set().union(*(targets[k.name] for k in kinds))
        for obj in objects().filter(pk__in=pks).annotate(search_kind=which):
            if obj.pk in targets.get(obj.search_kind, ()):
                yield obj.search_kind, obj


UPDATED_FIELDS = ["slug", "title", "url", "tags_text", "description", "columns_text", "body",
                  "scope_project", "owner_team", "private_scope_id", "updated_at", "facet_keys"]


def _sync(targets: dict[str, set[int]], new: dict[str, set[int]]) -> tuple[set[int], set[int]]:
    """Bring the documents of `targets` in line with the database: update the ones that
    exist in place, insert the missing, delete those whose object is gone (or left the kind),
    rewrite facet rows only where they changed, and adjust counts and vocabulary by the
    difference. Returns the projects whose stage or bucket changed (their datasets show the
    stage) and those whose bucket changed (the documents under them move)."""
    replace = {k: pks - new.get(k, set()) for k, pks in targets.items()}
    if connection.vendor == "postgresql":
        _lock(replace)
    old = _old_documents(replace)
    built = [(kind, obj.pk, KINDS[kind].build(obj)) for kind, obj in _objects(targets)]
    scopes = _private_scopes((e.scope_project_id for _, _, e in built),
                             {e.scope_project_id: e.scope_visibility for _, _, e in built
                              if e.scope_visibility and e.scope_project_id})
    deltas: Counter[CountKey] = Counter()
    labels: dict[CountKey, str] = {}
    inserted, updated, facets = [], [], []
    stale_facets: list[int] = []
    changed: set[int] = set()
    moved: set[int] = set()
    old_words: set[str] = set()
    for kind, pk, entry in built:
        document = _document(kind, pk, entry, scopes.get(entry.scope_project_id))
        rows = _facets(document, kind, entry)
        bucket = document.private_scope_id or 0
        for row in rows:
            key = (bucket, kind, row.facet, row.value)
            deltas[key] += 1
            labels[key] = row.label
        previous = old.pop((kind, pk), None)
        if previous is None:
            inserted.append((document, rows))
            continue
        document.pk = previous.id
        for row in rows:
            row.document = document
        updated.append(document)
        old_words |= set(w.lower() for w in WORD.findall(previous.title))
        for facet, value, _ in previous.facets:
            deltas[(previous.bucket, kind, facet, value)] -= 1
        if previous.facets != {(r.facet, r.value, r.label) for r in rows}:
            stale_facets.append(previous.id)
            facets += rows
        if kind == "project":
            stage = next((r.value for r in rows if r.facet == "stage"), None)
            if previous.bucket != bucket:
                changed.add(pk)
                moved.add(pk)
            elif previous.value("stage") != stage:
                changed.add(pk)
    for (kind, pk), previous in old.items():  # gone, or no longer of this kind
        stale_facets.append(previous.id)
        for facet, value, _ in previous.facets:
            deltas[(previous.bucket, kind, facet, value)] -= 1
        if kind == "project":
            changed.add(pk)
            moved.add(pk)
    if stale_facets:
        SearchFacet.objects.filter(document_id__in=stale_facets)._raw_delete(SearchFacet.objects.db)
    removed = [previous.id for previous in old.values()]
    if removed:
        SearchDocument.objects.filter(id__in=removed)._raw_delete(SearchDocument.objects.db)
    if updated:
        SearchDocument.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=500)
    if inserted:
        documents = SearchDocument.objects.bulk_create([d for d, _ in inserted], batch_size=2000)
        if connection.vendor not in ("postgresql", "sqlite"):  # no RETURNING: fetch the ids
            ids = {(k, o): i for k, o, i in SearchDocument.objects.filter(
                object_id__in=[d.object_id for d in documents]).values_list("kind", "object_id", "pk")}
            for document in documents:
                document.pk = ids[(document.kind, document.object_id)]
        for document, rows in inserted:
            for row in rows:
                row.document = document
            facets += rows
    if facets:
        SearchFacet.objects.bulk_create(facets, batch_size=5000)
    _apply_counts(deltas, labels)
    words = {w.lower() for _, _, e in built for w in WORD.findall(clean(e.title)[:300])}
    _add_terms(w for w in words - old_words)
    return changed, moved


@transaction.atomic
def rescope_project(project_id: int) -> None:
    """A project changed visibility (or went away): move the counts of the documents under
    it to the bucket they now belong to."""
    bucket = _private_scopes([project_id])[project_id]
    moved = SearchDocument.objects.filter(scope_project_id=project_id)
    moved = moved.exclude(private_scope_id=bucket) if bucket else moved.exclude(
        private_scope_id__isnull=True)
    ids = list(moved.values_list("pk", flat=True))
    if not ids:
        return
    before = _current_counts(ids)
    SearchDocument.objects.filter(pk__in=ids).update(private_scope_id=bucket)
    new_bucket = project_id if bucket else 0
    deltas: Counter[CountKey] = Counter()
    for (old_bucket, kind, facet, value), n in before.items():
        deltas[(old_bucket, kind, facet, value)] -= n
        deltas[(new_bucket, kind, facet, value)] += n
    _apply_counts(deltas, _labels(deltas))

