"""Writing the index: the only code that touches the search tables.

Besides one SearchDocument (and its SearchFacet rows) per object, every write keeps two
derived structures in step, in the writer's transaction:
  * SearchFacetCount, facet counts per visibility bucket, by deltas (+1 for the new rows,
    -1 for the replaced ones), so the plain catalog never counts 100,000 rows;
  * SearchTerm, the words of titles, for typo correction.
A full rebuild inserts in bulk and recomputes both with set-based SQL (`refresh_derived`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Model

from registry.models import Project, Visibility
from search.kinds import KINDS, Entry, clean, kinds_for_model
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


def _private_scopes(project_ids: Iterable[int | None]) -> dict[int, int | None]:
    """The count bucket of each scope: the project's id unless it exists and is internal
    (a project deleted under us fails closed: nobody but staff counts it)."""
    ids = {pk for pk in project_ids if pk is not None}
    internal = set(Project.objects.filter(pk__in=ids, visibility=Visibility.INTERNAL)
                   .values_list("pk", flat=True))
    return {pk: (None if pk in internal else pk) for pk in ids}


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


def _write(kind: str, objects: Iterable[Model], *, replace: Iterable[int],
           derived: bool = True) -> int:
    """Delete the documents of `replace` ids, insert documents for `objects`; with `derived`,
    adjust the facet counts and the vocabulary to match (a full rebuild recomputes them)."""
    deltas: Counter[CountKey] = Counter()
    replace = list(replace)
    if replace:
        old = SearchDocument.objects.filter(kind=kind, object_id__in=replace)
        if derived:
            deltas.subtract(_current_counts(old.values("id")))
        old.delete()
    build = KINDS[kind].build
    pairs = [(obj, build(obj)) for obj in objects]
    scopes = _private_scopes(e.scope_project_id for _, e in pairs)
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
    if derived:
        labels: dict[CountKey, str] = {}
        buckets = {d.pk: d.private_scope_id or 0 for d in documents}
        for f in facets:
            key = (buckets[f.document.pk], kind, f.facet, f.value)
            deltas[key] += 1
            labels[key] = f.label
        _apply_counts(deltas, labels)
        _add_terms(d.title for d in documents)
    return len(documents)


@transaction.atomic
def index_objects(kind: str, pks: Iterable[int], *, new: bool = False) -> None:
    """(Re)index these objects of `kind` as they are now; ids that no longer exist, or no
    longer belong to the kind (a page moved to the trash), are removed. `new`: the objects
    were just created, so there are no documents of theirs to replace."""
    pks = list(pks)
    if not pks:
        return
    _write(kind, KINDS[kind].queryset().filter(pk__in=pks), replace=[] if new else pks)


def index_object(obj: Model, *, new: bool = False) -> None:
    for kind in kinds_for_model(type(obj)):
        index_objects(kind.name, [obj.pk], new=new)


@transaction.atomic
def unindex_object(kind: str, pk: int) -> None:
    _write(kind, [], replace=[pk])


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
                total += _write(name, batch, replace=(), derived=False)
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
    objects replaces its own documents in a short transaction (a search sees the old or the new
    document of an object, never none; a registry write waits for one batch at most), no index
    is dropped, then the documents of objects gone meanwhile are removed and the counts and
    vocabulary recomputed. `progress(done, total, kind)` after each batch."""
    names = list(kinds or KINDS)
    totals = {name: KINDS[name].queryset().count() for name in names}
    total, done, counts = sum(totals.values()), 0, {}
    for name in names:
        kind, last_pk, written = KINDS[name], 0, 0
        while True:
            with transaction.atomic():
                batch = list(kind.queryset().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
                if not batch:
                    break
                written += _write(name, batch, replace=[o.pk for o in batch], derived=False)
            last_pk = batch[-1].pk
            done += len(batch)
            if progress:
                progress(done, max(total, done), name)
        with transaction.atomic():
            gone = SearchDocument.objects.filter(kind=name).exclude(
                object_id__in=kind.queryset().values("pk"))
            SearchFacet.objects.filter(document__in=gone.values("pk")).delete()
            gone.delete()
        counts[name] = written
    with transaction.atomic():
        refresh_derived()
    return counts
