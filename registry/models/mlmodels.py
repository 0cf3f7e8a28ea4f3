"""Models, their versions, the lineage to the data they were trained on, aliases, and the
registrations a pipeline may retry."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.models.datasets import Caveat, DatasetVersion
from registry.models.people import Person, TimeStamped, slug_validator
from registry.models.projects import Project
from registry.visibility import (
    LineageQuerySet,
    MLModelQuerySet,
    ModelAliasQuerySet,
    ModelVersionQuerySet,
)


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
