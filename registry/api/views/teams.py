"""REST API v1: Teams and their members."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, error_responses
from registry import permissions, selectors, services
from registry.api import serializers as s
from registry.api.filters import (
    MembershipFilter,
)
from registry.filters import TeamFilter
from registry.models import (
    Membership,
    Team,
)


class TeamList(ApiListView):
    serializer_class = s.TeamOut
    queryset = Team.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_class = TeamFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.team_list(user=self.request.user)

    @extend_schema(request=s.TeamCreateIn, responses={201: s.TeamOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        team = services.team_create(**self.input(s.TeamCreateIn), by=request.user)
        return self.output(s.TeamOut, selectors.team_list(user=request.user).get(pk=team.pk),
                           status=201)


class TeamDetail(ApiView):
    def _team(self, slug: str) -> Team:
        return get_object_or_404(selectors.team_list(user=self.request.user), slug=slug)

    @extend_schema(responses={200: s.TeamOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.TeamOut, self._team(slug))

    @extend_schema(request=s.TeamUpdateIn, responses={200: s.TeamOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        team = permissions.get_team_or_404(request.user, slug, write=True)
        services.team_update(team=team, by=request.user, **self.input(s.TeamUpdateIn, instance=team))
        return self.output(s.TeamOut, self._team(slug))


class MemberList(ApiListView):
    serializer_class = s.MembershipOut
    queryset = Membership.objects.none()
    filterset_class = MembershipFilter
    ordering_fields = ["joined_at", "level", "person__username"]
    ordering = ["person__username"]

    def get_queryset(self) -> QuerySet[Membership]:
        team = permissions.get_team_or_404(self.request.user, self.kwargs["slug"])
        return team.memberships.select_related("person")

    @extend_schema(
        request=s.MembershipIn,
        responses={200: s.MembershipOut, 201: s.MembershipOut, **error_responses(400, 401, 403, 404, 409)},
        description="Add a person to the team (201), or change their level (200).",
    )
    def post(self, request: Request, slug: str) -> Response:
        team = permissions.get_team_or_404(request.user, slug, write=True)
        data = self.input(s.MembershipIn)
        existed = team.memberships.filter(person=data["person"]).exists()
        membership = services.membership_set(team=team, by=request.user, **data)
        return self.output(s.MembershipOut, membership, status=200 if existed else 201)


class MemberDetail(ApiView):
    def _membership(self, slug: str, username: str, *, write: bool = False) -> Membership:
        team = permissions.get_team_or_404(self.request.user, slug, write=write)
        return get_object_or_404(team.memberships.select_related("person", "team"),
                                 person__username=username)

    @extend_schema(responses={200: s.MembershipOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, username: str) -> Response:
        return self.output(s.MembershipOut, self._membership(slug, username))

    @extend_schema(request=s.MembershipLevelIn,
                   responses={200: s.MembershipOut, **error_responses(400, 401, 403, 404, 409)})
    def patch(self, request: Request, slug: str, username: str) -> Response:
        membership = self._membership(slug, username, write=True)
        membership = services.membership_set(team=membership.team, person=membership.person,
                                             level=self.input(s.MembershipLevelIn)["level"],
                                             by=request.user)
        return self.output(s.MembershipOut, membership)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404, 409)})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        membership = self._membership(slug, username, write=True)
        services.membership_remove(team=membership.team, person=membership.person, by=request.user)
        return Response(status=204)
