"""REST API v1: Projects. A project's stage moves through lifecycle.api (…/transitions/)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, error_responses
from registry import permissions, selectors, services
from registry.api import serializers as s
from registry.filters import ProjectFilter
from registry.models import (
    Dataset,
    Project,
)


def _projects(user: Any) -> QuerySet[Project]:
    return selectors.project_list(user=user).prefetch_related(
        # each project lists its linked datasets the caller may see: one query for the page
        Prefetch("datasets", queryset=Dataset.objects.visible_to(user).only("pk", "slug"),
                 to_attr="visible_datasets"))


class ProjectList(ApiListView):
    serializer_class = s.ProjectOut
    queryset = Project.objects.none()
    filterset_class = ProjectFilter
    ordering_fields = ["name", "slug", "stage", "created_at", "updated_at", "stage_changed_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Project]:
        return _projects(self.request.user)

    @extend_schema(request=s.ProjectCreateIn, responses={201: s.ProjectOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        project = services.project_create(**self.input(s.ProjectCreateIn), by=request.user)
        return self.output(s.ProjectOut, _projects(request.user).get(pk=project.pk), status=201)


class ProjectDetail(ApiView):
    @extend_schema(responses={200: s.ProjectOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.ProjectOut, get_object_or_404(_projects(request.user), slug=slug))

    @extend_schema(request=s.ProjectUpdateIn, responses={200: s.ProjectOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
        services.project_update(project=project, by=request.user,
                                **self.input(s.ProjectUpdateIn, instance=project))
        return self.output(s.ProjectOut, _projects(request.user).get(pk=project.pk))
