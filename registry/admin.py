from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from registry import models
from registry.services import activity_record


class RecordsActivity(admin.ModelAdmin):
    """Admin edits land in the activity log like every other write."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changes = {name: [None, str(form.cleaned_data.get(name))] for name in form.changed_data}
        verb = "updated in admin" if change else "created in admin"
        activity_record(actor=request.user, verb=verb, target=obj, changes=changes if change else {})

    def delete_model(self, request, obj) -> None:
        activity_record(actor=request.user, verb="deleted in admin", target=obj)
        super().delete_model(request, obj)


@admin.register(models.Person)
class PersonAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Profile", {"fields": ("display_name", "title", "bio")}))
    list_display = ("username", "display_name", "email", "is_staff", "is_active")


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(models.Team)
class TeamAdmin(RecordsActivity):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("team", "person", "level")
    list_filter = ("level", "team")
    list_select_related = ("team", "person")


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "description")
    search_fields = ("name",)


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(RecordsActivity):
    list_display = ("role", "person", "project", "dataset", "model")
    list_select_related = ("role", "person", "project", "dataset", "model")
    list_filter = ("role",)
    raw_id_fields = ("person", "project", "dataset", "model")


class StageTransitionInline(admin.TabularInline):
    model = models.StageTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "note", "override_reason", "actor", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:  # history is append-only
        return False


@admin.register(models.Project)
class ProjectAdmin(RecordsActivity):
    list_display = ("name", "slug", "team", "stage", "visibility", "updated_at")
    list_filter = ("stage", "visibility", "team")
    search_fields = ("name", "slug")
    readonly_fields = ("stage", "stage_changed_at")
    filter_horizontal = ("datasets",)
    inlines = [StageTransitionInline]


@admin.register(models.StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = ("project", "from_stage", "to_stage", "actor", "created_at")
    list_select_related = ("project", "actor")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class ColumnInline(admin.TabularInline):
    model = models.DatasetColumn
    extra = 0


@admin.register(models.Dataset)
class DatasetAdmin(RecordsActivity):
    list_display = ("name", "slug", "team", "sensitivity", "contains_pii", "updated_at")
    list_filter = ("sensitivity", "contains_pii", "team")
    list_select_related = ("team",)
    search_fields = ("name", "slug")
    raw_id_fields = ("steward", "home_project")
    filter_horizontal = ("tags",)
    inlines = [ColumnInline]


@admin.register(models.DatasetVersion)
class DatasetVersionAdmin(RecordsActivity):
    list_display = ("dataset", "label", "released_on", "row_count")
    list_select_related = ("dataset",)
    raw_id_fields = ("dataset", "created_by")
    search_fields = ("dataset__name", "label")


@admin.register(models.DatasetColumn)
class DatasetColumnAdmin(admin.ModelAdmin):
    list_display = ("dataset", "name", "dtype", "is_pii")
    list_select_related = ("dataset",)
    raw_id_fields = ("dataset",)


@admin.register(models.MLModel)
class MLModelAdmin(RecordsActivity):
    list_display = ("name", "slug", "task", "framework", "project")
    list_select_related = ("project",)
    search_fields = ("name", "slug")


class LineageInline(admin.TabularInline):
    model = models.Lineage
    extra = 0
    raw_id_fields = ("dataset_version",)


class ReadOnly:
    """Shown, never changed here: the services hold the rules (gates, the activity log)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class AliasInline(ReadOnly, admin.TabularInline):
    model = models.ModelAlias
    fk_name = "version"
    extra = 0
    fields = ("name", "serving", "updated_by", "updated_at")
    readonly_fields = fields


@admin.register(models.ModelVersion)
class ModelVersionAdmin(RecordsActivity):
    list_display = ("model", "number", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("model",)
    raw_id_fields = ("model", "trained_by", "created_by")
    # status goes through the promotion gate (the version's page or the API), never the admin
    readonly_fields = ("status",)
    inlines = [LineageInline, AliasInline]


@admin.register(models.ModelAlias)
class ModelAliasAdmin(ReadOnlyAdmin):
    list_display = ("model", "name", "version", "serving", "updated_at")
    list_select_related = ("model", "version")


@admin.register(models.Caveat)
class CaveatAdmin(ReadOnlyAdmin):
    list_display = ("dataset_version", "kind", "status", "raised_by", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("dataset_version__dataset", "raised_by")


@admin.register(models.IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("person", "scope", "key", "object_id", "created_at")


@admin.register(models.Lineage)
class LineageAdmin(admin.ModelAdmin):
    list_display = ("model_version", "dataset_version", "use")
    raw_id_fields = ("model_version", "dataset_version")


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "target_repr")
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in models.Activity._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
