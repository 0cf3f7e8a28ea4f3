"""The registry: teams, people, roles, projects, datasets, models and their history."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.visibility import (
    ActivityQuerySet,
    CaveatQuerySet,
    DatasetQuerySet,
    DatasetVersionQuerySet,
    LineageQuerySet,
    MLModelQuerySet,
    ModelAliasQuerySet,
    ModelVersionQuerySet,
    ProjectQuerySet,
    RoleAssignmentQuerySet,
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lowercase letters, digits and single hyphens (e.g. churn-model).",
)


class Person(AbstractUser):
    """A user account. Everyone who signs in is a person of the registry."""

    display_name = models.CharField(max_length=120, blank=True)
    title = models.CharField("job title", max_length=120, blank=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", args=[self.username])


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Team(TimeStamped):
    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:team_detail", args=[self.slug])


class Membership(models.Model):
    class Level(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"
        VIEWER = "viewer", "Viewer"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(level__in=["lead", "member", "viewer"]), name="membership_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team} ({self.level})"

    @property
    def can_write(self) -> bool:
        return self.level in (self.Level.LEAD, self.Level.MEMBER)


class Role(models.Model):
    """The role vocabulary; admins can extend it. The six defaults come by migration."""

    OWNER = "owner"
    REVIEWER = "reviewer"

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DATA_DISCOVERY = "data_discovery", "Data discovery"
    EXPERIMENTATION = "experimentation", "Experimentation"
    VALIDATION = "validation", "Validation"
    DEPLOYMENT = "deployment", "Deployment"
    MONITORING = "monitoring", "Monitoring"
    RETRAINING = "retraining", "Retraining"
    RETIRED = "retired", "Retired"
    ABANDONED = "abandoned", "Abandoned"



# The lifecycle of PRODUCT.md: forward one step, monitoring <-> retraining, retire from
# deployment onwards, abandon from any stage before deployment.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Stage.PROPOSED: {Stage.DATA_DISCOVERY, Stage.ABANDONED},
    Stage.DATA_DISCOVERY: {Stage.EXPERIMENTATION, Stage.ABANDONED},
    Stage.EXPERIMENTATION: {Stage.VALIDATION, Stage.ABANDONED},
    Stage.VALIDATION: {Stage.DEPLOYMENT, Stage.ABANDONED},
    Stage.DEPLOYMENT: {Stage.MONITORING, Stage.RETIRED},
    Stage.MONITORING: {Stage.RETRAINING, Stage.RETIRED},
    Stage.RETRAINING: {Stage.MONITORING, Stage.RETIRED},
    Stage.RETIRED: set(),
    Stage.ABANDONED: set(),
}

STAGE_ORDER = [
    Stage.PROPOSED, Stage.DATA_DISCOVERY, Stage.EXPERIMENTATION, Stage.VALIDATION,
    Stage.DEPLOYMENT, Stage.MONITORING, Stage.RETRAINING, Stage.RETIRED,
]


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Internal: every signed-in user reads it"
    PRIVATE = "private", "Private: only its team and role holders"


class Project(TimeStamped):
    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="projects")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROPOSED)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    datasets = models.ManyToManyField(
        "Dataset", blank=True, related_name="projects", verbose_name="linked datasets"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["-updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="project_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="project_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:project_detail", args=[self.slug])

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    def allowed_next_stages(self) -> list[str]:
        return [s for s in Stage.values if s in ALLOWED_TRANSITIONS[self.stage]]


class StageTransition(models.Model):
    """One row per lifecycle move: append-only history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage or '—'} → {self.to_stage}"


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(TimeStamped):
    class Sensitivity(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal"
        CONFIDENTIAL = "confidential", "Confidential"
        RESTRICTED = "restricted", "Restricted"

    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="datasets", verbose_name="owner team"
    )
    steward = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="stewarded_datasets"
    )
    home_project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_datasets",
        help_text="A dataset registered under a private project is private with it.",
    )
    source_uri = models.CharField("source location", max_length=500, blank=True)
    format = models.CharField(max_length=40, blank=True)
    license = models.CharField(max_length=80, blank=True)
    sensitivity = models.CharField(
        max_length=12, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    contains_pii = models.BooleanField("contains PII", default=False)
    limitations = models.TextField("known limitations and biases", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["-updated_at"]),
            models.Index(fields=["sensitivity"]),
            models.Index(fields=["format"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitivity__in=["public", "internal", "confidential", "restricted"]),
                name="dataset_sensitivity_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:dataset_detail", args=[self.slug])


class DatasetColumn(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120)
    dtype = models.CharField("type", max_length=60)
    description = models.CharField(max_length=500, blank=True)
    is_pii = models.BooleanField("PII", default=False)

    class Meta:
        ordering = ["dataset", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="dataset_column_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.dtype}"


class DatasetVersion(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=60)
    released_on = models.DateField("date", null=True, blank=True)
    row_count = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    size_bytes = models.BigIntegerField(
        "size (bytes)", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    checksum = models.CharField(max_length=128, blank=True)
    location = models.CharField(max_length=500, blank=True)
    notes = models.TextField("change notes", blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatasetVersionQuerySet.as_manager()

    class Meta:
        ordering = ["dataset", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "label"], name="dataset_version_unique"),
            models.CheckConstraint(
                condition=Q(row_count__isnull=True) | Q(row_count__gte=0),
                name="dataset_version_rows_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__isnull=True) | Q(size_bytes__gte=0),
                name="dataset_version_size_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("registry:dataset_version_detail", args=[self.dataset.slug, self.label])


class MLModel(TimeStamped):
    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    task = models.CharField(max_length=80, help_text="e.g. binary classification")
    framework = models.CharField(max_length=80, blank=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="models")
    tags = models.JSONField(default=dict, blank=True,
                            help_text="Key-value tags (strings), as an experiment tracker keeps them.")

    objects = MLModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "model"
        indexes = [models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:model_detail", args=[self.slug])

    @property
    def alias_map(self) -> dict[str, int]:
        """Alias name -> version number (one query; a list attaches it per page instead)."""
        if not hasattr(self, "_alias_map"):
            self._alias_map = dict(self.aliases.order_by("name").values_list("name", "version__number"))
        return self._alias_map

    @alias_map.setter
    def alias_map(self, value: dict[str, int]) -> None:
        self._alias_map = value


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        STAGING = "staging", "Staging"
        PRODUCTION = "production", "Production"
        ARCHIVED = "archived", "Archived"

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    metrics = models.JSONField(default=dict, blank=True)
    code_revision = models.CharField(max_length=80, blank=True)
    artifact_uri = models.CharField(max_length=500, blank=True)
    trained_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="trained_versions"
    )
    notes = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="Hyperparameters: name -> value.")
    tags = models.JSONField(default=dict, blank=True, help_text="Key-value tags (strings).")
    run_id = models.CharField("tracker run", max_length=200, blank=True,
                              help_text="The experiment tracker's run this version came from.")
    source_uri = models.CharField("run URL", max_length=500, blank=True,
                                  help_text="Where the tracker shows that run.")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    dataset_versions = models.ManyToManyField(
        DatasetVersion, through="Lineage", related_name="model_versions"
    )

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="model_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="model_version_number_pos"),
            models.CheckConstraint(
                condition=Q(status__in=["candidate", "staging", "production", "archived"]),
                name="model_version_status_valid",
            ),
            # one live version per model: a serving job can ask which one it is
            models.UniqueConstraint(fields=["model"], condition=Q(status="production"),
                                    name="model_version_one_production"),
        ]
        indexes = [models.Index(fields=["status", "-created_at"]),
                   models.Index(fields=["run_id"])]

    def __str__(self) -> str:
        return f"{self.model.name} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("registry:model_version_detail", args=[self.model.slug, self.number])

    @property
    def inherited_caveats(self) -> list[Caveat]:
        """The open caveats of the dataset versions it used, as its `lineage` holds them (the
        selectors prefetch the lineage a reader may see, with each one's open caveats)."""
        seen: dict[int, Caveat] = {}
        for edge in self.lineage.all():
            for caveat in edge.dataset_version.caveats.all():
                if caveat.status == Caveat.Status.OPEN:
                    seen.setdefault(caveat.pk, caveat)
        return sorted(seen.values(), key=lambda c: (c.created_at, c.pk)) if seen else []


class Lineage(models.Model):
    """A dataset version a model version was trained or evaluated on."""

    class Use(models.TextChoices):
        TRAINING = "training", "Training"
        EVALUATION = "evaluation", "Evaluation"

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="lineage")
    dataset_version = models.ForeignKey(
        DatasetVersion, on_delete=models.PROTECT, related_name="lineage"
    )
    use = models.CharField(max_length=10, choices=Use.choices, default=Use.TRAINING)

    objects = LineageQuerySet.as_manager()

    class Meta:
        ordering = ["use", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "dataset_version", "use"], name="lineage_unique"
            ),
            models.CheckConstraint(
                condition=Q(use__in=["training", "evaluation"]), name="lineage_use_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version} ← {self.dataset_version} ({self.use})"


class ModelAlias(models.Model):
    """A name (`champion`, `challenger`, any slug) pointing at one version of a model. A
    serving alias is held to the promotion gate, as production is."""

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.SlugField(max_length=60, validators=[slug_validator])
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="aliases")
    serving = models.BooleanField(
        default=False, help_text="A serving job reads it: setting it passes the promotion gate.")
    updated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModelAliasQuerySet.as_manager()

    class Meta:
        ordering = ["model", "name"]
        verbose_name_plural = "model aliases"
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="model_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model.slug}@{self.name}"

    def get_absolute_url(self) -> str:
        return self.version.get_absolute_url()


