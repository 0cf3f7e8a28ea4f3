"""Outgoing webhooks: a team's subscriptions to event kinds, and the log of every delivery."""

from __future__ import annotations

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from registry.models import Person, Team


class Event(models.TextChoices):
    """Event kinds a subscription chooses from; each comes from one kind of activity row."""

    VERSION_REGISTERED = "model_version.registered", "Model version registered"
    STATUS_CHANGED = "model_version.status_changed", "Model version status changed"
    ALIAS_MOVED = "model.alias_moved", "Alias set, moved or removed"
    STAGE_CHANGED = "project.stage_changed", "Project stage changed"
    APPROVAL_GIVEN = "page.approved", "Approval given"
    APPROVAL_REFUSED = "page.refused", "Approval refused (rejected or changes requested)"
    CAVEAT_RAISED = "dataset_version.caveat_raised", "Caveat raised on a dataset version"
    DRIFT_DETECTED = "model_version.drift_detected", "Drift detected"
    PING = "ping", "Ping (sent when you ask for it)"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_events(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event kind.")
    unknown = [v for v in value if v not in Event.values]
    if unknown:
        raise ValidationError(f"Unknown event kind(s): {', '.join(map(str, unknown))}.")


class Subscription(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("payload URL", max_length=500)
    events = models.JSONField(validators=[validate_events],
                              help_text="Event kinds delivered to the URL.")
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.team.name} → {self.url}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", args=[self.team.slug, self.pk])


class Delivery(models.Model):
    """One event sent (or to be sent) to one subscription, with its attempts' outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "delivered", "failed"]),
                                   name="webhook_delivery_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.status})"
