"""GET /api/v1/search/: the same search as the page, as JSON."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ApiView, error_responses
from registry import selectors
from registry.api import serializers as s
from registry.api.views import datasets as dataset_views
from registry.api.views import models as model_views
from search import engine
from search.kinds import KINDS


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="",
                              max_length=engine.MAX_QUERY_LENGTH)
    type = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    sort = serializers.ChoiceField(choices=engine.SORTS, required=False)
    page = serializers.IntegerField(min_value=1, max_value=engine.MAX_PAGE, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=100, default=engine.PAGE_SIZE)
    facets = serializers.BooleanField(required=False, default=None, allow_null=True)

    def validate_type(self, value: list[str]) -> list[str]:
        types = [t for item in value for t in item.split(",") if t]
        unknown = [t for t in types if t not in KINDS]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown type {unknown[0]!r}; one of: {', '.join(KINDS)}.")
        return types


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text, matches in <mark>.")
    rank = serializers.FloatField(allow_null=True)
    updated_at = serializers.DateTimeField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField(required=False)


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField(
        help_text="More matches than the count cap: count and facet counts are lower bounds.")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True),
                                   help_text="Counts by facet name, then by value.")
    suggestions = serializers.ListField(child=serializers.CharField())


class SearchView(ApiView):
    """Search projects, datasets, models (and pages) the caller may see.

    Query: q, type (repeat or comma-separate), sort (relevance|name|updated), page,
    page_size, and catalog facet filters (tag, team, sensitivity, format, license, pii, stage,
    task, framework; repeat to AND). Facet counts come with type=dataset, or facets=true."""

    serializer_class = SearchResultsSerializer

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words, a phrase in quotes, or a name."),
            OpenApiParameter("type", OpenApiTypes.STR, many=True,
                             description="Kinds to search: " + ", ".join(KINDS)),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(engine.SORTS)),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter("facets", OpenApiTypes.BOOL),
            *[OpenApiParameter(name, OpenApiTypes.STR, many=True) for name in engine.FILTER_FACETS],
        ],
        responses={200: SearchResultsSerializer, **error_responses(400, 401, 429)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        data: dict[str, Any] = {k: params.get(k) for k in ("q", "sort", "page", "page_size",
                                                           "facets") if k in params}
        data["type"] = params.getlist("type")
        params_in = SearchParamsSerializer(data=data)
        params_in.is_valid(raise_exception=True)
        valid = params_in.validated_data
        q = valid["q"]
        results = engine.search(
            user=request.user, q=q, types=valid["type"], sort=valid.get("sort") or (
                "relevance" if q else "name"),
            filters={f: params.getlist(f) for f in engine.FILTER_FACETS if f in params},
            page=valid["page"], page_size=valid["page_size"], facets=valid["facets"],
        )  # a ValidationError here (a bad filter name) is a 400 naming the field
        facets = {"kind": [{"value": k, "label": KINDS[k].label, "count": n}
                           for k, n in sorted(results.kind_counts.items())]}
        facets.update({name: [{"value": v.value, "label": v.label, "count": v.count,
                               "selected": v.selected} for v in values]
                       for name, values in results.facets.items()})
        return Response({
            "count": results.total, "count_capped": results.capped, "page": results.page,
            "num_pages": results.num_pages,
            "results": SearchHitSerializer(results.hits, many=True).data,
            "facets": facets, "suggestions": results.suggestions,
        })


# --- /api/v1/datasets/?q= and /api/v1/models/?q=: the registry's lists, searched ------------
# Without `q` these are the registry's own lists (filters, ordering, pagination). With `q` the
# rows are found, ranked and paged by `engine.search`, the catalog's engine: the same first page
# as the catalog (/datasets/?q=) or the search page (/search/?type=model&q=) for the same query,
# typo tolerance included, the permission rule in every statement. The list's filters become
# facet filters of the index where they are one, and otherwise narrow the documents by a
# subquery on the filtered list. `ordering` may be name or -updated_at (else relevance).
SEARCH_ORDERINGS = {"name": "name", "-updated_at": "updated"}


class _Ranked:
    """One page of engine hits as the sequence DRF's paginator slices: the page the request
    asks for is searched once, and count() is the engine's total."""

    def __init__(self, search: Any, page: int, page_size: int, rows: Any) -> None:
        self.search, self.page_size, self.rows = search, page_size, rows
        self.page, self.results = page, search(page)

    def count(self) -> int:
        return self.results.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        page = index.start // self.page_size + 1
        if page != self.page:  # ?page=last
            self.page, self.results = page, self.search(page)
        return self.rows([hit.object_id for hit in self.results.hits])


