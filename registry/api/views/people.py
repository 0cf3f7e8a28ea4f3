"""REST API v1: People, the role vocabulary and role holders."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, ApiListView, ApiView, error_responses
from registry import permissions, selectors, services
from registry.api import serializers as s
from registry.api.filters import (
    RoleAssignmentFilter,
)
from registry.filters import PersonFilter
from registry.models import (
    Person,
    Role,
    RoleAssignment,
)


class PersonList(ApiListView):
    serializer_class = s.PersonOut
    queryset = Person.objects.none()
    filterset_class = PersonFilter
    ordering_fields = ["username", "display_name", "date_joined"]
    ordering = ["username"]

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list(user=self.request.user).distinct()


class PersonDetail(ApiView):
    @extend_schema(responses={200: s.PersonOut, **READ_ERRORS})
    def get(self, request: Request, username: str) -> Response:
        person = get_object_or_404(selectors.person_list(user=request.user), username=username)
        return self.output(s.PersonOut, person)


class RoleList(ApiListView):
    serializer_class = s.RoleOut
    queryset = Role.objects.none()
    filterset_fields = ["slug"]
    ordering_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Role]:
        return Role.objects.all()

    @extend_schema(request=s.RoleCreateIn, responses={201: s.RoleOut, **error_responses(400, 401, 403)},
                   description="Staff only: extend the role vocabulary.")
    def post(self, request: Request) -> Response:
        if not permissions.can_extend_roles(request.user):
            raise PermissionDenied("Only staff can add roles.")
        role = services.role_create(**self.input(s.RoleCreateIn), by=request.user)
        return self.output(s.RoleOut, role, status=201)


class RoleDetail(ApiView):
    @extend_schema(responses={200: s.RoleOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.RoleOut, get_object_or_404(Role, slug=slug))


class RoleAssignmentList(ApiListView):
    """Role holders of a project, dataset or model."""

    kind = "project"
    serializer_class = s.RoleAssignmentOut
    queryset = RoleAssignment.objects.none()
    filterset_class = RoleAssignmentFilter
    ordering_fields = ["created_at", "role__name", "person__username"]
    ordering = ["role__name", "person__username"]

    def get_queryset(self) -> QuerySet[RoleAssignment]:
        target = permissions.get_target_for_user_or_404(self.request.user, self.kind, self.kwargs["slug"])
        return selectors.role_assignments_for(target=target)

    @extend_schema(request=s.RoleAssignIn,
                   responses={201: s.RoleAssignmentOut, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request: Request, slug: str) -> Response:
        target = permissions.get_target_for_user_or_404(request.user, self.kind, slug)
        assignment = services.role_assign(target=target, by=request.user, **self.input(s.RoleAssignIn))
        return self.output(s.RoleAssignmentOut, assignment, status=201)


class RoleAssignmentDetail(ApiView):
    kind = "project"

    def _assignment(self, slug: str, pk: int, *, write: bool = False) -> RoleAssignment:
        target = permissions.get_target_for_user_or_404(self.request.user, self.kind, slug, write=write)
        return get_object_or_404(selectors.role_assignments_for(target=target), pk=pk)

    @extend_schema(responses={200: s.RoleAssignmentOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return self.output(s.RoleAssignmentOut, self._assignment(slug, pk))

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        services.role_unassign(assignment=self._assignment(slug, pk, write=True), by=request.user)
        return Response(status=204)
