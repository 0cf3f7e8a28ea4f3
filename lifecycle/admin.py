from django.contrib import admin

from lifecycle import models


@admin.register(models.Requirement)
class RequirementAdmin(admin.ModelAdmin):
    """The documentation gates: what each stage requires. Seeded with PRODUCT.md's table."""

    list_display = ("stage", "label", "template_kind", "scope", "must_be_complete", "decision",
                    "needs_approval", "active")
    list_editable = ("active",)
    list_filter = ("stage", "scope", "needs_approval", "active")


@admin.register(models.Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ("page", "revision", "reviewer", "created_at")
    list_select_related = ("page", "reviewer")
    readonly_fields = ("page", "revision", "reviewer", "comment", "created_at")

    def has_add_permission(self, request) -> bool:  # approvals come from reviewers' pages
        return False


@admin.register(models.Sprint)
class SprintAdmin(admin.ModelAdmin):
    list_display = ("project", "number", "starts_on", "ends_on", "retrospective")
    list_select_related = ("project", "retrospective")
    raw_id_fields = ("retrospective",)


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "project", "owner", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("project", "owner")
    raw_id_fields = ("sprint", "owner", "created_by")


@admin.register(models.ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    list_display = ("page", "revision", "requested_by", "created_at")
    list_select_related = ("page", "requested_by")
