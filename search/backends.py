"""How each database matches, ranks, highlights and suggests; the engine picks one.

Every method takes a `prefix` so the same conditions work on SearchDocument itself and
on a table joined to it (facet counts run on SearchFacet through `document__`).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
)
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Substr
from django.db.models.lookups import GreaterThan

from search.kinds import MARK_END, MARK_START
from search.models import SearchDocument, SearchTerm

SNIPPET_CHARS = 240
TRIGRAM_MIN_LENGTH = 4
# Trigram similarity between a query word and a title word: 0.35 takes "invocies" to
# "invoices" and "custmer" to "customer"; did-you-mean looks further, at 0.2, which still
# takes "chrun" to "churn" (a swap costs short words most of their trigrams).
MATCH_THRESHOLD = "0.35"
SUGGESTION_THRESHOLD = "0.2"


class Plain(Func):
    """The leading characters of a document's text, for results that have no query."""

    def __init__(self, prefix: str = "") -> None:
        super().__init__(Substr(Concat(f"{prefix}description", Value(" "), f"{prefix}body",
                                       output_field=TextField()), 1, SNIPPET_CHARS))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return compiler.compile(self.source_expressions[0])


class FacetQuery(SearchQueryCombinable, Func):
    """Facet keys as a tsquery of lexemes, all required ('format:parquet' & 'pii:yes'): the
    vectors hold each document's keys verbatim (search.models.FacetLexemes). The keys go in
    as one parameter, each quoted as a tsquery lexeme."""

    output_field = SearchQueryField()
    template = "%(expressions)s::tsquery"
    config = None

    def __init__(self, keys: list[str]) -> None:
        lexemes = ("'" + k.replace("\\", "\\\\").replace("'", "''") + "'" for k in keys)
        super().__init__(Value(" & ".join(lexemes), output_field=TextField()))


class PostgresBackend:
    name = "postgresql"
    # facet filters join the words' tsquery (FacetQuery) instead of a condition on facet_keys
    folds_facets = True
    # a capped tier takes the first matches in table order (bitmap and sequential scans alike,
    # synchronize_seqscans off), whatever statement it sits in: the database may cut the page
    cuts_pages = True

    def _query(self, q: str) -> SearchQuery:
        return SearchQuery(q, search_type="websearch", config="english")

    fuzzy = True

    def _matching(self, column: str, query: SearchQuery, keys: list[str]) -> Q:
        """`column @@ query`, and with keys `column @@ (query && keys)`: one GIN scan finds
        the documents with the words and every key. A query of stop words alone is empty,
        and an empty tsquery ANDed is dropped: such a query still matches nothing."""
        if not keys:
            return Q(**{column: query})
        words = Func(query, function="numnode", output_field=IntegerField())
        return Q(**{column: query & FacetQuery(keys)}) & Q(GreaterThan(words, 0))

    def match(self, q: str, prefix: str = "", keys: list[str] = ()) -> Q:
        return self._matching(f"{prefix}search_vector", self._query(q), list(keys))

    def title_match(self, q: str, keys: list[str] = ()) -> Q | None:
        """Name matches, through the small GIN index on the title alone: ranked first."""
        return self._matching("title_vector", self._query(q), list(keys))

    def title_words(self, words: str, keys: list[str] = ()) -> Q:
        """All these (corrected) words in the title: typo tolerance on names."""
        return self._matching("title_vector", SearchQuery(words, search_type="plain", config="english"),
                              list(keys))

    def rank(self, q: str, plain: bool = False) -> Expression:
        query = SearchQuery(q, search_type="plain", config="english") if plain else self._query(q)
        return SearchRank(F("search_vector"), query)

    def snippet(self, q: str, plain: bool = False) -> Expression:
        query = SearchQuery(q, search_type="plain", config="english") if plain else self._query(q)
        return SearchHeadline(
            Concat("description", Value(" "), "body", output_field=TextField()), query,
            config="english", start_sel=MARK_START, stop_sel=MARK_END,
            max_words=28, min_words=10, max_fragments=2, fragment_delimiter=" … ",
        )

    def correct(self, q: str, visible: QuerySet, threshold: str = MATCH_THRESHOLD) -> str | None:
        """Each word of `q` replaced by the closest word of the titles' vocabulary (pg_trgm
        similarity, trigram index on SearchTerm) that is in the title of a document of
        `visible` (what the reader may see: the vocabulary holds the words of private titles
        too, and a correction must not spell one); None when some word has no close one or
        nothing changed. One statement, on a table of words, each candidate checked through
        the title index."""
        words = [w.lower() for w in re.findall(r"[^\W_]+", q)][:8]
        if '"' in q or not any(len(w) >= TRIGRAM_MIN_LENGTH for w in words):
            return None
        seen = visible.extra(where=[  # noqa: S610 - no input in it: the candidate's own column
            f"{SearchDocument._meta.db_table}.title_vector @@ plainto_tsquery('english', t.word)"])
        try:
            seen_sql, seen_params = seen.values("id").query.sql_with_params()
        except EmptyResultSet:  # nobody signed in: nothing is visible
            return None
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [threshold])
            cursor.execute(
                "SELECT DISTINCT ON (w) w, t.word FROM unnest(%s::text[]) AS w "
                f"JOIN {SearchTerm._meta.db_table} t ON t.word %% w "
                f"WHERE EXISTS ({seen_sql}) "
                "ORDER BY w, similarity(t.word, w) DESC, t.word", [words, *seen_params])
            best = dict(cursor.fetchall())
        best.update({w: w for w in words if len(w) < TRIGRAM_MIN_LENGTH})
        if any(w not in best for w in words):
            return None
        corrected = " ".join(best[w] for w in words)
        return corrected if corrected != " ".join(words) else None

    def suggest(self, docs: QuerySet, q: str) -> list[str]:
        """A corrected query from the words of titles the user may see, offered only if it
        finds something they may see."""
        corrected = self.correct(q, docs, SUGGESTION_THRESHOLD)
        if corrected and docs.filter(self.match(corrected)).exists():
            return [corrected]
        return []


