"""Reads for pages and endpoints: permission-scoped, annotated, prefetched."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    RoleAssignment,
    Team,
)
from registry.permissions import User


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user).select_related("team")


def dataset_list(*, user: User) -> QuerySet[Dataset]:
    latest = DatasetVersion.objects.filter(dataset=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Dataset.objects.visible_to(user)
        .select_related("team", "steward")
        .annotate(latest_version=Subquery(latest.values("label")[:1]))
        # tags are shown on every row: one query for the page, not one per dataset
        .prefetch_related("tags")
    )


def _model_version_summary() -> dict[str, Subquery | Coalesce]:
    versions = ModelVersion.objects.filter(model=OuterRef("pk"))
    latest = versions.order_by("-number")
    count = versions.order_by().values("model").annotate(n=Count("pk")).values("n")
    return {
        "latest_number": Subquery(latest.values("number")[:1]),
        "latest_status": Subquery(latest.values("status")[:1]),
        "version_count": Coalesce(Subquery(count), 0),
    }


# Subqueries rather than a join and GROUP BY, so a page's count() drops them all; built once
# (expressions are copied when a query uses them), as model_list runs on every model search.
MODEL_VERSION_SUMMARY = _model_version_summary()


def model_list(*, user: User) -> QuerySet[MLModel]:
    return (
        MLModel.objects.visible_to(user)
        .select_related("project")
        .annotate(**MODEL_VERSION_SUMMARY)
        .order_by("name")
    )


def team_list(*, user: User) -> QuerySet[Team]:
    return Team.objects.annotate(
        member_count=Count("memberships", distinct=True),
    ).order_by("name")


def person_list(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).prefetch_related(
        # each row names the person's teams: one query for the page
        Prefetch("memberships", queryset=Membership.objects.select_related("team"))
    )


def activity_for(*, user: User, target: object, limit: int | None = 50) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user)
        .filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
        .select_related("actor")[:limit]
    )


def recent_activity(*, user: User, limit: int = 15) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related("actor")[:limit]


def role_assignments_for(*, target: object) -> QuerySet[RoleAssignment]:
    field = {"Project": "project", "Dataset": "dataset", "MLModel": "model"}[type(target).__name__]
    return RoleAssignment.objects.filter(**{field: target}).select_related("role", "person")


def dataset_versions_with_usage(*, user: User, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("created_by").prefetch_related(
        # each version lists the model versions trained on it: one query for all versions
        Prefetch("lineage", queryset=Lineage.objects.visible_to(user).select_related(
            "model_version", "model_version__model")))


def model_versions_with_lineage(*, user: User, model: MLModel) -> QuerySet[ModelVersion]:
    return model.versions.select_related("trained_by").prefetch_related(
        # each version lists its dataset versions: one query for all versions
        Prefetch("lineage", queryset=Lineage.objects.visible_to(user).select_related(
            "dataset_version", "dataset_version__dataset")))
