"""The activity log: every write records who did what to which object."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from registry.models.people import Person
from registry.models.projects import Project
from registry.visibility import (
    ActivityQuerySet,
)


class Activity(models.Model):
    """Who changed what and when. `scope_project` is the project the target lives under (null
    for a team's or the global wiki's); who may read a row is decided when it is read
    (`Activity.objects.visible_to`), from the target's current state."""

    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=255)
    target_url = models.CharField(max_length=500, blank=True)
    scope_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.target_repr}"
