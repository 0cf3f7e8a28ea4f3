"""API shapes of datasets, their columns and versions."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from config.api import MAX_BIGINT, InputSerializer, request_user
from registry.api.serializers.common import UsernameField, slug_field, writable_team
from registry.models import (
    Caveat,
    Dataset,
    DatasetVersion,
    Lineage,
    ModelVersion,
    Project,
    Team,
)


class ColumnSerializer(InputSerializer):
    """A schema column; the same shape in and out."""

    name = serializers.CharField(max_length=120)
    dtype = serializers.CharField(max_length=60, help_text="e.g. int64, string, timestamp")
    description = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    is_pii = serializers.BooleanField(required=False, default=False)


class ColumnsIn(InputSerializer):
    columns = ColumnSerializer(many=True, max_length=2000)


class ColumnsOut(serializers.Serializer):
    columns = ColumnSerializer(many=True)


class DatasetOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    steward = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    home_project = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    latest_version = serializers.CharField(read_only=True, allow_null=True,
                                           help_text="Label of the newest version.")

    class Meta:
        model = Dataset
        fields = ["slug", "name", "description", "team", "steward", "home_project", "source_uri",
                  "format", "license", "sensitivity", "contains_pii", "limitations", "tags",
                  "latest_version", "created_at", "updated_at"]

    # The columns a row needs, for a list that reads them as dicts (the dataset list and its
    # search; they add `tag_names` to each row from one query for the page).
    ROW = ("pk", "slug", "name", "description", "team__slug", "steward__username",
           "home_project__slug", "source_uri", "format", "license", "sensitivity", "contains_pii",
           "limitations", "latest_version", "created_at", "updated_at")
    _PLAIN = ("slug", "name", "description", "source_uri", "format", "license", "sensitivity",
              "contains_pii", "limitations")

    @classmethod
    def rows_of(cls, queryset: Any) -> Any:
        """`queryset` read as dicts of ROW (its tags' prefetch dropped: `with_tag_names` adds
        them to a page in one query)."""
        return queryset.prefetch_related(None).values(*cls.ROW)

    def to_representation(self, dataset: Dataset | dict[str, Any]) -> dict[str, Any]:
        # The dict the fields above give (tests/api/test_endpoints.py holds the two equal),
        # written out: the searched dataset list builds a page of 50 of them per request.
        row = dataset if isinstance(dataset, dict) else _row_of(dataset)
        return {
            **{name: row[name] for name in self._PLAIN[:3]},
            "team": row["team__slug"], "steward": row["steward__username"],
            "home_project": row["home_project__slug"],
            **{name: row[name] for name in self._PLAIN[3:]},
            "tags": list(row["tag_names"]), "latest_version": row["latest_version"],
            "created_at": _DATETIME.to_representation(row["created_at"]),
            "updated_at": _DATETIME.to_representation(row["updated_at"]),
        }


def _row_of(dataset: Dataset) -> dict[str, Any]:
    return {
        **{name: getattr(dataset, name) for name in DatasetOut._PLAIN},
        "team__slug": dataset.team.slug,
        "steward__username": dataset.steward.username if dataset.steward_id else None,
        "home_project__slug": dataset.home_project.slug if dataset.home_project_id else None,
        "tag_names": [tag.name for tag in dataset.tags.all()],
        "latest_version": getattr(dataset, "latest_version", None),
        "created_at": dataset.created_at, "updated_at": dataset.updated_at,
    }


class DatasetDetailOut(DatasetOut):
    columns = ColumnSerializer(many=True, read_only=True)

    class Meta(DatasetOut.Meta):
        fields = [*DatasetOut.Meta.fields, "columns"]

    def to_representation(self, dataset: Dataset | dict[str, Any]) -> dict[str, Any]:
        return serializers.ModelSerializer.to_representation(self, dataset)


class _DatasetFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    steward = UsernameField(allow_null=True, required=False)
    home_project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all(),
                                                allow_null=True, required=False)
    source_uri = serializers.CharField(max_length=500, allow_blank=True, required=False)
    format = serializers.CharField(max_length=40, allow_blank=True, required=False)
    license = serializers.CharField(max_length=80, allow_blank=True, required=False)
    sensitivity = serializers.ChoiceField(choices=Dataset.Sensitivity.choices, required=False)
    contains_pii = serializers.BooleanField(required=False)
    limitations = serializers.CharField(allow_blank=True, required=False)
    tags = serializers.ListField(child=slug_field(50), required=False, max_length=100)

    def validate_team(self, team: Team) -> Team:
        return writable_team(self, team)

    def validate_home_project(self, project: Project | None) -> Project | None:
        if project is None or project.pk == getattr(self.instance, "home_project_id", None):
            return project
        if not Project.objects.visible_to(request_user(self)).filter(pk=project.pk).exists():
            raise serializers.ValidationError(f'Object with slug={project.slug} does not exist.')
        return project


class DatasetCreateIn(_DatasetFieldsIn):
    slug = slug_field(100)


class DatasetUpdateIn(_DatasetFieldsIn):
    refused_fields = {"slug": "The slug of a dataset cannot change."}
    name = serializers.CharField(max_length=200, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all(), required=False)


class DatasetVersionOut(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DatasetVersion
        fields = ["dataset", "label", "released_on", "row_count", "size_bytes", "checksum",
                  "location", "notes", "created_by", "created_at"]


class UsedByOut(serializers.ModelSerializer):
    """A model version that used a dataset version."""

    model = serializers.CharField(source="model_version.model.slug", read_only=True)
    number = serializers.IntegerField(source="model_version.number", read_only=True)
    status = serializers.ChoiceField(source="model_version.status", read_only=True,
                                     choices=ModelVersion.Status.choices)

    class Meta:
        model = Lineage
        fields = ["model", "number", "status", "use"]


class CaveatOut(serializers.ModelSerializer):
    """What is known to be wrong with a dataset version."""

    dataset = serializers.CharField(source="dataset_version.dataset.slug", read_only=True)
    version = serializers.CharField(source="dataset_version.label", read_only=True)
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    resolved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Caveat
        fields = ["id", "dataset", "version", "kind", "text", "status", "raised_by", "created_at",
                  "resolution", "resolved_by", "resolved_at"]


def caveat_row(caveat: Caveat) -> dict:
    """CaveatOut's dict written out (a version list shows many; held equal by a test)."""
    return {"id": caveat.pk, "dataset": caveat.dataset_version.dataset.slug,
            "version": caveat.dataset_version.label, "kind": caveat.kind, "text": caveat.text,
            "status": caveat.status,
            "raised_by": caveat.raised_by.username if caveat.raised_by_id else None,
            "created_at": _DATETIME.to_representation(caveat.created_at),
            "resolution": caveat.resolution,
            "resolved_by": caveat.resolved_by.username if caveat.resolved_by_id else None,
            "resolved_at": _DATETIME.to_representation(caveat.resolved_at) if caveat.resolved_at else None}


