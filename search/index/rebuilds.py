"""A full rebuild: in bulk, then the derived structures in set-based SQL; or online, in
batches while searches and writes go on."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from registry.models import Project, Visibility
from search.index.incremental import _sync
from search.index.rows import _add_terms, _write
from search.kinds import KINDS
from search.models import SearchDocument, SearchFacet, SearchFacetCount, SearchTerm

# Dropped while a full rebuild inserts, recreated after: one index build beats 100,000
# incremental GIN insertions.
PG_REBUILT_INDEXES = {
    "search_doc_vector_gin": "ON search_searchdocument USING gin (search_vector)",
    "search_doc_title_vector_gin": "ON search_searchdocument USING gin (title_vector)",
    "search_doc_title_trgm": "ON search_searchdocument USING gin (title gin_trgm_ops)",
    "search_doc_facet_keys_gin": "ON search_searchdocument USING gin (facet_keys)",
}


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

