"""What arrives from the team's other tools: OpenLineage runs received (one row per run id,
so a resent event changes nothing) and the datasets they named that Almanac could not map."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from integrations.openlineage import dataset_uri
from registry.models import ModelVersion, Person
from registry.visibility import WRITE_LEVELS, team_ids


class OpenLineageRun(models.Model):
    """A COMPLETE run event, read once. `result` is the answer it got, given again to a resend."""

    run_id = models.CharField(max_length=64, unique=True)
    job_namespace = models.CharField(max_length=500)
    job_name = models.CharField(max_length=500)
    event_time = models.DateTimeField()
    received_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    model_versions = models.ManyToManyField(ModelVersion, blank=True, related_name="+")
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.job_namespace}/{self.job_name} run {self.run_id}"


class UnmappedDatasetQuerySet(models.QuerySet):
    def visible_to(self, user: Person) -> UnmappedDatasetQuerySet:
        """Staff see every one; others those reported by themselves or by a writer of a team
        they belong to (a pipeline's names are its team's business), decided when read."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(reported_by=user)
            | Q(reported_by__memberships__team__in=team_ids(user),
                reported_by__memberships__level__in=WRITE_LEVELS)).distinct()


class UnmappedDataset(models.Model):
    """A dataset an event named (namespace and name) that matches no dataset's source location
    the reporter can see: listed for a steward to map, never invented."""

    namespace = models.CharField(max_length=500)
    name = models.CharField(max_length=500)
    reported_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    job_name = models.CharField(max_length=500, blank=True)
    last_run_id = models.CharField(max_length=64, blank=True)
    times_seen = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    objects = UnmappedDatasetQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["namespace", "name", "reported_by"],
                                               name="unmapped_dataset_unique")]

    def __str__(self) -> str:
        return self.uri

    @property
    def uri(self) -> str:
        """The source location a dataset needs for events to map to it."""
        return dataset_uri(self.namespace, self.name)
