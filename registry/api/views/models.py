"""REST API v1: Models and their versions. A version's status changes through lifecycle.api (PATCH)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, error_responses
from registry import compare, permissions, selectors, services
from registry.api import serializers as s
from registry.filters import ModelFilter
from registry.models import (
    Lineage,
    MLModel,
    ModelAlias,
    ModelVersion,
)
from registry.version_search import ModelVersionSearch

RETRY = ("the same registration again with the same values answers 200 with the stored one; "
         "with other values, 409 naming them in `differing`.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any string up to 200 characters: a registration retried with the same key "
                "answers with what the first one registered.")


class ModelList(ApiListView):
    serializer_class = s.ModelOut
    queryset = MLModel.objects.none()
    filterset_class = ModelFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[MLModel]:
        return selectors.model_list(user=self.request.user)

    def paginate_queryset(self, queryset: QuerySet[MLModel]) -> list[dict[str, Any]] | None:
        # a page as dicts of what a row shows: model and project instances would cost the
        # model search twice as much to build as the rest of the page
        return super().paginate_queryset(queryset.values(*s.ModelOut.ROW))

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # each row's aliases, one query for the page (rows from the list or from search)
        rows = args[0] if args and isinstance(args[0], list) else []
        wanted = [row for row in rows if isinstance(row, dict) and "alias_map" not in row]
        if wanted:
            maps = selectors.alias_maps(row["pk"] for row in wanted)
            for row in wanted:
                row["alias_map"] = maps[row["pk"]]
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=s.ModelCreateIn, responses={201: s.ModelOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        model = services.model_create(**self.input(s.ModelCreateIn), by=request.user)
        # what model_list annotates, known for a model with no versions yet
        model.latest_number = model.latest_status = model.production_number = None
        model.version_count = 0
        model.alias_map = {}
        return self.output(s.ModelOut, model, status=201)


class ModelDetail(ApiView):
    def _model(self, slug: str) -> MLModel:
        return get_object_or_404(selectors.model_list(user=self.request.user), slug=slug)

    @extend_schema(responses={200: s.ModelOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.ModelOut, self._model(slug))

    @extend_schema(request=s.ModelUpdateIn, responses={200: s.ModelOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
        services.model_update(model=model, by=request.user, **self.input(s.ModelUpdateIn, instance=model))
        return self.output(s.ModelOut, self._model(slug))


class ModelVersionList(ApiListView):
    serializer_class = s.ModelVersionOut
    queryset = ModelVersion.objects.none()
    filterset_class = ModelVersionSearch  # the search across models, within this one
    ordering_fields = ["number", "created_at"]
    ordering = None  # newest number first, or `sort=[-]metric.<name>`

    def get_queryset(self) -> QuerySet[ModelVersion]:
        model = permissions.get_model_for_user_or_404(self.request.user, self.kwargs["slug"])
        return selectors.model_versions_with_lineage(user=self.request.user, model=model).select_related(
            "created_by").order_by("-number")

    @extend_schema(request=s.ModelVersionIn, parameters=[IDEMPOTENCY_KEY],
                   responses={201: s.ModelVersionOut,
                              200: OpenApiResponse(s.ModelVersionOut, description=RETRY),
                              **error_responses(400, 401, 403, 404, 409)},
                   description="Register a version. A retry is safe (the same `number`, `run_id` "
                               "or Idempotency-Key): " + RETRY)
    def post(self, request: Request, slug: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
        data = self.input(s.ModelVersionIn)
        version, created = services.model_version_register(
            model=model, by=request.user, idempotency_key=request.headers.get("Idempotency-Key"), **data)
        if not created:
            return self.output(s.ModelVersionOut, model_version_or_404(request.user, model, version.number))
        # its lineage is what the caller just named, all of it visible to them (validated so)
        if data["lineage"]:
            prefetch_related_objects([version], selectors.lineage_with_caveats(user=request.user))
        else:
            version._prefetched_objects_cache = {"lineage": Lineage.objects.none()}
        version._prefetched_objects_cache["aliases"] = ModelAlias.objects.none()  # it is new
        return self.output(s.ModelVersionOut, version, status=201)


def model_version_or_404(user: Any, model: MLModel, number: int) -> ModelVersion:
    """A version of `model` as the version endpoints show it (lineage `user` may see)."""
    versions = selectors.model_versions_with_lineage(user=user, model=model).select_related("created_by")
    return get_object_or_404(versions, number=number)


class ModelVersionDetail(ApiView):
    @extend_schema(responses={200: s.ModelVersionOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug)
        return self.output(s.ModelVersionOut, model_version_or_404(request.user, model, number))


class ModelVersionByAlias(ApiView):
    @extend_schema(responses={200: s.ModelVersionOut, **READ_ERRORS},
                   description="The version an alias (`champion`, `challenger`…) names now.")
    def get(self, request: Request, slug: str, alias: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug)
        version = selectors.model_version_by_alias(user=request.user, model=model, alias=alias)
        if version is None:
            raise Http404
        return self.output(s.ModelVersionOut, version)


class ModelVersionSearchList(ApiListView):
    """Versions across models (MLflow's model-versions/search)."""

    serializer_class = s.ModelVersionOut
    queryset = ModelVersion.objects.none()
    filterset_class = ModelVersionSearch
    ordering_fields = ["created_at", "number"]
    ordering = None  # newest first, or `sort=[-]metric.<name>`

    def get_queryset(self) -> QuerySet[ModelVersion]:
        # the rows' aliases, lineage and caveats come by attach_version_rows, for the page
        return selectors.model_version_search(user=self.request.user).prefetch_related(None)

    def paginate_queryset(self, queryset: QuerySet[ModelVersion]) -> list[ModelVersion] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.attach_version_rows(list(page), user=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("tag.<key>", str, description="A tag's value, e.g. tag.stage=shadow "
                             "(any number of tag. and metric. conditions, at most 10)."),
            OpenApiParameter("metric.<name>__gte", float, description="A metric bound, e.g. "
                             "metric.auc__gte=0.9; also __lte, __gt, __lt, or exact."),
        ],
        responses={200: s.ModelVersionOut(many=True), **error_responses(400, 401)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ModelCompare(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("versions", str, required=True,
                                     description="Version numbers, e.g. 3,4,5 (at most 10); deltas "
                                                 "are from the first.")],
        responses={200: s.CompareOut, **error_responses(400, 401, 404)},
        description="Metrics with deltas, params, tags and lineage (the dataset versions each "
                    "used; `differs` marks what changed) of versions side by side.")
    def get(self, request: Request, slug: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug)
        versions = selectors.versions_to_compare(user=request.user, model=model,
                                                 numbers=compare.parse_numbers(request.query_params.get("versions")))
        return Response(compare.compare(versions).as_dict())
