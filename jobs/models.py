"""The outbox: work to run in the background, written in the transaction that asks for it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A task to publish to the broker. Written with the change that needs it (so a rolled-back
    request enqueues nothing) and published after commit; a message the broker refused stays
    unpublished and the relay (`jobs.relay_outbox`, on beat's schedule) sends it later."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    countdown = models.PositiveIntegerField(default=0, help_text="Seconds to wait before running.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A publisher holds the message until then.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["created_at"], condition=Q(published_at__isnull=True),
                                name="outbox_unpublished")]

    def __str__(self) -> str:
        state = "published" if self.published_at else "waiting"
        return f"{self.task} ({state})"
