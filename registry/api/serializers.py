"""API shapes of the registry. `*In` serializers check request bodies (and refuse unknown keys);
`*Out` serializers shape answers. Rules stay in the services, visibility in permissions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import MAX_BIGINT, MAX_INT, InputSerializer
from registry import permissions
from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    RoleAssignment,
    Stage,
    StageTransition,
    Team,
    Visibility,
    slug_validator,
)

SLUG_HELP = "Lowercase letters, digits and single hyphens, e.g. churn-model."


def _user(serializer: serializers.Serializer) -> Any:
    return serializer.context["request"].user


def _slug_field(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, validators=[slug_validator], help_text=SLUG_HELP)


def _no_nul(value: Any, path: str = "") -> None:
    """JSON text with NUL cannot be stored by PostgreSQL: refuse it at the edge."""
    if isinstance(value, str) and "\x00" in value:
        raise serializers.ValidationError(f"Null characters are not allowed{path}.")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, path)
            _no_nul(item, path)
    if isinstance(value, list):
        for item in value:
            _no_nul(item, path)


class UsernameField(serializers.SlugRelatedField):
    """An active person, by username."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


# --- teams, people, roles ------------------------------------------------------------
class TeamOut(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["slug", "name", "description", "member_count", "created_at", "updated_at"]


class TeamCreateIn(InputSerializer):
    slug = _slug_field(80)
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False, default="")


class TeamUpdateIn(InputSerializer):
    refused_fields = {"slug": "The slug of a team cannot change."}
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(allow_blank=True, required=False)


