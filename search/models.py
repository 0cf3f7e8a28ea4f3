"""The search index: a derived read model, one row per searchable object.

Why a table of its own rather than indexes on the registry tables: one query has to rank
projects, datasets, models and (once the wiki lands) pages together, filter them by the
permission rules and count facets, and each kind keeps its text in different columns and
related tables (tags, schema columns, linked projects). Denormalising that into
`SearchDocument` (text) and `SearchFacet` (one row per facet value) keeps every search to
three SQL statements whatever the kind, lets PostgreSQL keep one stored weighted tsvector with
a GIN index (and a trigram index on titles), and lets SQLite keep one FTS5 table in step by
triggers. Those backend-only columns and tables are created by migration 0002, not declared
here, so the model itself is portable.

Permissions are not copied: a document stores the *inputs* of the rules (the project it lives
under, its owner team, its kind and id for role grants), and `SearchDocument.objects.visible_to`
(`registry.visibility.document_q`) applies the same rules at query time, so a project going
private or a person joining a team needs no reindexing.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from registry.models import Project, Team
from registry.visibility import DocumentQuerySet


class DocumentVector(models.Func):
    """The weighted tsvector (name A > tags B > description C > columns and body D, English
    stemming) on PostgreSQL, stored by the database as a generated column; NULL on other
    databases, where the FTS5 table of migration 0002 does the work."""

    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(
            SearchVector("title", weight="A", config="english")
            + SearchVector("tags_text", weight="B", config="english")
            + SearchVector("description", weight="C", config="english")
            + SearchVector("columns_text", "body", weight="D", config="english")
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        if connection.vendor != "postgresql":
            return "NULL", []
        return compiler.compile(self.source_expressions[0])


class TitleVector(DocumentVector):
    """The title alone (English stemming): name matches are found through their own small
    GIN index and ranked first, without reading every row that mentions the word."""

    def __init__(self) -> None:
        models.Func.__init__(self, SearchVector("title", config="english"))


class FacetLexemes(models.Func):
    """A document's facet keys as lexemes of its own ('format:parquet', verbatim), appended to
    its vectors: a query with facet filters is then one tsquery (`words && 'format:parquet'`)
    that one GIN scan answers, instead of two bitmaps ANDed. No lexeme of text can equal a
    key: the parser splits words at ':' (only a URL's path keeps one, and it starts with '/'
    or a host with a dot)."""

    output_field = SearchVectorField()
    template = "COALESCE(array_to_tsvector(%(expressions)s), ''::tsvector)"


class FacetedDocumentVector(DocumentVector):
    """DocumentVector with the document's facet keys (FacetLexemes); migration 0005."""

    def __init__(self) -> None:
        models.Func.__init__(self, models.expressions.CombinedExpression(
            DocumentVector().source_expressions[0], "||", FacetLexemes("facet_keys"),
            output_field=SearchVectorField()))


class FacetedTitleVector(DocumentVector):
    """TitleVector with the document's facet keys (FacetLexemes); migration 0005."""

    def __init__(self) -> None:
        models.Func.__init__(self, models.expressions.CombinedExpression(
            SearchVector("title", config="english"), "||", FacetLexemes("facet_keys"),
            output_field=SearchVectorField()))


class FacetKeysField(models.Field):
    """A document's facet values as "facet:value" keys (kind included), so facet filters are a
    condition on the document row itself: `text[]` with a GIN index on PostgreSQL (a filter
    and the full-text match combine in one bitmap plan), newline-delimited text elsewhere."""

    def db_type(self, connection: Any) -> str:
        return "text[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        keys = list(value)
        return keys if connection.vendor == "postgresql" else "".join(f"\n{k}" for k in keys) + "\n"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str] | None:
        if value is None or isinstance(value, list):
            return value
        return [k for k in value.split("\n") if k]

    # Serialization (dumpdata, manage.py export_all): a JSON list, read back as a list.
    def value_to_string(self, obj: models.Model) -> str | None:
        value = self.value_from_object(obj)
        return None if value is None else json.dumps(list(value))

    def to_python(self, value: Any) -> list[str] | None:
        if isinstance(value, str):
            return json.loads(value)
        return value


@FacetKeysField.register_lookup
class HasAllKeys(models.Lookup):
    """`facet_keys__has_all=[...]`: every key present (the array's @>, served by its GIN index)."""

    lookup_name = "has_all"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = [str(k) for k in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} @> %s::text[]", [*lhs_params, keys]
        if not keys:
            return "1 = 1", []
        return " AND ".join([f"instr({lhs}, %s) > 0"] * len(keys)), [
            p for k in keys for p in (*lhs_params, f"\n{k}\n")]


class SearchDocument(models.Model):
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    tags_text = models.TextField(blank=True)
    description = models.TextField(blank=True)
    columns_text = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Visibility inputs. No database constraint: a dangling id fails closed (the join
    # finds no internal project), and the delete handlers reindex what pointed there.
    scope_project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    owner_team = models.ForeignKey(
        Team, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    # The bucket of the pre-aggregated counts: scope_project when that project is private,
    # else NULL (seen by every signed-in user). Kept in step when a project changes visibility.
    private_scope_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()
    facet_keys = FacetKeysField(null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=FacetedDocumentVector(), output_field=SearchVectorField(null=True), db_persist=True
    )
    title_vector = models.GeneratedField(
        expression=FacetedTitleVector(), output_field=SearchVectorField(null=True), db_persist=True
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "title"], name="search_doc_kind_title"),
            models.Index(fields=["kind", "-updated_at"], name="search_doc_kind_updated"),
            models.Index(fields=["owner_team", "private_scope_id"], name="search_doc_private_scope",
                         condition=models.Q(private_scope_id__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchFacet(models.Model):
    """One facet value of a document (`kind` is a facet too, so one GROUP BY counts all)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "document"], name="search_facet_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchFacetCount(models.Model):
    """Pre-aggregated facet counts (kind included) per visibility bucket: `bucket` 0 holds the
    documents every signed-in user sees (no private project above them), any other value is a
    private project's id. A search with no query and no filter sums the buckets the user may
    see and adds an exact count of what they see only through their team or a role grant;
    maintained by `search.index` with every write."""

    bucket = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "kind", "facet", "value"],
                                    name="search_facetcount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket}/{self.kind}/{self.facet}={self.value}: {self.n}"


class SearchTerm(models.Model):
    """Words of indexed titles, the vocabulary typo correction looks up (trigram index on
    PostgreSQL). Never pruned: a stale word only yields a correction that matches nothing,
    and every correction is checked against what the user may see before it is offered."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word