def fts5_query(q: str) -> str:
    """The user's words as a safe FTS5 query: every word quoted (so no operator or syntax
    error can come from input), "quoted phrases" kept as phrases, all terms required."""
    terms = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', q):
        words = re.findall(r"\w+", phrase or bare)
        if phrase and words:
            terms.append('"' + " ".join(words) + '"')
        else:
            terms += [f'"{w}"' for w in words]
    return " ".join(terms)


class _FtsColumn(Expression):
    """A correlated read of the FTS5 row of a document: bm25 rank or snippet."""

    def __init__(self, select: str, fts: str, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.select, self.fts, self.id = select, fts, F("id")

    def get_source_expressions(self) -> list:
        return [self.id]

    def set_source_expressions(self, exprs: list) -> None:
        (self.id,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        id_sql, id_params = compiler.compile(self.id)
        sql = (f"(SELECT {self.select} FROM search_fts WHERE search_fts MATCH %s "
               f"AND search_fts.rowid = {id_sql})")
        return sql, [self.fts, *id_params]


class SqliteFtsBackend:
    """FTS5 with the porter stemmer and bm25 weighted like PostgreSQL's vector
    (title 10, tags 4, description 2, columns and body 1). No typo tolerance in matching:
    misspellings get did-you-mean suggestions only."""

    name = "sqlite-fts5"
    fuzzy = False
    folds_facets = False  # facet filters stay a condition on facet_keys
    # which matches a capped query keeps depends on the plan SQLite picks for the statement
    # around it: every candidate comes back, so the UI and the API keep the same ones
    cuts_pages = False

    def title_match(self, q: str) -> Q | None:
        return None  # bm25 weighs the title tenfold instead

    def correct(self, q: str, visible: QuerySet) -> str | None:
        return None

    def match(self, q: str, prefix: str = "") -> Q:
        fts = fts5_query(q)
        if not fts:
            return Q(pk__in=[])
        return Q(**{f"{prefix}id__in": RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [fts])})

    def rank(self, q: str, plain: bool = False) -> Expression:
        # bm25 is lower-is-better: negate it so every backend sorts rank descending
        return _FtsColumn("-bm25(search_fts, 10.0, 4.0, 2.0, 1.0, 1.0)", fts5_query(q), FloatField())

    def snippet(self, q: str, plain: bool = False) -> Expression:
        select = f"snippet(search_fts, -1, '{MARK_START}', '{MARK_END}', ' … ', 24)"
        return _FtsColumn(select, fts5_query(q), TextField())

    def suggest(self, docs: QuerySet, q: str) -> list[str]:
        return _close_titles(docs, q)


class LikeBackend:
    """No full-text engine at all: every word must appear somewhere, title hits first."""

    name = "like"
    fuzzy = False
    folds_facets = False
    cuts_pages = False
    FIELDS = ("title", "tags_text", "description", "columns_text", "body")

    def title_match(self, q: str) -> Q | None:
        return None

    def correct(self, q: str, visible: QuerySet) -> str | None:
        return None

    def match(self, q: str, prefix: str = "") -> Q:
        condition = Q()
        for word in re.findall(r"\w+", q)[:8]:
            condition &= Q(*[Q(**{f"{prefix}{f}__icontains": word}) for f in self.FIELDS],
                           _connector=Q.OR)
        return condition if condition else Q(pk__in=[])

    def rank(self, q: str, plain: bool = False) -> Expression:
        return Case(When(title__icontains=q.strip(), then=Value(2.0)),
                    When(tags_text__icontains=q.strip(), then=Value(1.5)),
                    default=Value(1.0), output_field=FloatField())

    def snippet(self, q: str, plain: bool = False) -> Expression:
        return Plain("")

    def suggest(self, docs: QuerySet, q: str) -> list[str]:
        return _close_titles(docs, q)


def _close_titles(docs: QuerySet, q: str) -> list[str]:
    """Did-you-mean without trigrams: correct each word against the words of the most recent
    visible titles (difflib), and offer the closest whole titles."""
    titles = list(docs.order_by("-updated_at").values_list("title", flat=True)[:5000])
    vocabulary = sorted({w for t in titles for w in re.findall(r"\w+", t.lower())})
    words = re.findall(r"\w+", q.lower())
    corrected = [w if w in vocabulary else
                 next(iter(difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)), w)
                 for w in words]
    suggestions = [" ".join(corrected)] if corrected != words else []
    by_lower = {t.lower(): t for t in titles}
    suggestions += [by_lower[t] for t in difflib.get_close_matches(q.lower(), list(by_lower),
                                                                 n=3, cutoff=0.6)]
    return list(dict.fromkeys(suggestions))[:5]


def _has_fts5() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")
        return cursor.fetchone() is not None


_cache: dict[str, Any] = {}


def get_backend() -> PostgresBackend | SqliteFtsBackend | LikeBackend:
    key = connection.settings_dict["NAME"]
    if key not in _cache:
        if connection.vendor == "postgresql":
            _cache[key] = PostgresBackend()
        elif connection.vendor == "sqlite" and _has_fts5():
            _cache[key] = SqliteFtsBackend()
        else:
            _cache[key] = LikeBackend()
    return _cache[key]
