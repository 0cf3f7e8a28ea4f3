"""Search over everything a user may see: the one entry point for the UI, the API and bench.

    search(user=..., q=..., types=..., filters=..., sort=..., page=...) -> SearchResults

A fixed number of statements whatever the size. With a query or a filter: one statement
fetches the candidates (name matches, then the rest, each LIMIT cap + 1; facet filters are a
condition on the document's `facet_keys`), ranked and ordered there — they give the kind
counts and, from their keys, the catalog's facet counts, capped (one statement reads the
labels) — then one reads the page's rows with snippets, one the page's facets; a one-word query that finds
nothing tries the word corrected from the titles' vocabulary; no hits give a did-you-mean.
With neither: counts come from SearchFacetCount (pre-aggregated per visibility bucket) plus
an exact count of what the user sees only through a grant, and the page walks an index.
Permissions are part of every WHERE clause (`registry.permissions`), so no count reveals a
hidden object, and typo corrections take only words of titles the user may see. The registry
API's searched lists (`search.api`) call `search` too, so they give the catalog's first page.
A search first indexes what its own transaction wrote (`search.index.flush`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from registry.models import Project, Visibility
from registry.permissions import User
from registry.visibility import document_grant_parts
from search import index
from search.backends import Plain, get_backend
from search.kinds import KINDS, MARK_END, MARK_START
from search.models import SearchDocument, SearchFacet, SearchFacetCount

SORTS = ("relevance", "name", "updated")
CATALOG_FACETS = ("tag", "team", "sensitivity", "format", "license", "pii", "stage")
FILTER_FACETS = (*CATALOG_FACETS, "task", "framework")
PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_LENGTH = 200
MAX_FACET_VALUES = 30
DEFAULT_COUNT_CAP = 1000


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
    capped: bool = False  # more matches than count_cap(): total and counts are lower bounds
    corrected: str = ""  # the words searched instead of a misspelt query

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


def count_cap() -> int:
    """Matches are counted (and ranked) up to this many; beyond it the total reads "N+"."""
    return int(getattr(settings, "SEARCH_COUNT_CAP", DEFAULT_COUNT_CAP))


def _keys(filters: Mapping[str, list[str]]) -> list[str]:
    return [f"{facet}:{value}" for facet, values in filters.items() for value in values]


def _conditions(q: str, filters: Mapping[str, list[str]], prefix: str = "") -> Q:
    """Everything but the type: the query and the facet filters (values AND together), all
    on the document row: with a query on PostgreSQL the keys join its tsquery (the vectors
    hold them), else the filter reads the row's `facet_keys`."""
    backend, keys = get_backend(), _keys(filters)
    if q and backend.folds_facets:
        return backend.match(q, prefix, keys)
    condition = backend.match(q, prefix) if q else Q()
    if keys:
        condition &= Q(**{f"{prefix}facet_keys__has_all": keys})
    return condition


@dataclass
class _Candidates:
    """Up to cap + 1 matching documents per tier (name matches, then the rest): what is
    counted, what facet counts are taken from, and, when ranked, already in relevance order."""

    rows: list[tuple[int, str, str, float, Any, int]]  # id, kind, title, rank, facet keys, tier
    capped: bool
    counts: dict[str, int]  # matches per kind, up to the cap
    offset: int = 0  # rows start at this place in the order (a page the database cut)

    def page(self, start: int, size: int) -> list[tuple[int, str, str, float, Any, int]]:
        return self.rows[start - self.offset:start - self.offset + size]

    def facet_keys(self, kind: str) -> Iterable[str]:
        parse = SearchDocument._meta.get_field("facet_keys").from_db_value
        for _, row_kind, _, _, keys, _ in self.rows:
            if row_kind == kind:
                yield from parse(keys, None, connection) or []


