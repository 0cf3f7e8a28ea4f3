"""REST API v1: Datasets, their columns and versions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, error_responses
from registry import permissions, selectors, services
from registry.api import serializers as s
from registry.api.filters import (
    DatasetVersionFilter,
)
from registry.api.views.models import IDEMPOTENCY_KEY, RETRY
from registry.filters import DatasetFilter
from registry.models import (
    Caveat,
    Dataset,
    DatasetVersion,
)


def _datasets(user: Any) -> QuerySet[Dataset]:
    return selectors.dataset_list(user=user).select_related("home_project")


class DatasetList(ApiListView):
    serializer_class = s.DatasetOut
    queryset = Dataset.objects.none()
    filterset_class = DatasetFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at", "sensitivity"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Dataset]:
        # a tag filter joins tags: distinct keeps one row per dataset
        return _datasets(self.request.user).distinct()

    def paginate_queryset(self, queryset: QuerySet[Dataset]) -> list[dict[str, Any]] | None:
        # a page as dicts of what a row shows (DatasetOut.ROW), its tags in one query
        page = super().paginate_queryset(s.DatasetOut.rows_of(queryset))
        return None if page is None else selectors.with_tag_names(list(page))

    @extend_schema(request=s.DatasetCreateIn,
                   responses={201: s.DatasetDetailOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        dataset = services.dataset_create(**self.input(s.DatasetCreateIn), by=request.user)
        return self.output(s.DatasetDetailOut, _datasets(request.user).get(pk=dataset.pk), status=201)


class DatasetDetail(ApiView):
    def _dataset(self, slug: str) -> Dataset:
        return get_object_or_404(_datasets(self.request.user).prefetch_related("columns"), slug=slug)

    @extend_schema(responses={200: s.DatasetDetailOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.DatasetDetailOut, self._dataset(slug))

    @extend_schema(request=s.DatasetUpdateIn, responses={200: s.DatasetDetailOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        services.dataset_update(dataset=dataset, by=request.user,
                                **self.input(s.DatasetUpdateIn, instance=dataset))
        return self.output(s.DatasetDetailOut, self._dataset(slug))


class DatasetColumns(ApiView):
    @extend_schema(responses={200: s.ColumnsOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
        return self.output(s.ColumnsOut, {"columns": dataset.columns.all()})

    @extend_schema(request=s.ColumnsIn, responses={200: s.ColumnsOut, **WRITE_ERRORS},
                   description="Replace the whole schema of the dataset.")
    def put(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        columns = services.dataset_columns_set(dataset=dataset, by=request.user,
                                               columns=self.input(s.ColumnsIn)["columns"])
        return self.output(s.ColumnsOut, {"columns": columns})


class DatasetVersionList(ApiListView):
    serializer_class = s.DatasetVersionOut
    queryset = DatasetVersion.objects.none()
    filterset_class = DatasetVersionFilter
    ordering_fields = ["created_at", "released_on", "label", "row_count"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[DatasetVersion]:
        dataset = permissions.get_dataset_for_user_or_404(self.request.user, self.kwargs["slug"])
        return dataset.versions.select_related("created_by")

    @extend_schema(request=s.DatasetVersionIn, parameters=[IDEMPOTENCY_KEY],
                   responses={201: s.DatasetVersionDetailOut,
                              200: OpenApiResponse(s.DatasetVersionDetailOut, description=RETRY),
                              **error_responses(400, 401, 403, 404, 409)},
                   description="Register a version. A retry is safe: " + RETRY)
    def post(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        version, created = services.dataset_version_register(
            dataset=dataset, by=request.user, idempotency_key=request.headers.get("Idempotency-Key"),
            **self.input(s.DatasetVersionIn))
        if not created:  # what a reader of the version sees
            version = selectors.dataset_versions_with_usage(user=request.user, dataset=dataset).get(
                pk=version.pk)
        return self.output(s.DatasetVersionDetailOut, version, status=201 if created else 200)


class DatasetVersionDetail(ApiView):
    @extend_schema(responses={200: s.DatasetVersionDetailOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, label: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
        versions = selectors.dataset_versions_with_usage(user=request.user, dataset=dataset)
        return self.output(s.DatasetVersionDetailOut, get_object_or_404(versions, label=label))


def _dataset_version(user: Any, slug: str, label: str, *, write: bool = False) -> DatasetVersion:
    dataset = permissions.get_dataset_for_user_or_404(user, slug)
    version = get_object_or_404(dataset.versions.select_related("dataset"), label=label)
    if write and not permissions.can_raise_caveat(user, dataset):
        raise PermissionDenied
    return version


class CaveatList(ApiListView):
    serializer_class = s.CaveatOut
    queryset = Caveat.objects.none()
    pagination_class = None  # a version's caveats are few

    def get_queryset(self) -> QuerySet[Caveat]:
        version = _dataset_version(self.request.user, self.kwargs["slug"], self.kwargs["label"])
        return selectors.caveats_of(dataset_version=version).select_related("dataset_version__dataset")

    @extend_schema(request=s.CaveatIn, responses={201: s.CaveatOut, **WRITE_ERRORS},
                   description="Raise a caveat: every model version trained or evaluated on this "
                               "dataset version inherits it while it is open.")
    def post(self, request: Request, slug: str, label: str) -> Response:
        version = _dataset_version(request.user, slug, label, write=True)
        caveat = services.caveat_raise(dataset_version=version, by=request.user, **self.input(s.CaveatIn))
        return self.output(s.CaveatOut, caveat, status=201)


class CaveatDetail(ApiView):
    def _caveat(self, slug: str, label: str, pk: int) -> Caveat:
        version = _dataset_version(self.request.user, slug, label)
        return get_object_or_404(selectors.caveats_of(dataset_version=version).select_related(
            "dataset_version__dataset"), pk=pk)

    @extend_schema(responses={200: s.CaveatOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, label: str, pk: int) -> Response:
        return self.output(s.CaveatOut, self._caveat(slug, label, pk))

    @extend_schema(request=s.CaveatUpdateIn, responses={200: s.CaveatOut, **WRITE_ERRORS},
                   description="Resolve the caveat, saying how.")
    def patch(self, request: Request, slug: str, label: str, pk: int) -> Response:
        caveat = self._caveat(slug, label, pk)
        data = self.input(s.CaveatUpdateIn)
        services.caveat_resolve(caveat=caveat, resolution=data["resolution"], by=request.user)
        return self.output(s.CaveatOut, self._caveat(slug, label, pk))
