"""The candidates of a search with a query or a filter: the matching documents, capped per
tier (name matches, then the other matches), ranked and ordered in one statement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, TextField, Value

from search.backends import get_backend
from search.engine.results import DEFAULT_COUNT_CAP
from search.models import SearchDocument


def count_cap() -> int:
    """Matches are counted (and ranked) up to this many; beyond it the total reads "N+"."""
    return int(getattr(settings, "SEARCH_COUNT_CAP", DEFAULT_COUNT_CAP))


def facet_keys_of(filters: Mapping[str, list[str]]) -> list[str]:
    return [f"{facet}:{value}" for facet, values in filters.items() for value in values]


def conditions(q: str, filters: Mapping[str, list[str]], prefix: str = "") -> Q:
    """Everything but the type: the query and the facet filters (values AND together), all
    on the document row: with a query on PostgreSQL the keys join its tsquery (the vectors
    hold them), else the filter reads the row's `facet_keys`."""
    backend, keys = get_backend(), facet_keys_of(filters)
    if q and backend.folds_facets:
        return backend.match(q, prefix, keys)
    condition = backend.match(q, prefix) if q else Q()
    if keys:
        condition &= Q(**{f"{prefix}facet_keys__has_all": keys})
    return condition


@dataclass
class Candidates:
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


def fetch_candidates(docs: QuerySet, q: str, filters: Mapping[str, list[str]], cap: int, *,
                ranked: bool, with_keys: bool, title_words: str | None = None,
                page: tuple[int, int] | None = None) -> Candidates:
    """One statement: the two tiers (name matches, then the other matches), each LIMIT cap + 1,
    as a UNION ALL (cap + 1 of either tier is more than the cap: counts stop there); `ranked` computes the
    relevance of the candidates in the same statement and orders them (name matches first),
    so no list of ids goes back to the database to rank them. With `page` (start, size), for
    one kind and no facet keys, the database keeps only that page of the order (a top-N sort,
    not a sort of every candidate) and counts the candidates in the same statement."""
    backend = get_backend()
    keys = facet_keys_of(filters) if q and backend.folds_facets else []  # in the tsqueries below
    if not keys:
        docs = docs.filter(conditions("", filters))
    fold = {"keys": keys} if keys else {}
    if title_words is not None:
        tiers = [docs.filter(backend.title_words(title_words, **fold))]
    elif q and (title := backend.title_match(q, **fold)) is not None:
        # the second tier may repeat a name match: the statement drops it (reading the rows of
        # every match once costs less than reading the name matches twice to exclude them)
        tiers = [docs.filter(title), docs.filter(backend.match(q, **fold))]
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
        return Candidates(rows=[], capped=False, counts={})
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
        return Candidates(rows=[row[:6] for row in rows if row[0] is not None], capped=capped,
                           counts={k: min(n, cap) for k, n in counted.items()}, offset=start)
    if ranked:
        sql = f"SELECT * FROM ({sql}) c ORDER BY {order}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    capped = len(rows) > cap
    if capped:  # keep the best of the name matches and fill up with the rest, as ranked
        rows = rows[:cap]
    return Candidates(rows=rows, capped=capped, counts=dict(Counter(row[1] for row in rows)))
