"""Projects, the lifecycle stages they move through, and the tags everything carries."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.models.people import Person, Team, TimeStamped, slug_validator
from registry.visibility import (
    ProjectQuerySet,
)


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
