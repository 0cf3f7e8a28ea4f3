"""Writing the index: the only code that touches SearchDocument and SearchFacet rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Model

from search.kinds import KINDS, Entry, clean, kind_for_model
from search.models import SearchDocument, SearchFacet


def _document(kind: str, pk: int, entry: Entry) -> SearchDocument:
    return SearchDocument(
        kind=kind, object_id=pk, slug=entry.slug[:200], title=clean(entry.title)[:300],
        url=entry.url[:500], tags_text=clean(entry.tags_text), description=clean(entry.description),
        columns_text=clean(entry.columns_text), body=clean(entry.body),
        scope_project_id=entry.scope_project_id, owner_team_id=entry.owner_team_id,
        updated_at=entry.updated_at,
    )


def _facets(document: SearchDocument, kind: str, entry: Entry) -> list[SearchFacet]:
    label = KINDS[kind].label
    rows = [SearchFacet(document=document, facet="kind", value=kind, label=label)]
    rows += [SearchFacet(document=document, facet=f, value=v[:200], label=lb[:200])
             for f, v, lb in entry.facets]
    return rows


def _write(kind: str, objects: Iterable[Model], *, replace: Iterable[int]) -> int:
    """Delete the documents of `replace` ids, insert documents for `objects`."""
    SearchDocument.objects.filter(kind=kind, object_id__in=list(replace)).delete()
    build = KINDS[kind].build
    pairs = [(obj, build(obj)) for obj in objects]
    documents = SearchDocument.objects.bulk_create([_document(kind, o.pk, e) for o, e in pairs])
    if connection.vendor not in ("postgresql", "sqlite"):  # no RETURNING: fetch the ids
        ids = dict(SearchDocument.objects.filter(kind=kind, object_id__in=[o.pk for o, _ in pairs])
                   .values_list("object_id", "pk"))
        for document in documents:
            document.pk = ids[document.object_id]
    facets = [f for d, (_, e) in zip(documents, pairs, strict=True) for f in _facets(d, kind, e)]
    SearchFacet.objects.bulk_create(facets, batch_size=5000)
    return len(documents)


@transaction.atomic
def index_objects(kind: str, pks: Iterable[int]) -> None:
    """(Re)index these objects of `kind` as they are now; ids that no longer exist are removed."""
    pks = list(pks)
    if not pks:
        return
    _write(kind, KINDS[kind].queryset().filter(pk__in=pks), replace=pks)


def index_object(obj: Model) -> None:
    kind = kind_for_model(type(obj))
    if kind is not None:
        index_objects(kind.name, [obj.pk])


def unindex_object(kind: str, pk: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=pk).delete()


def rebuild(*, kinds: Iterable[str] | None = None, batch_size: int = 2000,
            progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Drop and rebuild the documents of `kinds` (all by default), in batches."""
    counts = {}
    for name in kinds or list(KINDS):
        kind = KINDS[name]
        with transaction.atomic():
            SearchFacet.objects.filter(document__kind=name).delete()
            SearchDocument.objects.filter(kind=name)._raw_delete(SearchDocument.objects.db)
            total = 0
            last_pk = 0
            while True:
                batch = list(kind.queryset().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
                if not batch:
                    break
                total += _write(name, batch, replace=())
                last_pk = batch[-1].pk
                if progress:
                    progress(f"{name}: {total}")
        counts[name] = total
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
            cursor.execute("ANALYZE search_searchfacet")
    return counts
