"""Filters for list pages and list endpoints (the same ones for both)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from registry.models import Dataset, MLModel, ModelVersion, Person, Project, Stage, Team


def _search(fields: tuple[str, ...]):
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return method


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("name", "summary", "slug")), label="Search")
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), to_field_name="slug")

    class Meta:
        model = Project
        fields = ["q", "stage", "team", "visibility"]


class DatasetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("name", "description", "slug")), label="Search")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), to_field_name="slug")
    tag = django_filters.CharFilter(field_name="tags__name", label="Tag")
    format = django_filters.CharFilter(field_name="format", lookup_expr="iexact")
    license = django_filters.CharFilter(field_name="license", lookup_expr="iexact")

    class Meta:
        model = Dataset
        fields = ["q", "team", "sensitivity", "format", "license", "contains_pii", "tag"]


def _visible_projects(request: Any) -> QuerySet[Project]:
    """A filter's project choices: those the reader may see, so a hidden project's slug is
    refused exactly as an unknown one."""
    return Project.objects.visible_to(request.user) if request else Project.objects.none()


class ModelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("name", "description", "slug", "task")),
                                  label="Search")
    project = django_filters.ModelChoiceFilter(queryset=_visible_projects, to_field_name="slug")
    task = django_filters.CharFilter(lookup_expr="icontains")
    framework = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(
        choices=ModelVersion.Status.choices, method="has_status",
        label="Has a version in status",
    )

    class Meta:
        model = MLModel
        fields = ["q", "project", "task", "framework", "status"]

    def has_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=ModelVersion.objects.filter(status=value).values("model_id"))


class TeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("name", "description", "slug")), label="Search")

    class Meta:
        model = Team
        fields = ["q"]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method=_search(("username", "display_name", "first_name", "last_name", "title")),
        label="Search",
    )
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), to_field_name="slug",
                                            field_name="memberships__team")

    class Meta:
        model = Person
        fields = ["q", "team"]
