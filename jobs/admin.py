from django.contrib import admin

from jobs.models import OutboxMessage, Progress


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task", "created_at", "published_at", "attempts", "last_error"]
    list_filter = ["task", ("published_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["name", "progress", "started_at", "updated_at", "finished_at"]
    readonly_fields = [f.name for f in Progress._meta.fields]

    @admin.display(description="progress")
    def progress(self, obj: Progress) -> str:
        return obj.describe()

    def has_add_permission(self, request: object) -> bool:
        return False
