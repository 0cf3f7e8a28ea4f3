"""API shapes of the activity log."""

from __future__ import annotations

from rest_framework import serializers

from registry.models import (
    Activity,
)


class ActivityOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True,
                                        help_text="e.g. project, dataset, modelversion")
    changes = serializers.DictField(child=serializers.JSONField(), read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "actor", "verb", "target_type", "target_id", "target_repr", "target_url",
                  "changes", "created_at"]
