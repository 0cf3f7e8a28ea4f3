"""Search over everything a user may see: the one entry point for the UI, the API and bench.

    search(user=..., q=..., types=..., filters=..., sort=..., page=...) -> SearchResults

Costs a fixed number of queries whatever the size: kind counts (the total; counted again
with trigram matching when full text finds nothing, on PostgreSQL), facet counts
(catalog only), one page of hits with rank and snippet, the facets of that page, and on an
empty result the did-you-mean suggestions. Permissions are part of every one of those WHERE
clauses (`registry.permissions.visible_documents`), so no count reveals a hidden object.
Only the page of hits shown gets a snippet; rank is computed for matching rows only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from registry import permissions, selectors
from registry.models import Dataset
from registry.permissions import User
from search.backends import Plain, get_backend
from search.kinds import KINDS, MARK_END, MARK_START
from search.models import SearchDocument, SearchFacet

SORTS = ("relevance", "name", "updated")
CATALOG_FACETS = ("tag", "team", "sensitivity", "format", "license", "pii", "stage")
FILTER_FACETS = (*CATALOG_FACETS, "task", "framework")
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_LENGTH = 200
MAX_FACET_VALUES = 30


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    object_id: int
    slug: str
    title: str
    url: str
    snippet: SafeString
    rank: float | None
    updated_at: datetime
    facets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def labels(self, facet: str) -> list[str]:
        return [label for _, label in self.facets.get(facet, [])]


@dataclass(frozen=True)
class SearchResults:
    query: str
    types: list[str]
    filters: dict[str, list[str]]
    sort: str
    page: int
    page_size: int
    total: int
    hits: list[Hit]
    kind_counts: dict[str, int]
    facets: dict[str, list[FacetValue]]
    suggestions: list[str]

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def highlight(text: str | None) -> SafeString:
    """Escape first, then turn the sentinel characters the database put around matches
    into <mark>: the only markup that can come out of a snippet."""
    text = escape(text or "")
    opened = text.count(MARK_START) - text.count(MARK_END)
    text = text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(text + "</mark>" * max(0, opened))  # noqa: S308 - escaped above


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


def _conditions(q: str, filters: Mapping[str, list[str]], prefix: str = "",
                fuzzy: bool = False) -> Q:
    """Everything but the type: the query and the facet filters (values AND together)."""
    condition = Q()
    if q:
        condition &= get_backend().match(q, prefix, fuzzy)
    for facet, values in filters.items():
        for value in values:
            condition &= Q(**{f"{prefix}id__in": SearchFacet.objects.filter(
                facet=facet, value=value).values("document_id")})
    return condition


def matching(user: User, *, q: str = "", types: Iterable[str] = (),
             filters: Mapping[str, list[str]] | None = None,
             fuzzy: bool = False) -> QuerySet[SearchDocument]:
    """The documents `user` may see that match, unranked (callers add what they need)."""
    docs = permissions.visible_documents(user, SearchDocument.objects.all())
    docs = docs.filter(_conditions(q, filters or {}, fuzzy=fuzzy))
    types = list(types)
    return docs.filter(kind__in=types) if types else docs


def _facet_counts(user: User, q: str, filters: Mapping[str, list[str]],
                  fuzzy: bool) -> dict[str, list[FacetValue]]:
    rows = (permissions.visible_documents(user, SearchFacet.objects.all(), "document__")
            .filter(_conditions(q, filters, "document__", fuzzy), document__kind="dataset",
                    facet__in=CATALOG_FACETS)
            .values("facet", "value", "label").annotate(n=Count("id")).order_by())
    facets: dict[str, list[FacetValue]] = {name: [] for name in CATALOG_FACETS}
    for row in rows:
        selected = row["value"] in filters.get(row["facet"], [])
        facets[row["facet"]].append(FacetValue(row["value"], row["label"], row["n"], selected))
    for name, values in facets.items():
        shown = {v.value for v in values}
        values += [FacetValue(v, v, 0, True) for v in filters.get(name, []) if v not in shown]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower()))
        del values[MAX_FACET_VALUES:]
    return facets


def _order(sort: str, q: str) -> list[Any]:
    if sort == "relevance" and q:
        return [F("rank").desc(), "title", "id"]
    if sort == "updated":
        return ["-updated_at", "id"]
    return ["title", "id"]


def _page(docs: QuerySet, q: str, sort: str, page: int, page_size: int,
          fuzzy: bool) -> list[dict]:
    backend = get_backend()
    annotations: dict[str, Any] = {"snippet": backend.snippet(q) if q else Plain("")}
    if q and sort == "relevance":
        annotations["rank"] = backend.rank(q, fuzzy)
    start = (page - 1) * page_size
    rows = (docs.values("id", "kind", "object_id", "slug", "title", "url", "updated_at")
            .annotate(**annotations).order_by(*_order(sort, q))[start:start + page_size])
    return list(rows)


def _page_facets(ids: list[int]) -> dict[int, dict[str, list[tuple[str, str]]]]:
    facets: dict[int, dict[str, list[tuple[str, str]]]] = {i: {} for i in ids}
    rows = (SearchFacet.objects.filter(document_id__in=ids).exclude(facet="kind")
            .order_by("facet", "label").values_list("document_id", "facet", "value", "label"))
    for document_id, facet, value, label in rows:
        facets[document_id].setdefault(facet, []).append((value, label))
    return facets


def _kind_counts(docs: QuerySet) -> dict[str, int]:
    return {row["kind"]: row["n"] for row in docs.values("kind").annotate(n=Count("id")).order_by()}


def search(*, user: User, q: str = "", types: Iterable[str] = (),
           filters: Mapping[str, Iterable[str]] | None = None, sort: str = "relevance",
           page: int = 1, page_size: int = PAGE_SIZE, facets: bool | None = None) -> SearchResults:
    """Search what `user` may see. Raises ValidationError naming the bad parameter.

    Facet counts are computed for the dataset catalog (types == ["dataset"]) unless
    `facets` says otherwise; kind counts always (they make the total)."""
    q, types, clean_filters = _clean(q, types, filters, sort, page)
    with_facets = types == ["dataset"] if facets is None else facets
    fuzzy = False
    docs = matching(user, q=q, filters=clean_filters)
    kind_counts = _kind_counts(docs)
    if q and not kind_counts and get_backend().fuzzy:
        # nothing by full text: a misspelt name may still be trigram-close to a title
        fuzzy = True
        docs = matching(user, q=q, filters=clean_filters, fuzzy=True)
        kind_counts = _kind_counts(docs)
    total = sum(n for kind, n in kind_counts.items() if not types or kind in types)
    rows = []
    if total and (page - 1) * page_size < total:
        rows = _page(docs.filter(kind__in=types) if types else docs, q, sort, page, page_size,
                     fuzzy)
    page_facets = _page_facets([r["id"] for r in rows]) if rows else {}
    hits = [Hit(kind=r["kind"], kind_label=KINDS[r["kind"]].label, object_id=r["object_id"],
                slug=r["slug"], title=r["title"], url=r["url"], snippet=highlight(r["snippet"]),
                rank=r.get("rank"), updated_at=r["updated_at"], facets=page_facets.get(r["id"], {}))
            for r in rows]
    suggestions = []
    if q and not total:
        visible = permissions.visible_documents(user, SearchDocument.objects.all())
        suggestions = [s for s in get_backend().suggest(
            visible.filter(kind__in=types) if types else visible, q) if s.lower() != q.lower()]
    return SearchResults(
        query=q, types=types, filters=clean_filters, sort=sort, page=page, page_size=page_size,
        total=total, hits=hits, kind_counts=kind_counts,
        facets=_facet_counts(user, q, clean_filters, fuzzy) if with_facets else {},
        suggestions=suggestions,
    )


def catalog_queryset(user: User, *, q: str = "", filters: Mapping[str, Iterable[str]] | None = None,
                     sort: str = "name") -> QuerySet[Dataset]:
    """The dataset catalog as a Dataset queryset (for /api/v1/datasets/ and anyone who wants
    model instances): visible to `user`, matching `q` and the facet filters, ordered by
    relevance (`search_rank` is annotated), name or last update. Same validation as search()."""
    q, _, clean_filters = _clean(q, ["dataset"], filters, sort, 1)
    docs = matching(user, q=q, types=["dataset"], filters=clean_filters)
    datasets = selectors.dataset_list(user=user).filter(pk__in=docs.values("object_id"))
    if sort == "relevance" and q:
        rank = docs.filter(object_id=OuterRef("pk")).annotate(rank=get_backend().rank(q))
        return datasets.annotate(search_rank=Subquery(rank.values("rank")[:1])).order_by(
            F("search_rank").desc(nulls_last=True), "name", "pk")
    if sort == "updated":
        return datasets.order_by("-updated_at", "pk")
    return datasets.order_by("name", "pk")
