"""API shapes of models and their versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers

from config.api import MAX_INT, InputSerializer, request_user
from registry import permissions
from registry.api.serializers.common import UsernameField, no_nul, slug_field
from registry.api.serializers.datasets import CaveatOut, caveat_row
from registry.metadata import LIMITS, clean_metrics, clean_params, clean_tags
from registry.models import (
    DatasetVersion,
    Lineage,
    MLModel,
    ModelVersion,
    Project,
)


class ModelOut(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    latest_version = serializers.IntegerField(source="latest_number", read_only=True, allow_null=True)
    latest_status = serializers.ChoiceField(choices=ModelVersion.Status.choices, read_only=True,
                                            allow_null=True)
    version_count = serializers.IntegerField(read_only=True)
    production_version = serializers.IntegerField(source="production_number", read_only=True,
                                                   allow_null=True,
                                                   help_text="The live version's number.")
    aliases = serializers.DictField(child=serializers.IntegerField(), source="alias_map",
                                    read_only=True, help_text="Alias name: version number.")
    tags = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MLModel
        fields = ["slug", "name", "description", "task", "framework", "project", "latest_version",
                  "latest_status", "version_count", "production_version", "aliases", "tags",
                  "created_at", "updated_at"]

    # The columns a row needs, for a list that reads them as dicts (ModelList; it adds
    # `alias_map` to each row from one query for the page).
    ROW = ("pk", "slug", "name", "description", "task", "framework", "project__slug",
           "latest_number", "latest_status", "version_count", "production_number", "tags",
           "created_at", "updated_at")

    def to_representation(self, model: MLModel | dict[str, Any]) -> dict[str, Any]:
        # The model search is the registry's hottest read. This is the dict the fields above
        # give (tests/api/test_endpoints.py holds the two equal), written out so that a page
        # of rows skips building eleven field objects and calling each one per row.
        row = model if isinstance(model, dict) else {
            "project__slug": model.project.slug, "alias_map": model.alias_map,
            **{name: getattr(model, name) for name in self.ROW if name != "project__slug"}}
        return {
            "slug": row["slug"], "name": row["name"], "description": row["description"],
            "task": row["task"], "framework": row["framework"], "project": row["project__slug"],
            "latest_version": row["latest_number"], "latest_status": row["latest_status"],
            "version_count": row["version_count"], "production_version": row["production_number"],
            "aliases": {str(k): v for k, v in row.get("alias_map", {}).items()},
            "tags": {str(k): str(v) for k, v in row["tags"].items()},
            "created_at": _DATETIME.to_representation(row["created_at"]),
            "updated_at": _DATETIME.to_representation(row["updated_at"]),
        }


_DATETIME = serializers.DateTimeField()


def _tags_field() -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500),
                                 required=False, help_text=f"Key-value tags: {LIMITS}.")


class _ModelFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=200)
    tags = _tags_field()
    description = serializers.CharField(allow_blank=True, required=False)
    task = serializers.CharField(max_length=80)
    framework = serializers.CharField(max_length=80, allow_blank=True, required=False)
    project = serializers.SlugRelatedField(slug_field="slug",
                                           queryset=Project.objects.select_related("team"))

    def validate_project(self, project: Project) -> Project:
        user = request_user(self)
        if project.pk == getattr(self.instance, "project_id", None):
            return project
        if permissions.can_create_model_in(user, project):
            return project  # its team's members see it: no visibility check needed
        if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
            raise serializers.ValidationError(f"Object with slug={project.slug} does not exist.")
        raise serializers.ValidationError("You are not a lead or member of this project's team.")


class ModelCreateIn(_ModelFieldsIn):
    slug = slug_field(100)


class ModelUpdateIn(_ModelFieldsIn):
    refused_fields = {"slug": "The slug of a model cannot change."}
    name = serializers.CharField(max_length=200, required=False)
    task = serializers.CharField(max_length=80, required=False)
    project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all(),
                                           required=False)


def _checked(clean: Any, value: Any) -> Any:
    """A registry.metadata rule as a field error of this serializer."""
    try:
        return clean(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            [m for messages in error.message_dict.values() for m in messages]) from error


class ModelVersionUpdateIn(InputSerializer):
    tags = _tags_field()
    notes = serializers.CharField(allow_blank=True, required=False)

    def validate_tags(self, value: dict[str, Any]) -> dict[str, Any]:
        no_nul(value)
        return _checked(clean_tags, value)


class LineageSerializer(InputSerializer):
    """A dataset version a model version used; the same shape in and out."""

    dataset = slug_field(100)
    version = serializers.CharField(max_length=60, help_text="The dataset version's label.")
    use = serializers.ChoiceField(choices=Lineage.Use.choices, default=Lineage.Use.TRAINING)


class LineageOut(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset_version.dataset.slug", read_only=True)
    version = serializers.CharField(source="dataset_version.label", read_only=True)

    class Meta:
        model = Lineage
        fields = ["dataset", "version", "use"]


class ModelVersionOut(serializers.ModelSerializer):
    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    trained_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    metrics = serializers.DictField(child=serializers.JSONField(), read_only=True,
                                    help_text="Name: finite number.")
    params = serializers.DictField(child=serializers.JSONField(), read_only=True)
    tags = serializers.DictField(child=serializers.CharField(), read_only=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True,
                                           help_text="The aliases that name this version.")
    lineage = LineageOut(many=True, read_only=True,
                         help_text="Dataset versions (that you can see) it was trained/evaluated on.")
    caveats = CaveatOut(source="inherited_caveats", many=True, read_only=True,
                        help_text="The open caveats it inherits from the data in its lineage.")

    class Meta:
        model = ModelVersion
        fields = ["model", "number", "status", "metrics", "params", "tags", "run_id", "source_uri",
                  "code_revision", "artifact_uri", "trained_by", "notes", "created_by",
                  "created_at", "aliases", "lineage", "caveats"]

    def to_representation(self, version: ModelVersion) -> dict[str, Any]:
        # Every registration answers with one: written out as ModelOut's is, for the same
        # reason, and held equal to the fields above by the same test. A list attaches
        # `api_rows` (selectors.attach_version_rows) instead of prefetching.
        fast = getattr(version, "api_rows", None)
        if fast is not None:
            aliases, lineage, caveats = fast["aliases"], fast["lineage"], fast["caveats"]
        else:
            aliases = [alias.name for alias in version.aliases.all()]
            lineage = [{"dataset": used.dataset_version.dataset.slug,
                        "version": used.dataset_version.label, "use": used.use}
                       for used in version.lineage.all()]
            caveats = version.inherited_caveats
        return {
            "model": version.model.slug, "number": version.number, "status": version.status,
            "metrics": {str(name): value for name, value in version.metrics.items()},
            "params": dict(version.params), "tags": {str(k): str(v) for k, v in version.tags.items()},
            "run_id": version.run_id, "source_uri": version.source_uri,
            "code_revision": version.code_revision, "artifact_uri": version.artifact_uri,
            "trained_by": version.trained_by.username if version.trained_by_id else None,
            "notes": version.notes,
            "created_by": version.created_by.username if version.created_by_id else None,
            "created_at": _DATETIME.to_representation(version.created_at),
            "aliases": aliases, "lineage": lineage,
            "caveats": [caveat_row(c) for c in caveats],
        }


class ModelVersionIn(InputSerializer):
    number = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                      help_text="Leave out for the next number.")
    status = serializers.ChoiceField(choices=ModelVersion.Status.choices,
                                     default=ModelVersion.Status.CANDIDATE)
    metrics = serializers.DictField(child=serializers.JSONField(), required=False, default=dict,
                                    help_text=f'Name: finite number, e.g. {{"auc": 0.91}}; {LIMITS}.')
    params = serializers.DictField(child=serializers.JSONField(), required=False, default=dict,
                                   help_text=f'Hyperparameters, e.g. {{"max_depth": 6}}; {LIMITS}.')
    tags = _tags_field()
    run_id = serializers.CharField(max_length=200, allow_blank=True, required=False, default="",
                                   help_text="The experiment tracker's run id.")
    source_uri = serializers.CharField(max_length=500, allow_blank=True, required=False, default="",
                                       help_text="Where the tracker shows that run.")
    code_revision = serializers.CharField(max_length=80, allow_blank=True, required=False, default="")
    artifact_uri = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    trained_by = UsernameField(allow_null=True, required=False)
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    lineage = LineageSerializer(many=True, required=False, default=list, max_length=500)

    def validate_metrics(self, value: dict[str, Any]) -> dict[str, Any]:
        no_nul(value)
        return _checked(clean_metrics, value)

    def validate_params(self, value: dict[str, Any]) -> dict[str, Any]:
        no_nul(value)
        return _checked(clean_params, value)

    def validate_tags(self, value: dict[str, Any]) -> dict[str, Any]:
        no_nul(value)
        return _checked(clean_tags, value)

    def validate_lineage(self, items: list[dict[str, str]]) -> list[tuple[DatasetVersion, str]]:
        wanted = {(i["dataset"], i["version"]) for i in items}
        if not wanted:
            return []
        visible: QuerySet = DatasetVersion.objects.visible_to(request_user(self)).select_related("dataset")
        found = {}
        keys = {d for d, _ in wanted}
        for dv in visible.filter(dataset__slug__in=keys, label__in={v for _, v in wanted}):
            found[(dv.dataset.slug, dv.label)] = dv
        missing = sorted(f"{d}@{v}" for d, v in wanted - set(found))
        if missing:
            raise serializers.ValidationError(f"Unknown dataset versions: {', '.join(missing)}.")
        return [(found[(i["dataset"], i["version"])], i["use"]) for i in items]


class CompareRowOut(serializers.Serializer):
    name = serializers.CharField()
    differs = serializers.BooleanField(help_text="The versions do not all have the same value.")
    values = serializers.DictField(child=serializers.JSONField(allow_null=True),
                                   help_text="Version number: value (null when it has none).")
    deltas = serializers.DictField(child=serializers.FloatField(allow_null=True), required=False,
                                   help_text="Metrics: version number: value minus the first's.")


class CompareVersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ModelVersion.Status.choices)
    aliases = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


class CompareOut(serializers.Serializer):
    model = serializers.CharField()
    versions = CompareVersionOut(many=True)
    metrics = CompareRowOut(many=True)
    params = CompareRowOut(many=True)
    tags = CompareRowOut(many=True)
    lineage = CompareRowOut(many=True, help_text="Per dataset and use: the dataset version(s) used.")
