"""Filters only the API needs; list endpoints shared with the UI use registry.filters."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from config.filters import UtcIsoDateTimeFilter
from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    Membership,
    MLModel,
    ModelVersion,
    Project,
    RoleAssignment,
    Team,
)

TARGET_TYPES: dict[str, type[Model]] = {
    "team": Team,
    "project": Project,
    "dataset": Dataset,
    "datasetversion": DatasetVersion,
    "model": MLModel,
    "modelversion": ModelVersion,
}
SLUGGED = ("team", "project", "dataset", "model")


class ActivityFilter(django_filters.FilterSet):
    target_type = django_filters.ChoiceFilter(
        choices=[(k, k) for k in TARGET_TYPES], method="filter_target_type", label="Target type")
    target = django_filters.CharFilter(
        method="filter_target", label="Slug of the target (a team, project, dataset or model)")
    actor = django_filters.CharFilter(field_name="actor__username", label="Username of the actor")
    verb = django_filters.CharFilter(field_name="verb")
    since = UtcIsoDateTimeFilter(method="filter_since", label="Created at or after")

    class Meta:
        model = Activity
        fields = ["target_type", "target", "actor", "verb", "since"]

    def filter_target_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(target_type=ContentType.objects.get_for_model(TARGET_TYPES[value]))

    def filter_since(self, queryset: QuerySet, name: str, value: datetime) -> QuerySet:
        # PostgreSQL refuses odd offsets (-16:30): compare in UTC; out-of-range means no bound
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            return queryset if value.year < 2 else queryset.none()
        return queryset.filter(created_at__gte=value)

    def filter_target(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        kind = self.form.cleaned_data.get("target_type")
        kinds = [kind] if kind in SLUGGED else [] if kind else list(SLUGGED)
        query = Q(pk__in=[])
        for k in kinds:
            model = TARGET_TYPES[k]
            query |= Q(target_type=ContentType.objects.get_for_model(model),
                       target_id__in=model.objects.filter(slug=value).values("pk"))
        return queryset.filter(query)


class MembershipFilter(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["level"]


class RoleAssignmentFilter(django_filters.FilterSet):
    role = django_filters.CharFilter(field_name="role__slug")
    person = django_filters.CharFilter(field_name="person__username")

    class Meta:
        model = RoleAssignment
        fields = ["role", "person"]


class DatasetVersionFilter(django_filters.FilterSet):
    label = django_filters.CharFilter()
    released_after = django_filters.DateFilter(field_name="released_on", lookup_expr="gte")

    class Meta:
        model = DatasetVersion
        fields = ["label", "released_after"]

