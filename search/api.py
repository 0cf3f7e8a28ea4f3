"""GET /api/v1/search/: the same search as the page, as JSON."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ApiView, error_responses
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