_DATETIME = serializers.DateTimeField()


class CaveatIn(InputSerializer):
    kind = serializers.ChoiceField(choices=Caveat.Kind.choices)
    text = serializers.CharField(max_length=5000)


class CaveatUpdateIn(InputSerializer):
    refused_fields = {name: "A caveat's text stays as it was raised; raise a new one."
                      for name in ("kind", "text")}
    status = serializers.ChoiceField(choices=[Caveat.Status.RESOLVED],
                                     help_text="A caveat is resolved, with how.")
    resolution = serializers.CharField(max_length=5000)


class DatasetVersionDetailOut(DatasetVersionOut):
    used_by = UsedByOut(source="lineage", many=True, read_only=True,
                        help_text="Model versions (that you can see) trained or evaluated on it.")
    caveats = CaveatOut(many=True, read_only=True,
                        help_text="What is known to be wrong with it, open ones first.")

    class Meta(DatasetVersionOut.Meta):
        fields = [*DatasetVersionOut.Meta.fields, "used_by", "caveats"]


class DatasetVersionIn(InputSerializer):
    label = serializers.CharField(max_length=60)
    released_on = serializers.DateField(allow_null=True, required=False)
    row_count = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, allow_null=True,
                                         required=False)
    size_bytes = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, allow_null=True,
                                          required=False)
    checksum = serializers.CharField(max_length=128, allow_blank=True, required=False)
    location = serializers.CharField(max_length=500, allow_blank=True, required=False)
    notes = serializers.CharField(allow_blank=True, required=False)

    def validate_label(self, value: str) -> str:
        if "/" in value:
            raise serializers.ValidationError("A label cannot contain '/'.")
        return value
