from django.contrib import admin

from jobs.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task", "created_at", "published_at", "attempts", "last_error"]
    list_filter = ["task", ("published_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