def _candidates(docs: QuerySet, q: str, filters: Mapping[str, list[str]], cap: int, *,
                ranked: bool, with_keys: bool, title_words: str | None = None,
                page: tuple[int, int] | None = None) -> _Candidates:
    """One statement: the two tiers (name matches, then the other matches), each LIMIT cap + 1,
    as a UNION ALL (cap + 1 of either tier is more than the cap: counts stop there); `ranked` computes the
    relevance of the candidates in the same statement and orders them (name matches first),
    so no list of ids goes back to the database to rank them. With `page` (start, size), for
    one kind and no facet keys, the database keeps only that page of the order (a top-N sort,
    not a sort of every candidate) and counts the candidates in the same statement."""
    backend = get_backend()
    keys = _keys(filters) if q and backend.folds_facets else []  # in the tsqueries below
    if not keys:
        docs = docs.filter(_conditions("", filters))
    fold = {"keys": keys} if keys else {}
    if title_words is not None:
        tiers = [docs.filter(backend.title_words(title_words, **fold))]
    elif q and backend.title_match(q) is not None:
        # the second tier may repeat a name match: the statement drops it (reading the rows of
        # every match once costs less than reading the name matches twice to exclude them)
        tiers = [docs.filter(backend.title_match(q, **fold)), docs.filter(backend.match(q, **fold))]
    else:
        tiers = [docs.filter(backend.match(q)) if q else docs]
    rank = backend.rank(title_words if title_words is not None else q, title_words is not None) \
        if ranked else Value(0.0, output_field=FloatField())
    keys = F("facet_keys") if with_keys else Value(None, output_field=TextField())
    parts, params = [], []
    for number, tier in enumerate(tiers):
        tier = tier.annotate(rank=rank, keys=keys).values_list("id", "kind", "title", "rank", "keys")
        try:
            sql, tier_params = tier[:cap + 1].query.sql_with_params()
        except EmptyResultSet:  # .none(): an anonymous user, a query with no words
            continue
        first = number == 0 and len(tiers) > 1 or title_words is not None
        parts.append(f"SELECT t{number}.*, {1 if first else 0} AS tier FROM ({sql}) t{number}")
        params += tier_params
    if not parts:
        return _Candidates(rows=[], capped=False, counts={})
    if len(parts) == 2:  # the name matches, then the other matches
        sql = (f"WITH t AS ({parts[0]}) SELECT * FROM t UNION ALL SELECT * FROM ({parts[1]}) r "
               "WHERE r.id NOT IN (SELECT t.id FROM t)")
    else:
        sql = parts[0]
    order = "c.tier DESC, c.rank DESC, c.title, c.id"
    if page is not None and not with_keys:
        start, size = page
        size = max(0, min(size, cap - start))  # the order stops at the cap
        sql = (f"WITH c AS MATERIALIZED ({sql}) SELECT * FROM (SELECT c.*, 0 AS n FROM c ORDER BY {order} "
               "LIMIT %s OFFSET %s) p UNION ALL SELECT NULL, c.kind, NULL, NULL, NULL, NULL, "
               "count(*) FROM c GROUP BY c.kind")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, size, start])
            rows = cursor.fetchall()
        counted = {row[1]: row[6] for row in rows if row[0] is None}
        capped = sum(counted.values()) > cap
        return _Candidates(rows=[row[:6] for row in rows if row[0] is not None], capped=capped,
                           counts={k: min(n, cap) for k, n in counted.items()}, offset=start)
    if ranked:
        sql = f"SELECT * FROM ({sql}) c ORDER BY {order}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    capped = len(rows) > cap
    if capped:  # keep the best of the name matches and fill up with the rest, as ranked
        rows = rows[:cap]
    return _Candidates(rows=rows, capped=capped, counts=dict(Counter(row[1] for row in rows)))


def _visible_private_projects(user: User) -> QuerySet:
    return Project.objects.visible_to(user).filter(visibility=Visibility.PRIVATE).values("pk")


def _bucket_counts(user: User, kinds: list[str], facet_names: Iterable[str]) -> list[dict]:
    """Counts of every (kind, facet, value) `user` may see, with no query and no filter:
    the pre-aggregated buckets they see (every signed-in user's, their private projects')
    plus an exact count of the few documents they see only through their team or a role
    in a private project they cannot read. The permission rule runs in SQL either way."""
    if not user.is_authenticated:
        return []
    counts = SearchFacetCount.objects.filter(facet__in=facet_names, n__gt=0)
    facets = SearchFacet.objects.filter(facet__in=facet_names,
                                        document__private_scope_id__isnull=False)
    if kinds:
        counts, facets = counts.filter(kind__in=kinds), facets.filter(document__kind__in=kinds)
    group = ("kind", "facet", "value")
    if user.is_staff:
        return list(counts.values(*group).annotate(n=Sum("n"), label=Max("label")).order_by())
    own = _visible_private_projects(user)
    rows = list(counts.filter(Q(bucket=0) | Q(bucket__in=own))
                .values(*group).annotate(n=Sum("n"), label=Max("label")).order_by())
    # in a private project they cannot read, a user sees only what the grants show them: each
    # grant read through its own index (owner team: the partial private-scope index), united
    private = SearchDocument.objects.filter(private_scope_id__isnull=False).exclude(
        private_scope_id__in=own)
    first, *rest = [private.filter(part).values("id")
                    for part in document_grant_parts(user)]
    extra = (facets.filter(document_id__in=first.union(*rest))
             .values(kind=F("document__kind"), facet_name=F("facet"), facet_value=F("value"))
             .annotate(n=Count("id"), label=Max("label")).order_by())
    totals: dict[tuple[str, str, str], dict] = {(r["kind"], r["facet"], r["value"]): r for r in rows}
    for row in extra:
        key = (row["kind"], row["facet_name"], row["facet_value"])
        if key in totals:
            totals[key]["n"] += row["n"]
        else:
            totals[key] = {"kind": key[0], "facet": key[1], "value": key[2], "n": row["n"],
                           "label": row["label"]}
    return list(totals.values())


