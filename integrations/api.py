"""REST API of the integrations: `POST /api/v1/lineage/openlineage/` takes OpenLineage run
events; `GET /api/v1/lineage/openlineage/unmapped/` lists the datasets events named that map
to no dataset.

The event body is the OpenLineage spec's, whose producers add facets of their own: keys this
endpoint does not read are allowed here (unlike Almanac's own bodies), and the ones it reads
are checked, a bad one answering 400 with its path (`run.runId`, `inputs.0.name`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ApiListView, ApiView, error_responses
from integrations import selectors, services
from integrations.models import UnmappedDataset
from integrations.openlineage import COMPLETE, EVENT_TYPES, RunEvent

MAX_DATASETS = 500


class _Facets(serializers.DictField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.JSONField(), required=False, default=dict, **kwargs)


def _count(metrics: dict[str, Any], key: str, path: str) -> int | None:
    value = metrics.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise serializers.ValidationError({path: ["A whole number of at least 0."]})
    return value


class DatasetIn(serializers.Serializer):
    namespace = serializers.CharField(max_length=500)
    name = serializers.CharField(max_length=500)
    facets = _Facets(help_text="Dataset facets; `version.datasetVersion` labels the dataset version.")
    inputFacets = _Facets(help_text="`dataQualityMetrics.rowCount` and `.bytes` are read.")  # noqa: N815
    outputFacets = _Facets()  # noqa: N815

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        version_facet = data["facets"].get("version") or {}
        version = version_facet.get("datasetVersion", "") if isinstance(version_facet, dict) else ""
        path = "facets.version.datasetVersion"
        if isinstance(version, int | float) and not isinstance(version, bool):
            version = str(version)
        if not isinstance(version, str) or len(version) > 60 or "/" in version or "\x00" in version:
            raise serializers.ValidationError(
                {path: ["A dataset version label: text of at most 60 characters, without '/'."]})
        metrics = data["inputFacets"].get("dataQualityMetrics") or {}
        if not isinstance(metrics, dict):
            raise serializers.ValidationError({"inputFacets.dataQualityMetrics": ["An object."]})
        where = "inputFacets.dataQualityMetrics"
        return {"namespace": data["namespace"], "name": data["name"], "version": version.strip(),
                "metrics": {"rowCount": _count(metrics, "rowCount", f"{where}.rowCount"),
                            "bytes": _count(metrics, "bytes", f"{where}.bytes")}}


class RunIn(serializers.Serializer):
    runId = serializers.UUIDField()  # noqa: N815
    facets = _Facets()


class JobIn(serializers.Serializer):
    namespace = serializers.CharField(max_length=500)
    name = serializers.CharField(max_length=500)
    facets = _Facets()


class RunEventIn(serializers.Serializer):
    eventType = serializers.ChoiceField(choices=EVENT_TYPES)  # noqa: N815
    eventTime = serializers.DateTimeField()  # noqa: N815
    run = RunIn()
    job = JobIn()
    inputs = DatasetIn(many=True, required=False, default=list, max_length=MAX_DATASETS)
    outputs = DatasetIn(many=True, required=False, default=list, max_length=MAX_DATASETS)
    producer = serializers.CharField(max_length=2000, required=False)
    schemaURL = serializers.CharField(max_length=2000, required=False)  # noqa: N815


class InputOut(serializers.Serializer):
    namespace = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "existing", "unknown", "refused"])
    dataset = serializers.CharField(required=False, help_text="Slug of the dataset it maps to.")
    version = serializers.CharField(required=False, help_text="Label of the dataset version.")
    reason = serializers.CharField(required=False)


class LineageAddedOut(serializers.Serializer):
    dataset = serializers.CharField()
    version = serializers.CharField()
    use = serializers.CharField()


class OutputOut(serializers.Serializer):
    namespace = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["linked", "refused", "not a model version"])
    model = serializers.CharField(required=False)
    number = serializers.IntegerField(required=False)
    lineage_added = LineageAddedOut(many=True, required=False)
    reason = serializers.CharField(required=False)


class DatasetNameOut(serializers.Serializer):
    namespace = serializers.CharField()
    name = serializers.CharField()


class JobOut(serializers.Serializer):
    namespace = serializers.CharField()
    name = serializers.CharField()


class IntakeOut(serializers.Serializer):
    run_id = serializers.CharField()
    job = JobOut()
    processed = serializers.BooleanField(help_text="False for an event that is not COMPLETE.")
    duplicate = serializers.BooleanField(help_text="This run id was received before: nothing changed.")
    inputs = InputOut(many=True)
    outputs = OutputOut(many=True)
    unknown_datasets = DatasetNameOut(many=True)
    unknown_datasets_url = serializers.CharField(help_text="Where stewards map them.")


class UnmappedOut(serializers.ModelSerializer):
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    source_uri = serializers.CharField(source="uri", read_only=True,
                                       help_text="The source location a dataset needs to map it.")

    class Meta:
        model = UnmappedDataset
        fields = ["id", "namespace", "name", "source_uri", "job_name", "last_run_id", "times_seen",
                  "first_seen_at", "last_seen_at", "reported_by"]


class OpenLineageIntake(ApiView):
    @extend_schema(
        request=RunEventIn,
        responses={201: IntakeOut,
                   200: OpenApiResponse(IntakeOut, description="A run received before (`duplicate`), "
                                                               "or an event that is not COMPLETE."),
                   **error_responses(400, 401, 403, 409)},
        description="Read an OpenLineage run event. COMPLETE events: each input that maps to a dataset "
                    "(its namespace and name under the dataset's source location) becomes a version "
                    "of it (labelled by the version facet, or the event time); model versions whose "
                    "artifact URI is an output get those as training lineage. Unknown inputs are "
                    "reported, and listed for stewards, never created. Once per run id.")
    def post(self, request: Request) -> Response:
        event = RunEvent.from_validated(self.input(RunEventIn))
        if event.event_type != COMPLETE:
            return Response({"run_id": event.run_id,
                             "job": {"namespace": event.job_namespace, "name": event.job_name},
                             "processed": False, "duplicate": False, "inputs": [], "outputs": [],
                             "unknown_datasets": [], "unknown_datasets_url": ""})
        result, new = services.openlineage_run_receive(event=event, by=request.user)
        return Response(result, status=201 if new else 200)


class UnmappedList(ApiListView):
    serializer_class = UnmappedOut
    queryset = UnmappedDataset.objects.none()
    ordering_fields = ["last_seen_at", "times_seen", "namespace", "name"]
    ordering = ["-last_seen_at", "-pk"]

    def get_queryset(self) -> QuerySet[UnmappedDataset]:
        return selectors.unmapped_datasets(user=self.request.user)
