"""The rows of the index: a document and its facets from a kind's entry, the facet counts' deltas, the
vocabulary of titles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Model

from registry.models import Project, Visibility
from search.kinds import KINDS, Entry, clean
from search.models import SearchDocument, SearchFacet, SearchFacetCount, SearchTerm

WORD = re.compile(r"[^\W_]{3,100}")

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



def _labels(keys: Iterable[CountKey]) -> dict[CountKey, str]:
    keys = list(keys)
    found = {(f, v): lb for f, v, lb in SearchFacet.objects.filter(
        facet__in={k[2] for k in keys}, value__in={k[3] for k in keys})
        .values_list("facet", "value", "label").distinct()}
    return {k: found.get((k[2], k[3]), k[3]) for k in keys}