def _facet_values(rows: Iterable[dict], filters: Mapping[str, list[str]]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {name: [] for name in CATALOG_FACETS}
    for row in rows:
        if row["facet"] in facets and row["n"]:
            selected = row["value"] in filters.get(row["facet"], [])
            facets[row["facet"]].append(FacetValue(row["value"], row["label"], row["n"], selected))
    for name, values in facets.items():
        shown = {v.value for v in values}
        values += [FacetValue(v, v, 0, True) for v in filters.get(name, []) if v not in shown]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower()))
        del values[MAX_FACET_VALUES:]
    return facets


def _candidate_facets(candidates: _Candidates) -> list[dict]:
    """Catalog facet counts over the (capped) candidate datasets, from the keys the candidate
    statement brought back; one small statement reads the labels of the values found."""
    counts = Counter(key for key in candidates.facet_keys("dataset")
                     if key.split(":", 1)[0] in CATALOG_FACETS)
    if not counts:
        return []
    pairs = [key.split(":", 1) for key in counts]
    labels = {(r["facet"], r["value"]): r["label"] for r in SearchFacetCount.objects.filter(
        kind="dataset", facet__in={f for f, _ in pairs}, value__in={v for _, v in pairs})
        .values("facet", "value").annotate(label=Max("label")).order_by()}
    return [{"facet": f, "value": v, "n": counts[f"{f}:{v}"], "label": labels.get((f, v), v)}
            for f, v in pairs]


def _order(sort: str) -> list[Any]:
    if sort == "updated":
        return ["-updated_at", "id"]
    return ["title", "id"]


FIELDS = ("id", "kind", "object_id", "slug", "title", "url", "updated_at")


def _page(docs: QuerySet, q: str, sort: str, start: int, page_size: int, *,
          candidates: _Candidates | None = None, plain: bool = False,
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
    candidates: _Candidates | None = None
    asked, plain = q, False
    facet_rows: list[dict] = []
    if not q and not clean_filters and among is None:
        counted = _bucket_counts(user, types, ["kind", *(CATALOG_FACETS if with_facets else [])])
        kind_counts = {r["value"]: r["n"] for r in counted if r["facet"] == "kind" and r["n"]}
        facet_rows = [r for r in counted if r["kind"] == "dataset" and r["facet"] != "kind"]
        capped = False
    else:
        ranked = bool(q) and sort == "relevance"
        # one kind and no facet counts: only the page is wanted, the database cuts it (with
        # several kinds, their counts are those of the first `cap` in the order: every row)
        cut = ((page - 1) * page_size, page_size if ranked else 0) \
            if len(types) == 1 and not with_facets and backend.cuts_pages else None
        candidates = _candidates(typed, q, clean_filters, cap, ranked=ranked, with_keys=with_facets,
                                 page=cut)
        if q and not candidates.counts and backend.fuzzy and len(q.split()) == 1:
            # nothing by full text: a misspelt name still finds its object
            corrected = backend.correct(q, typed)  # words of titles the user may see
            if corrected:
                found = _candidates(typed, q, clean_filters, cap, ranked=ranked,
                                    with_keys=with_facets, title_words=corrected, page=cut)
                if found.counts:
                    candidates, q, plain = found, corrected, True
        kind_counts = candidates.counts
        capped = candidates.capped
        if with_facets:
            facet_rows = _candidate_facets(candidates)
    total = sum(kind_counts.values())
    start = (page - 1) * page_size
    rows = []
    if total and start < total:
        where = typed if candidates is None or q and sort == "relevance" else typed.filter(
            _conditions(q if not plain else "", clean_filters))
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
        facets=_facet_values(facet_rows, clean_filters) if with_facets else {},
        suggestions=suggestions, capped=capped, corrected=q if plain else "",
    )