class _Searched:
    kind: str

    def search_filters(self, data: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
        """The facet filters of the engine, and the names of the other filters given."""
        raise NotImplementedError

    def search_rows(self, ids: list[int]) -> list:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        q = request.query_params.get("q", "")
        if not q.strip():
            return super().list(request, *args, **kwargs)
        # the filters are only validated here (the engine applies them): against no rows
        filterset = self.filterset_class(request.query_params, request=request,
                                         queryset=self.filterset_class._meta.model.objects.none())
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        data = {k: v for k, v in filterset.form.cleaned_data.items()
                if k != "q" and v not in (None, "", [])}
        facets, others = self.search_filters(data)
        among = None
        if others:  # filters the index has no facet for: the filtered list, as a subquery
            narrowed = self.filterset_class({k: request.query_params[k] for k in others},
                                            queryset=self.get_queryset(), request=request)
            among = narrowed.qs.values("pk")
        ordering = request.query_params.get("ordering", "")
        if ordering and ordering not in SEARCH_ORDERINGS:
            raise serializers.ValidationError({"ordering": [
                f"With q, order by one of: {', '.join(SEARCH_ORDERINGS)} (or relevance, the default)."]})
        sort = SEARCH_ORDERINGS.get(ordering, "relevance")
        paginator = self.paginator
        page_size = paginator.get_page_size(request)
        try:
            page = int(request.query_params.get(paginator.page_query_param, 1))
        except ValueError:
            page = 1

        def search(number: int) -> engine.SearchResults:
            return engine.search(user=request.user, q=q, types=[self.kind], filters=facets,
                                 sort=sort, page=max(1, number), page_size=page_size,
                                 facets=False, among=among, detail=False)

        rows = paginator.paginate_queryset(_Ranked(search, page, page_size, self.search_rows),
                                           request, view=self)
        return paginator.get_paginated_response(self.get_serializer(rows, many=True).data)


SEARCHED_LIST = ("With `q`: found, ranked and paged by the search engine, as {ui} shows them "
                 "(name matches first, then by relevance; typos corrected on PostgreSQL); "
                 "`ordering` may then be name or -updated_at, and `count` stops at the search's "
                 "count cap. Without `q`: every {kind} you may see, filtered and ordered.")


class DatasetList(_Searched, dataset_views.DatasetList):
    kind = "dataset"

    @extend_schema(description=SEARCHED_LIST.format(ui="the catalog (/datasets/?q=)", kind="dataset"))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def search_filters(self, data: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
        facets = {"team": [data["team"].slug]} if "team" in data else {}
        for name in ("tag", "sensitivity"):
            if name in data:
                facets[name] = [data[name]]
        for name in ("format", "license"):
            if name in data:
                facets[name] = [data[name].lower()]
        if "contains_pii" in data:
            facets["pii"] = ["yes" if data["contains_pii"] else "no"]
        return facets, []

    def search_rows(self, ids: list[int]) -> list:
        # the list's rows as dicts, without its DISTINCT (only its tag filter joins, and that
        # is a facet)
        rows = selectors.dataset_list(user=self.request.user).filter(pk__in=ids).order_by()
        found = {row["pk"]: row for row in selectors.with_tag_names(list(s.DatasetOut.rows_of(rows)))}
        return [found[pk] for pk in ids if pk in found]


class ModelList(_Searched, model_views.ModelList):
    kind = "model"

    @extend_schema(description=SEARCHED_LIST.format(ui="the search page (/search/?type=model&q=)",
                                                    kind="model"))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def search_filters(self, data: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
        facets = {"framework": [data["framework"].lower()]} if "framework" in data else {}
        return facets, [name for name in data if name != "framework"]

    def search_rows(self, ids: list[int]) -> list:
        found = {row["id"]: row for row in self.get_queryset().filter(pk__in=ids).values(
            "id", *s.ModelOut.ROW)}
        return [found[pk] for pk in ids if pk in found]


# served under the registry's API names (config/urls.py): the lists of the registry, searched
registry_api = [
    path("datasets/", DatasetList.as_view(), name="dataset_list"),
    path("models/", ModelList.as_view(), name="model_list"),
]
