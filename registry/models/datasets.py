"""Datasets, their columns and versions, and the caveats known about a version."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.models.people import Person, Team, TimeStamped, slug_validator
from registry.models.projects import Project, Tag
from registry.visibility import (
    CaveatQuerySet,
    DatasetQuerySet,
    DatasetVersionQuerySet,
)


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