class MembershipOut(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["person", "person_name", "level", "joined_at"]


class MembershipIn(InputSerializer):
    person = UsernameField()
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class MembershipLevelIn(InputSerializer):
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class PersonTeamOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["team", "level"]


class PersonOut(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    teams = PersonTeamOut(source="memberships", many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["username", "name", "display_name", "title", "bio", "teams"]


class RoleOut(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["slug", "name", "description"]


class RoleCreateIn(InputSerializer):
    slug = _slug_field(60)
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


class RoleAssignmentOut(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "person", "created_at"]


class RoleAssignIn(InputSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", queryset=Role.objects.all())
    person = UsernameField()


# --- projects ------------------------------------------------------------------------
class ProjectOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    datasets = serializers.SerializerMethodField(help_text="Linked datasets you can see.")
    allowed_next_stages = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["slug", "name", "summary", "team", "visibility", "stage", "stage_changed_at",
                  "allowed_next_stages", "datasets", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_datasets(self, project: Project) -> list[str]:
        # prefetched as `visible_datasets` by the view (only those the caller may see)
        return [d.slug for d in project.visible_datasets]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices)))
    def get_allowed_next_stages(self, project: Project) -> list[str]:
        return project.allowed_next_stages()


class _ProjectFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=160)
    summary = serializers.CharField(allow_blank=True, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    datasets = serializers.ListField(child=serializers.SlugField(max_length=100), required=False,
                                     max_length=500, help_text="Slugs of datasets to link.")

    def validate_team(self, team: Team) -> Team:
        current = getattr(self.instance, "team_id", None)
        if team.pk != current and not permissions.can_create_in_team(_user(self), team):
            raise serializers.ValidationError("You are not a lead or member of this team.")
        return team

    def validate_datasets(self, slugs: list[str]) -> list[Dataset]:
        found = {d.slug: d for d in permissions.visible_datasets(_user(self)).filter(slug__in=slugs)}
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise serializers.ValidationError(f"Unknown datasets: {', '.join(missing)}.")
        return [found[s] for s in dict.fromkeys(slugs)]


class ProjectCreateIn(_ProjectFieldsIn):
    slug = _slug_field(80)
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class ProjectUpdateIn(_ProjectFieldsIn):
    refused_fields = {
        "slug": "The slug of a project cannot change.",
        "stage": "Change the stage with POST …/transitions/, not an edit.",
    }
    name = serializers.CharField(max_length=160, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all(), required=False)


class TransitionOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StageTransition
        fields = ["id", "from_stage", "to_stage", "note", "override_reason", "actor", "created_at"]


class TransitionIn(InputSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="The stage to enter.")
    note = serializers.CharField(allow_blank=True, required=False, default="")
    override_reason = serializers.CharField(
        allow_blank=True, required=False, default="",
        help_text="Staff only: move past unmet documentation requirements, with a reason.")

    def validate_override_reason(self, value: str) -> str:
        if value.strip() and not _user(self).is_staff:
            raise serializers.ValidationError("Only staff can override requirements.")
        return value


class TransitionRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    unmet = serializers.ListField(child=serializers.JSONField(), required=False,
                                  help_text="Requirements that are not met yet, when any.")


# --- datasets ------------------------------------------------------------------------
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


class DatasetDetailOut(DatasetOut):
    columns = ColumnSerializer(many=True, read_only=True)

    class Meta(DatasetOut.Meta):
        fields = [*DatasetOut.Meta.fields, "columns"]


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
    tags = serializers.ListField(child=_slug_field(50), required=False, max_length=100)

    validate_team = _ProjectFieldsIn.validate_team

    def validate_home_project(self, project: Project | None) -> Project | None:
        if project is None or project.pk == getattr(self.instance, "home_project_id", None):
            return project
        if not permissions.visible_projects(_user(self)).filter(pk=project.pk).exists():
            raise serializers.ValidationError(f'Object with slug={project.slug} does not exist.')
        return project


class DatasetCreateIn(_DatasetFieldsIn):
    slug = _slug_field(100)


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


class DatasetVersionDetailOut(DatasetVersionOut):
    used_by = UsedByOut(source="lineage", many=True, read_only=True,
                        help_text="Model versions (that you can see) trained or evaluated on it.")

    class Meta(DatasetVersionOut.Meta):
        fields = [*DatasetVersionOut.Meta.fields, "used_by"]


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


# --- models ----------------------------------------------------------------------------
class ModelOut(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    latest_version = serializers.IntegerField(source="latest_number", read_only=True, allow_null=True)
    latest_status = serializers.ChoiceField(choices=ModelVersion.Status.choices, read_only=True,
                                            allow_null=True)
    version_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MLModel
        fields = ["slug", "name", "description", "task", "framework", "project", "latest_version",
                  "latest_status", "version_count", "created_at", "updated_at"]

    # The columns a row needs, for a list that reads them as dicts (ModelList).
    ROW = ("slug", "name", "description", "task", "framework", "project__slug", "latest_number",
           "latest_status", "version_count", "created_at", "updated_at")

    def to_representation(self, model: MLModel | dict[str, Any]) -> dict[str, Any]:
        # The model search is the registry's hottest read. This is the dict the fields above
        # give (tests/api/test_endpoints.py holds the two equal), written out so that a page
        # of rows skips building eleven field objects and calling each one per row.
        row = model if isinstance(model, dict) else {
            "project__slug": model.project.slug,
            **{name: getattr(model, name) for name in self.ROW if name != "project__slug"}}
        return {
            "slug": row["slug"], "name": row["name"], "description": row["description"],
            "task": row["task"], "framework": row["framework"], "project": row["project__slug"],
            "latest_version": row["latest_number"], "latest_status": row["latest_status"],
            "version_count": row["version_count"],
            "created_at": _DATETIME.to_representation(row["created_at"]),
            "updated_at": _DATETIME.to_representation(row["updated_at"]),
        }


_DATETIME = serializers.DateTimeField()


class _ModelFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False)
    task = serializers.CharField(max_length=80)
    framework = serializers.CharField(max_length=80, allow_blank=True, required=False)
    project = serializers.SlugRelatedField(slug_field="slug",
                                           queryset=Project.objects.select_related("team"))

    def validate_project(self, project: Project) -> Project:
        user = _user(self)
        if project.pk == getattr(self.instance, "project_id", None):
            return project
        if permissions.can_create_in_team(user, project.team):
            return project  # its team's members see it: no visibility check needed
        if not permissions.visible_projects(user).filter(pk=project.pk).exists():
            raise serializers.ValidationError(f"Object with slug={project.slug} does not exist.")
        raise serializers.ValidationError("You are not a lead or member of this project's team.")


class ModelCreateIn(_ModelFieldsIn):
    slug = _slug_field(100)


class ModelUpdateIn(_ModelFieldsIn):
    refused_fields = {"slug": "The slug of a model cannot change."}
    name = serializers.CharField(max_length=200, required=False)
    task = serializers.CharField(max_length=80, required=False)
    project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all(),
                                           required=False)


class LineageSerializer(InputSerializer):
    """A dataset version a model version used; the same shape in and out."""

    dataset = _slug_field(100)
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
    metrics = serializers.DictField(child=serializers.JSONField(), read_only=True)
    lineage = LineageOut(many=True, read_only=True,
                         help_text="Dataset versions (that you can see) it was trained/evaluated on.")

    class Meta:
        model = ModelVersion
        fields = ["model", "number", "status", "metrics", "code_revision", "artifact_uri",
                  "trained_by", "notes", "created_by", "created_at", "lineage"]

    def to_representation(self, version: ModelVersion) -> dict[str, Any]:
        # Every registration answers with one: written out as ModelOut's is, for the same
        # reason, and held equal to the fields above by the same test.
        return {
            "model": version.model.slug, "number": version.number, "status": version.status,
            "metrics": {str(name): value for name, value in version.metrics.items()},
            "code_revision": version.code_revision, "artifact_uri": version.artifact_uri,
            "trained_by": version.trained_by.username if version.trained_by_id else None,
            "notes": version.notes,
            "created_by": version.created_by.username if version.created_by_id else None,
            "created_at": _DATETIME.to_representation(version.created_at),
            "lineage": [{"dataset": used.dataset_version.dataset.slug,
                         "version": used.dataset_version.label, "use": used.use}
                        for used in version.lineage.all()],
        }


class ModelVersionIn(InputSerializer):
    number = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                      help_text="Leave out for the next number.")
    status = serializers.ChoiceField(choices=ModelVersion.Status.choices,
                                     default=ModelVersion.Status.CANDIDATE)
    metrics = serializers.DictField(child=serializers.JSONField(), required=False, default=dict,
                                    help_text='Name: value, e.g. {"auc": 0.91}.')
    code_revision = serializers.CharField(max_length=80, allow_blank=True, required=False, default="")
    artifact_uri = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    trained_by = UsernameField(allow_null=True, required=False)
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    lineage = LineageSerializer(many=True, required=False, default=list, max_length=500)

    def validate_metrics(self, value: dict[str, Any]) -> dict[str, Any]:
        _no_nul(value)
        return value

    def validate_lineage(self, items: list[dict[str, str]]) -> list[tuple[DatasetVersion, str]]:
        wanted = {(i["dataset"], i["version"]) for i in items}
        if not wanted:
            return []
        visible: QuerySet = permissions.visible_dataset_versions(_user(self)).select_related("dataset")
        found = {}
        keys = {d for d, _ in wanted}
        for dv in visible.filter(dataset__slug__in=keys, label__in={v for _, v in wanted}):
            found[(dv.dataset.slug, dv.label)] = dv
        missing = sorted(f"{d}@{v}" for d, v in wanted - set(found))
        if missing:
            raise serializers.ValidationError(f"Unknown dataset versions: {', '.join(missing)}.")
        return [(found[(i["dataset"], i["version"])], i["use"]) for i in items]


class ModelVersionPatchIn(InputSerializer):
    refused_fields = {
        name: "A registered version is immutable; only its status changes."
        for name in ("number", "metrics", "code_revision", "artifact_uri", "trained_by",
                     "notes", "lineage")
    }
    status = serializers.ChoiceField(choices=ModelVersion.Status.choices)


# --- activity ----------------------------------------------------------------------------
class ActivityOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True,
                                        help_text="e.g. project, dataset, modelversion")
    changes = serializers.DictField(child=serializers.JSONField(), read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "actor", "verb", "target_type", "target_id", "target_repr", "target_url",
                  "changes", "created_at"]
