from django.contrib import admin

from integrations.models import MlflowModelLink, MlflowVersionLink, OpenLineageRun, UnmappedDataset


@admin.register(OpenLineageRun)
class OpenLineageRunAdmin(admin.ModelAdmin):
    list_display = ["run_id", "job_namespace", "job_name", "event_time", "received_by", "received_at"]
    search_fields = ["run_id", "job_name", "job_namespace"]
    readonly_fields = ["run_id", "job_namespace", "job_name", "event_time", "received_by", "received_at",
                       "model_versions", "result"]


@admin.register(UnmappedDataset)
class UnmappedDatasetAdmin(admin.ModelAdmin):
    list_display = ["namespace", "name", "reported_by", "times_seen", "last_seen_at"]
    search_fields = ["namespace", "name", "job_name"]
    readonly_fields = ["first_seen_at"]


@admin.register(MlflowModelLink)
class MlflowModelLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "tracking_uri", "model", "missing_since", "synced_at"]
    search_fields = ["name"]


@admin.register(MlflowVersionLink)
class MlflowVersionLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "tracking_uri", "model_version", "stage", "pending_status",
                    "missing_since", "synced_at"]
    search_fields = ["name", "run_id"]
