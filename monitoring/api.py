"""/api/v1/models/<slug>/versions/<n>/monitoring/: a production version's monitoring records.

POST one record (an object) or many (`{"records": [...]}`, at most 1000): each is one metric at
one time; sending the same metric and time again changes nothing (or updates its value), so a
pipeline may resend a batch. 201 when something was recorded, 200 when all of it was known."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

import config.web  # noqa: F401  (registers the path converters)
from config.api import ApiListView, InputSerializer, error_responses
from monitoring import services
from monitoring.models import Direction, MonitoringRecord
from registry import permissions as registry_permissions
from registry.models import ModelVersion

MAX_BULK = 1000


class RecordIn(InputSerializer):
    metric = serializers.CharField(max_length=80)
    value = serializers.FloatField()
    observed_at = serializers.DateTimeField(help_text="When it was observed (ISO 8601, with a zone).")
    threshold = serializers.FloatField()
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.ABOVE,
                                        help_text="above: a value over the threshold is a breach; "
                                                  "below: a value under it.")


class BulkIn(InputSerializer):
    records = RecordIn(many=True, allow_empty=False, max_length=MAX_BULK)


class RecordOut(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    breached = serializers.BooleanField(read_only=True)

    class Meta:
        model = MonitoringRecord
        fields = ["metric", "value", "observed_at", "threshold", "direction", "breached", "created_by",
                  "created_at"]


class RecordedOut(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged_or_updated = serializers.IntegerField()


def _version(user: Any, slug: str, number: int, *, write: bool = False) -> ModelVersion:
    model = registry_permissions.get_model_for_user_or_404(user, slug, write=write)
    return get_object_or_404(model.versions.select_related("model__project"), number=number)


class MonitoringList(ApiListView):
    serializer_class = RecordOut
    queryset = MonitoringRecord.objects.none()
    filterset_fields = ["metric"]
    ordering_fields = ["observed_at"]
    ordering = ["-observed_at", "-pk"]

    def get_queryset(self) -> QuerySet[MonitoringRecord]:
        version = _version(self.request.user, self.kwargs["slug"], self.kwargs["number"])
        return version.monitoring_records.select_related("created_by")  # the author on each row

    @extend_schema(
        request=PolymorphicProxySerializer(component_name="MonitoringIn", serializers=[RecordIn, BulkIn],
                                           resource_type_field_name=None),
        responses={201: RecordedOut, 200: RecordedOut, **error_responses(400, 401, 403, 404, 409)},
        description="Record one observation, or many as `records`. Idempotent per metric and time. "
                    "Only a version in production is monitored (409 otherwise).")
    def post(self, request: Request, slug: str, number: int) -> Response:
        version = _version(request.user, slug, number, write=True)
        bulk = isinstance(request.data, dict) and "records" in request.data
        data = self.input(BulkIn if bulk else RecordIn)
        rows = data["records"] if bulk else [data]
        created, known = services.monitoring_records_add(
            version=version, observations=[services.Observation(**row) for row in rows], by=request.user)
        return Response({"created": created, "unchanged_or_updated": known}, status=201 if created else 200)


urlpatterns = [
    path("models/<slug:slug>/versions/<number:number>/monitoring/", MonitoringList.as_view(),
         name="monitoring_list"),
]
