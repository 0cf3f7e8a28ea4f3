"""API shapes of teams, members, people and roles."""

from __future__ import annotations

from rest_framework import serializers

from config.api import InputSerializer
from registry.api.serializers.common import UsernameField, slug_field
from registry.models import (
    Membership,
    Person,
    Role,
    RoleAssignment,
    Team,
)


class TeamOut(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["slug", "name", "description", "member_count", "created_at", "updated_at"]


class TeamCreateIn(InputSerializer):
    slug = slug_field(80)
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False, default="")


class TeamUpdateIn(InputSerializer):
    refused_fields = {"slug": "The slug of a team cannot change."}
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(allow_blank=True, required=False)


class MembershipOut(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["person", "person_name", "level", "joined_at"]


class MembershipIn(InputSerializer):
    person = UsernameField()
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class MembershipLevelIn(InputSerializer):
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class PersonTeamOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["team", "level"]


class PersonOut(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    teams = PersonTeamOut(source="memberships", many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["username", "name", "display_name", "title", "bio", "teams"]


class RoleOut(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["slug", "name", "description"]


class RoleCreateIn(InputSerializer):
    slug = slug_field(60)
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")


class RoleAssignmentOut(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "person", "created_at"]


class RoleAssignIn(InputSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", queryset=Role.objects.all())
    person = UsernameField()