class Caveat(models.Model):
    """What is known to be wrong with a dataset version. It travels along lineage: every model
    version trained or evaluated on it inherits it while it is open."""

    class Kind(models.TextChoices):
        KNOWN_ISSUE = "known_issue", "Known issue"
        PII = "pii", "PII"
        BIAS = "bias", "Bias"
        LICENCE = "licence", "Licence restriction"
        QUALITY = "quality", "Quality"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE,
                                        related_name="caveats")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(blank=True, max_length=5000)
    resolved_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = CaveatQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dataset_version", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "resolved"]),
                                   name="caveat_status_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=["known_issue", "pii", "bias", "licence", "quality"]),
                name="caveat_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"Caveat {self.pk} on {self.dataset_version}"

    def get_absolute_url(self) -> str:
        return f"{self.dataset_version.get_absolute_url()}#caveat-{self.pk}"

    @property
    def ref(self) -> str:
        """How a model card names it when answering it: "Caveat 12"."""
        return f"Caveat {self.pk}"


class IdempotentRequest(models.Model):
    """A registration made with an `Idempotency-Key` header: the same key again answers with
    the same object, whatever the body."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200, help_text="What was registered where.")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "scope", "key"], name="idempotent_request_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} ({self.key})"


class RoleAssignment(models.Model):
    """A person holding a role on exactly one project, dataset or model."""

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    model = models.ForeignKey(
        MLModel, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who granted it (empty for grants made before this was recorded).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role__name", "person__username"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, dataset__isnull=True, model__isnull=True)
                    | Q(project__isnull=True, dataset__isnull=False, model__isnull=True)
                    | Q(project__isnull=True, dataset__isnull=True, model__isnull=False)
                ),
                name="role_assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "project"],
                condition=Q(project__isnull=False),
                name="role_assignment_unique_project",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "dataset"],
                condition=Q(dataset__isnull=False),
                name="role_assignment_unique_dataset",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "model"],
                condition=Q(model__isnull=False),
                name="role_assignment_unique_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.role} of {self.target}"

    @property
    def target(self) -> Project | Dataset | MLModel:
        return self.project or self.dataset or self.model


class Activity(models.Model):
    """Who changed what and when. `scope_project` is the project the target lives under (null
    for a team's or the global wiki's); who may read a row is decided when it is read
    (`Activity.objects.visible_to`), from the target's current state."""

    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=255)
    target_url = models.CharField(max_length=500, blank=True)
    scope_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.target_repr}"
