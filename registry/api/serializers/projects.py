"""API shapes of projects."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import InputSerializer, request_user
from registry.api.serializers.common import slug_field, writable_team
from registry.models import (
    Dataset,
    Project,
    Stage,
    Team,
    Visibility,
)


class ProjectOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    datasets = serializers.SerializerMethodField(help_text="Linked datasets you can see.")
    allowed_next_stages = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["slug", "name", "summary", "team", "visibility", "stage", "stage_changed_at",
                  "allowed_next_stages", "datasets", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_datasets(self, project: Project) -> list[str]:
        # prefetched as `visible_datasets` by the view (only those the caller may see)
        return [d.slug for d in project.visible_datasets]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices)))
    def get_allowed_next_stages(self, project: Project) -> list[str]:
        return project.allowed_next_stages()


class _ProjectFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=160)
    summary = serializers.CharField(allow_blank=True, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    datasets = serializers.ListField(child=serializers.SlugField(max_length=100), required=False,
                                     max_length=500, help_text="Slugs of datasets to link.")

    def validate_team(self, team: Team) -> Team:
        return writable_team(self, team)

    def validate_datasets(self, slugs: list[str]) -> list[Dataset]:
        found = {d.slug: d for d in Dataset.objects.visible_to(request_user(self)).filter(slug__in=slugs)}
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise serializers.ValidationError(f"Unknown datasets: {', '.join(missing)}.")
        return [found[s] for s in dict.fromkeys(slugs)]


class ProjectCreateIn(_ProjectFieldsIn):
    slug = slug_field(80)
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class ProjectUpdateIn(_ProjectFieldsIn):
    refused_fields = {
        "slug": "The slug of a project cannot change.",
        "stage": "Change the stage with POST …/transitions/, not an edit.",
    }
    name = serializers.CharField(max_length=160, required=False)
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all(), required=False)
