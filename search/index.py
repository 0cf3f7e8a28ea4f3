"""Writing the index: the only code that touches the search tables.

Writes are incremental and done once per transaction: the signal handlers `mark` what
changed, and when the transaction commits (`transaction.on_commit`) the marked objects are
indexed together — each document updated in place, inserted or deleted once, however many
saves, m2m changes and activity rows named it. A search in the same transaction `flush`es
first, so it reads its own writes. Besides one SearchDocument (and its SearchFacet rows) per
object, the flush keeps two derived structures in step:
  * SearchFacetCount, facet counts per visibility bucket, by deltas (+1 for the new rows,
    -1 for the replaced ones), so the plain catalog never counts 100,000 rows;
  * SearchTerm, the words of titles, for typo correction.
A full rebuild inserts in bulk and recomputes both with set-based SQL (`refresh_derived`).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Model, Q, QuerySet, Value, When

from registry.models import Project, Visibility
from search.kinds import KINDS, Entry, Kind, clean
from search.models import SearchDocument, SearchFacet, SearchFacetCount, SearchTerm

WORD = re.compile(r"[^\W_]{3,100}")
# Dropped while a full rebuild inserts, recreated after: one index build beats 100,000
# incremental GIN insertions.
PG_REBUILT_INDEXES = {
    "search_doc_vector_gin": "ON search_searchdocument USING gin (search_vector)",
    "search_doc_title_vector_gin": "ON search_searchdocument USING gin (title_vector)",
    "search_doc_title_trgm": "ON search_searchdocument USING gin (title gin_trgm_ops)",
    "search_doc_facet_keys_gin": "ON search_searchdocument USING gin (facet_keys)",
}

CountKey = tuple[int, str, str, str]  # bucket, kind, facet, value


def _document(kind: str, pk: int, entry: Entry, private_scope: int | None) -> SearchDocument:
    return SearchDocument(
        kind=kind, object_id=pk, slug=entry.slug[:200], title=clean(entry.title)[:300],
        url=entry.url[:500], tags_text=clean(entry.tags_text), description=clean(entry.description),
        columns_text=clean(entry.columns_text), body=clean(entry.body),
        scope_project_id=entry.scope_project_id, owner_team_id=entry.owner_team_id,
        private_scope_id=private_scope, updated_at=entry.updated_at,
        facet_keys=[f"kind:{kind}", *(f"{f}:{v[:200]}" for f, v, _ in entry.facets)],
    )


def _facets(document: SearchDocument, kind: str, entry: Entry) -> list[SearchFacet]:
    label = KINDS[kind].label
    rows = [SearchFacet(document=document, facet="kind", value=kind, label=label)]
    rows += [SearchFacet(document=document, facet=f, value=v[:200], label=lb[:200])
             for f, v, lb in entry.facets]
    return rows


def _private_scopes(project_ids: Iterable[int | None],
                    known: dict[int, str] | None = None) -> dict[int, int | None]:
    """The count bucket of each scope: the project's id unless it exists and is internal
    (a project deleted under us fails closed: nobody but staff counts it). `known`: the
    visibility of projects the entries were built with, not read again."""
    known = known or {}
    ids = {pk for pk in project_ids if pk is not None and pk not in known}
    scopes = {pk: (None if v == Visibility.INTERNAL else pk) for pk, v in known.items()}
    if not ids:
        return scopes
    internal = set(Project.objects.filter(pk__in=ids, visibility=Visibility.INTERNAL)
                   .values_list("pk", flat=True))
    return scopes | {pk: (None if pk in internal else pk) for pk in ids}


def _apply_counts(deltas: Counter[CountKey], labels: dict[CountKey, str]) -> None:
    rows = [(*key, labels.get(key, key[3]), n) for key, n in deltas.items() if n]
    if not rows:
        return
    table = SearchFacetCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (bucket, kind, facet, value, label, n) VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (bucket, kind, facet, value) DO UPDATE SET n = {table}.n + excluded.n, "
            f"label = CASE WHEN excluded.n > 0 THEN excluded.label ELSE {table}.label END", rows)


def _current_counts(documents: Iterable[int]) -> Counter[CountKey]:
    counts: Counter[CountKey] = Counter()
    rows = SearchFacet.objects.filter(document_id__in=documents).values_list(
        "document__private_scope_id", "document__kind", "facet", "value")
    for bucket, kind, facet, value in rows:
        counts[(bucket or 0, kind, facet, value)] += 1
    return counts


def _add_terms(titles: Iterable[str]) -> None:
    words = sorted({w.lower() for title in titles for w in WORD.findall(title)})
    if words:
        SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in words], ignore_conflicts=True)


def _write(kind: str, objects: Iterable[Model]) -> int:
    """Insert documents for `objects` (the rebuild's path: it recomputes counts and the
    vocabulary afterwards, in set-based SQL)."""
    build = KINDS[kind].build
    pairs = [(obj, build(obj)) for obj in objects]
    scopes = _private_scopes((e.scope_project_id for _, e in pairs),
                             {e.scope_project_id: e.scope_visibility for _, e in pairs
                              if e.scope_visibility and e.scope_project_id})
    documents = SearchDocument.objects.bulk_create(
        [_document(kind, o.pk, e, scopes.get(e.scope_project_id)) for o, e in pairs],
        batch_size=2000)
    if connection.vendor not in ("postgresql", "sqlite"):  # no RETURNING: fetch the ids
        ids = dict(SearchDocument.objects.filter(kind=kind, object_id__in=[o.pk for o, _ in pairs])
                   .values_list("object_id", "pk"))
        for document in documents:
            document.pk = ids[document.object_id]
    facets = [f for d, (_, e) in zip(documents, pairs, strict=True) for f in _facets(d, kind, e)]
    SearchFacet.objects.bulk_create(facets, batch_size=5000)
    return len(documents)


# --- incremental: each write indexes its targets once, when its transaction commits ------
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


def _labels(keys: Iterable[CountKey]) -> dict[CountKey, str]:
    keys = list(keys)
    found = {(f, v): lb for f, v, lb in SearchFacet.objects.filter(
        facet__in={k[2] for k in keys}, value__in={k[3] for k in keys})
        .values_list("facet", "value", "label").distinct()}
    return {k: found.get((k[2], k[3]), k[3]) for k in keys}


def refresh_derived() -> None:
    """Recompute the visibility buckets, the facet counts and the vocabulary from the
    documents, in set-based SQL."""
    doc, facet = SearchDocument._meta.db_table, SearchFacet._meta.db_table
    counts, project = SearchFacetCount._meta.db_table, Project._meta.db_table
    with connection.cursor() as cursor:
        # only the rows whose bucket is wrong: rewriting every row would leave the table with a
        # dead copy of each document, which every search reads until VACUUM runs
        bucket = (f"CASE WHEN scope_project_id IS NULL THEN NULL "
                  f"WHEN EXISTS (SELECT 1 FROM {project} p WHERE p.id = {doc}.scope_project_id "
                  "AND p.visibility = %s) THEN NULL ELSE scope_project_id END")
        cursor.execute(f"UPDATE {doc} SET private_scope_id = {bucket} "
                       f"WHERE private_scope_id IS DISTINCT FROM {bucket}", [Visibility.INTERNAL] * 2)
        cursor.execute(f"DELETE FROM {counts}")
        cursor.execute(
            f"INSERT INTO {counts} (bucket, kind, facet, value, label, n) "
            f"SELECT COALESCE(d.private_scope_id, 0), d.kind, f.facet, f.value, MAX(f.label), "
            f"COUNT(*) FROM {facet} f JOIN {doc} d ON d.id = f.document_id "
            "GROUP BY COALESCE(d.private_scope_id, 0), d.kind, f.facet, f.value")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {SearchTerm._meta.db_table} (word) SELECT DISTINCT w FROM {doc}, "
                r"regexp_split_to_table(lower(title), '[^[:alnum:]]+') AS w "
                "WHERE length(w) BETWEEN 3 AND 100 AND w !~ '^[0-9]+$' ON CONFLICT (word) DO NOTHING")
    if connection.vendor != "postgresql":
        _add_terms(SearchDocument.objects.values_list("title", flat=True).iterator())


def rebuild(*, kinds: Iterable[str] | None = None, batch_size: int = 2000,
            progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Drop and rebuild the documents of `kinds` (all by default) in bulk, then the counts
    and the vocabulary; one transaction."""
    counts = {}
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                for name in PG_REBUILT_INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
        for name in kinds or list(KINDS):
            kind = KINDS[name]
            SearchFacet.objects.filter(document__kind=name)._raw_delete(SearchFacet.objects.db)
            SearchDocument.objects.filter(kind=name)._raw_delete(SearchDocument.objects.db)
            total = 0
            last_pk = 0
            while True:
                batch = list(kind.queryset().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
                if not batch:
                    break
                total += _write(name, batch)
                last_pk = batch[-1].pk
                if progress:
                    progress(f"{name}: {total}")
            counts[name] = total
        refresh_derived()
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no CREATE INDEX with checks pending
                for name, definition in PG_REBUILT_INDEXES.items():
                    cursor.execute(f"CREATE INDEX {name} {definition}")
    if postgres:
        with connection.cursor() as cursor:
            for table in ("search_searchdocument", "search_searchfacet", "search_searchfacetcount",
                          "search_searchterm"):
                cursor.execute(f"ANALYZE {table}")
    return counts


def rebuild_online(*, kinds: Iterable[str] | None = None, batch_size: int = 500,
                   progress: Callable[[int, int, str], None] | None = None) -> dict[str, int]:
    """Rebuild the documents of `kinds` (all by default) while the site runs: each batch of
    objects brings its own documents in line (`_sync`: updated in place, missing ones
    inserted) in a short transaction, so a search sees the old or the new document of an
    object, never none, and a registry write waits for one batch at most; no index is dropped.
    Then the documents of objects gone meanwhile are removed and the counts and vocabulary
    recomputed. `progress(done, total, kind)` after each batch."""
    names = list(kinds or KINDS)
    totals = {name: KINDS[name].queryset().count() for name in names}
    total, done, counts = sum(totals.values()), 0, {}
    for name in names:
        kind, last_pk, written = KINDS[name], 0, 0
        while True:
            pks = list(kind.queryset().filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)
                       [:batch_size])
            if not pks:
                break
            with transaction.atomic():
                _sync({name: set(pks)}, {})
            written += len(pks)
            last_pk = pks[-1]
            done += len(pks)
            if progress:
                progress(done, max(total, done), name)
        gone = set(SearchDocument.objects.filter(kind=name).exclude(
            object_id__in=kind.queryset().values("pk")).values_list("object_id", flat=True))
        if gone:
            with transaction.atomic():
                _sync({name: gone}, {})
        counts[name] = written
    with transaction.atomic():
        refresh_derived()
    return counts
