"""What a search is given and gives back: the bounds of its parameters, its hits and facet
values, and the highlighting of snippets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.kinds import MARK_END, MARK_START

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
