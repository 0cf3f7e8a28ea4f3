"""Search over everything a user may see: the one entry point for the UI, the API and bench.

    search(user=..., q=..., types=..., filters=..., sort=..., page=...) -> SearchResults

A fixed number of statements whatever the size. With a query or a filter: one statement
fetches the candidates (`candidates`: name matches, then the rest, each LIMIT cap + 1; facet
filters join the query's tsquery on PostgreSQL, else they are a condition on the document's
`facet_keys`), ranked and ordered there — they give the kind counts and, from their keys, the
catalog's facet counts, capped (`counts`; one statement reads the labels) — then one reads the
page's rows with snippets, one the page's facets; a one-word query that finds nothing tries
the word corrected from the titles' vocabulary; no hits give a did-you-mean.
With neither: counts come from SearchFacetCount (pre-aggregated per visibility bucket) plus
an exact count of what the user sees only through a grant, and the page walks an index.
Permissions are part of every WHERE clause (`registry.permissions`), so no count reveals a
hidden object, and typo corrections take only words of titles the user may see. The registry
API's searched lists (`search.api`) call `search` too, so they give the catalog's first page.
A search first indexes what its own transaction wrote (`search.index.flush`).

The package: `results` (parameter bounds, hits, facet values, highlighting), `candidates`
(the capped, ranked candidate statement), `counts` (kind and facet counts); this module puts
them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, TextField, Value

from registry.permissions import User
from search import index
from search.backends import Plain, get_backend
from search.engine.candidates import Candidates, conditions, count_cap, fetch_candidates
from search.engine.counts import bucket_counts, candidate_facets, facet_values
from search.engine.results import (
    CATALOG_FACETS,
    DEFAULT_COUNT_CAP,
    FILTER_FACETS,
    MAX_FACET_VALUES,
    MAX_PAGE,
    MAX_QUERY_LENGTH,
    PAGE_SIZE,
    SORTS,
    FacetValue,
    Hit,
    SearchResults,
    highlight,
)
from search.kinds import KINDS
from search.models import SearchDocument, SearchFacet

__all__ = [
    "CATALOG_FACETS", "DEFAULT_COUNT_CAP", "FILTER_FACETS", "KINDS", "MAX_FACET_VALUES", "MAX_PAGE",
    "MAX_QUERY_LENGTH", "PAGE_SIZE", "SORTS", "FacetValue", "Hit", "SearchResults", "count_cap",
    "highlight", "search",
]


def _clean(q: str, types: Iterable[str], filters: Mapping[str, Iterable[str]] | None,
           sort: str, page: int) -> tuple[str, list[str], dict[str, list[str]]]:
    errors: dict[str, str] = {}
    q = " ".join((q or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = f"Keep the query under {MAX_QUERY_LENGTH} characters."
    types = list(dict.fromkeys(types or []))
    unknown = [t for t in types if t not in KINDS]
    if unknown:
        errors["type"] = f"Unknown type {unknown[0]!r}; one of: {', '.join(KINDS)}."
    clean_filters = {k: [str(v) for v in vals if str(v)] for k, vals in (filters or {}).items()}
    bad = [k for k in clean_filters if k not in FILTER_FACETS]
    if bad:
        errors[bad[0]] = f"Cannot filter on {bad[0]!r}."
    if sort not in SORTS:
        errors["sort"] = f"Sort by one of: {', '.join(SORTS)}."
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        errors["page"] = f"A page from 1 to {MAX_PAGE}."
    if errors:
        raise ValidationError(errors)
    return q, types, {k: v for k, v in clean_filters.items() if v}


def _order(sort: str) -> list[Any]:
    if sort == "updated":
        return ["-updated_at", "id"]
    return ["title", "id"]


FIELDS = ("id", "kind", "object_id", "slug", "title", "url", "updated_at")


def _page(docs: QuerySet, q: str, sort: str, start: int, page_size: int, *,
          candidates: Candidates | None = None, plain: bool = False,
          detail: bool = True) -> list[dict]:
    """One page of hits. Relevance takes the page from the ranked candidates and reads only
    those rows (with their snippets); the other orders run over every match, through the
    (kind, title) and (kind, updated) indexes."""
    backend = get_backend()
    snippet = (backend.snippet(q, plain) if q else Plain()) if detail else Value(
        "", output_field=TextField())
    if q and sort == "relevance":
        chosen = candidates.page(start, page_size)
        rows = {r["id"]: r for r in SearchDocument.objects.filter(id__in=[c[0] for c in chosen])
                .values(*FIELDS).annotate(snippet=snippet)}
        return [{**rows[c[0]], "rank": c[3]} for c in chosen if c[0] in rows]
    rows = (docs.values(*FIELDS).annotate(snippet=snippet).order_by(*_order(sort))
            [start:start + page_size])
    return list(rows)


def _page_facets(ids: list[int]) -> dict[int, dict[str, list[tuple[str, str]]]]:
    facets: dict[int, dict[str, list[tuple[str, str]]]] = {i: {} for i in ids}
    rows = (SearchFacet.objects.filter(document_id__in=ids).exclude(facet="kind")
            .order_by("facet", "label").values_list("document_id", "facet", "value", "label"))
    for document_id, facet, value, label in rows:
        facets[document_id].setdefault(facet, []).append((value, label))
    return facets


def search(*, user: User, q: str = "", types: Iterable[str] = (),
           filters: Mapping[str, Iterable[str]] | None = None, sort: str = "relevance",
           page: int = 1, page_size: int = PAGE_SIZE, facets: bool | None = None,
           among: QuerySet | None = None, detail: bool = True) -> SearchResults:
    """Search what `user` may see. Raises ValidationError naming the bad parameter.

    `among`: ids (a values("pk") queryset) the objects must be among, for filters the index
    has no facet for (the registry API's list filters); with one type only. `detail=False`:
    hits without snippets or facets (a caller that shows its own rows).

    Facet counts are computed for the dataset catalog (types == ["dataset"]) unless
    `facets` says otherwise. With a query or a filter, kind and facet counts stop at
    `count_cap()` (`capped` says so); with neither they are exact, from SearchFacetCount."""
    q, types, clean_filters = _clean(q, types, filters, sort, page)
    index.flush()  # this transaction's own writes first
    with_facets = types == ["dataset"] if facets is None else facets
    backend = get_backend()
    cap = count_cap()
    docs = SearchDocument.objects.visible_to(user)
    typed = docs.filter(kind__in=types) if types else docs
    if among is not None:
        typed = typed.filter(object_id__in=among)
    candidates: Candidates | None = None
    asked, plain = q, False
    facet_rows: list[dict] = []
    if not q and not clean_filters and among is None:
        counted = bucket_counts(user, types, ["kind", *(CATALOG_FACETS if with_facets else [])])
        kind_counts = {r["value"]: r["n"] for r in counted if r["facet"] == "kind" and r["n"]}
        facet_rows = [r for r in counted if r["kind"] == "dataset" and r["facet"] != "kind"]
        capped = False
    else:
        ranked = bool(q) and sort == "relevance"
        # one kind and no facet counts: only the page is wanted, the database cuts it (with
        # several kinds, their counts are those of the first `cap` in the order: every row)
        cut = ((page - 1) * page_size, page_size if ranked else 0) \
            if len(types) == 1 and not with_facets and backend.cuts_pages else None
        candidates = fetch_candidates(typed, q, clean_filters, cap, ranked=ranked, with_keys=with_facets,
                                 page=cut)
        if q and not candidates.counts and backend.fuzzy and len(q.split()) == 1:
            # nothing by full text: a misspelt name still finds its object
            corrected = backend.correct(q, typed)  # words of titles the user may see
            if corrected:
                found = fetch_candidates(typed, q, clean_filters, cap, ranked=ranked,
                                    with_keys=with_facets, title_words=corrected, page=cut)
                if found.counts:
                    candidates, q, plain = found, corrected, True
        kind_counts = candidates.counts
        capped = candidates.capped
        if with_facets:
            facet_rows = candidate_facets(candidates)
    total = sum(kind_counts.values())
    start = (page - 1) * page_size
    rows = []
    if total and start < total:
        where = typed if candidates is None or q and sort == "relevance" else typed.filter(
            conditions(q if not plain else "", clean_filters))
        if plain and sort != "relevance":
            where = where.filter(backend.title_words(q))
        rows = _page(where, q, sort, start, page_size, candidates=candidates, plain=plain,
                     detail=detail)
    page_facets = _page_facets([r["id"] for r in rows]) if rows and detail else {}
    hits = [Hit(kind=r["kind"], kind_label=KINDS[r["kind"]].label, object_id=r["object_id"],
                slug=r["slug"], title=r["title"], url=r["url"], snippet=highlight(r["snippet"]),
                rank=r.get("rank"), updated_at=r["updated_at"], facets=page_facets.get(r["id"], {}))
            for r in rows]
    suggestions = []
    if q and not total:
        suggestions = [s for s in backend.suggest(typed, q) if s.lower() != q.lower()]
    return SearchResults(
        query=asked, types=types, filters=clean_filters, sort=sort, page=page, page_size=page_size,
        total=total, hits=hits, kind_counts=kind_counts,
        facets=facet_values(facet_rows, clean_filters) if with_facets else {},
        suggestions=suggestions, capped=capped, corrected=q if plain else "",
    )
