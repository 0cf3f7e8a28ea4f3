"""Monitoring of production model versions: observed metrics against thresholds, and the drift
events their breaches open. This app sits above `wiki` (a drift opens a report page) and
below `lifecycle` (whose pages show the charts and whose gates read the reports)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from registry.models import ModelVersion, Person
from registry.visibility import VisibleQuerySet, model_q
from wiki.models import Page


class Direction(models.TextChoices):
    ABOVE = "above", "above the threshold"
    BELOW = "below", "below the threshold"


class MonitoringQuerySet(VisibleQuerySet):
    """Read by whoever reads the model version's model."""

    def rule(self, user: object) -> Q:
        return model_q(user, "model_version__model__")


class MonitoringRecord(models.Model):
    """One observation of a metric for a model version in production. One per metric and time:
    sending the same observation again changes nothing."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE,
                                      related_name="monitoring_records")
    metric = models.CharField(max_length=80)
    value = models.FloatField()
    observed_at = models.DateTimeField()
    threshold = models.FloatField()
    direction = models.CharField(max_length=5, choices=Direction.choices, default=Direction.ABOVE)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    evaluated = models.BooleanField(default=False)

    objects = MonitoringQuerySet.as_manager()

    class Meta:
        ordering = ["model_version", "metric", "observed_at"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "metric", "observed_at"],
                                    name="monitoring_record_once_per_time"),
            models.CheckConstraint(condition=Q(direction__in=["above", "below"]),
                                   name="monitoring_direction_valid"),
        ]
        indexes = [models.Index(fields=["evaluated"], condition=Q(evaluated=False),
                                name="monitoring_to_evaluate")]

    def __str__(self) -> str:
        return f"{self.model_version} {self.metric}={self.value:g} at {self.observed_at:%Y-%m-%d %H:%M}"

    @property
    def breached(self) -> bool:
        if self.direction == Direction.ABOVE:
            return self.value > self.threshold
        return self.value < self.threshold

    def activity_home(self) -> object:
        return self.model_version.model.project


class DriftEvent(models.Model):
    """A metric of a model version past its threshold: the version is flagged "drift detected"
    until the event is resolved; its report is a wiki page from the drift-report template."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="drift_events")
    metric = models.CharField(max_length=80)
    value = models.FloatField()
    threshold = models.FloatField()
    direction = models.CharField(max_length=5, choices=Direction.choices)
    observed_at = models.DateTimeField()
    detected_at = models.DateTimeField(auto_now_add=True)
    report = models.ForeignKey(Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = MonitoringQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["model_version", "metric"],
                                               condition=Q(resolved_at__isnull=True),
                                               name="drift_open_once_per_metric")]

    def __str__(self) -> str:
        return f"Drift of {self.metric} on {self.model_version}"

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url() + "#monitoring"

    def activity_home(self) -> object:
        return self.model_version.model.project
