"""Admin for the wiki. Pages are read-only here: every edit must add a revision, which only
the wiki's services (the UI and the API) do."""

from django.contrib import admin

from wiki import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "team", "project")
    list_filter = ("kind",)
    search_fields = ("key",)
    raw_id_fields = ("team", "project")


class RevisionInline(admin.TabularInline):
    model = models.PageRevision
    fields = ("number", "title", "author", "summary", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Page)
class PageAdmin(ReadOnly):
    list_display = ("title", "space", "template", "revision", "updated_at", "deleted_at")
    list_filter = ("template", "space__kind")
    list_select_related = ("space", "template")
    search_fields = ("title", "slug")
    inlines = [RevisionInline]


@admin.register(models.PageRevision)
class PageRevisionAdmin(ReadOnly):
    list_display = ("page", "number", "author", "created_at")
    list_select_related = ("page", "author")


@admin.register(models.Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "team", "builtin")
    list_filter = ("builtin",)
    search_fields = ("name", "kind")


@admin.register(models.PageLink)
class PageLinkAdmin(ReadOnly):
    list_display = ("from_page", "to_page", "to_project", "to_dataset", "to_model")
    list_select_related = ("from_page", "to_page", "to_project", "to_dataset", "to_model")
