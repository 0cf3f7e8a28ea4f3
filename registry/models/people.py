"""People and teams: who works here, in which team, with which roles on offer."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lowercase letters, digits and single hyphens (e.g. churn-model).",
)


class Person(AbstractUser):
    """A user account. Everyone who signs in is a person of the registry."""

    display_name = models.CharField(max_length=120, blank=True)
    title = models.CharField("job title", max_length=120, blank=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", args=[self.username])


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Team(TimeStamped):
    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:team_detail", args=[self.slug])


class Membership(models.Model):
    class Level(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"
        VIEWER = "viewer", "Viewer"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(level__in=["lead", "member", "viewer"]), name="membership_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team} ({self.level})"

    @property
    def can_write(self) -> bool:
        return self.level in (self.Level.LEAD, self.Level.MEMBER)


class Role(models.Model):
    """The role vocabulary; admins can extend it. The six defaults come by migration."""

    OWNER = "owner"
    REVIEWER = "reviewer"

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
