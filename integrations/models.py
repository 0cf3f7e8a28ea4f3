"""What arrives from the team's other tools: OpenLineage runs received (one row per run id,
so a resent event changes nothing) and the datasets they named that Almanac could not map."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from integrations.openlineage import dataset_uri
from registry.models import MLModel, ModelVersion, Person
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


class MlflowModelLink(models.Model):
    """An MLflow registered model imported as an Almanac model, with what MLflow says of it that
    the registry does not hold (tags, aliases) and whether MLflow still has it."""

    tracking_uri = models.CharField(max_length=500)
    name = models.CharField(max_length=500)
    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="+")
    tags = models.JSONField(default=dict, blank=True)
    aliases = models.JSONField(default=dict, blank=True, help_text="alias: version, as MLflow has them")
    applied_aliases = models.JSONField(
        default=dict, blank=True,
        help_text="alias: version number, the Almanac aliases this import set (only those it removes).")
    pending_aliases = models.JSONField(
        default=dict, blank=True, help_text="alias: why Almanac refused it, as the last import found.")
    missing_since = models.DateTimeField(null=True, blank=True,
                                         help_text="When an import no longer found it in MLflow.")
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tracking_uri", "name"]
        constraints = [models.UniqueConstraint(fields=["tracking_uri", "name"],
                                               name="mlflow_model_link_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.tracking_uri})"


class MlflowVersionLink(models.Model):
    """An MLflow model version imported as an Almanac model version: its run, source, tags,
    params, aliases and dataset inputs as MLflow has them, a status Almanac's gates refused
    (`pending_status`), and whether MLflow still has it."""

    tracking_uri = models.CharField(max_length=500)
    name = models.CharField(max_length=500)
    version = models.PositiveIntegerField()
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="+")
    run_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=1000, blank=True)
    stage = models.CharField(max_length=20, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    inputs = models.JSONField(default=list, blank=True)
    pending_status = models.CharField(max_length=12, blank=True,
                                      help_text="MLflow's stage, which Almanac's gates refused.")
    missing_since = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tracking_uri", "name", "version"]
        constraints = [models.UniqueConstraint(fields=["tracking_uri", "name", "version"],
                                               name="mlflow_version_link_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.tracking_uri})"
