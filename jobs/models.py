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


class Progress(models.Model):
    """How far a long job has got (a search index rebuild): counts with a total and an ETA, for
    the command's output and the admin."""

    name = models.CharField(max_length=100)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name_plural = "progress"

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 100

    def eta_seconds(self) -> float | None:
        """Seconds left at the rate so far (None before any progress or once finished)."""
        if self.finished_at or not self.done or self.done >= self.total:
            return None
        elapsed = (self.updated_at - self.started_at).total_seconds()
        return elapsed / self.done * (self.total - self.done)

    def describe(self) -> str:
        if self.finished_at:
            return f"done, {self.done} of {self.total}"
        eta = self.eta_seconds()
        return (f"{self.done} of {self.total} ({self.percent}%)"
                + (f", about {eta:.0f}s left" if eta is not None else "")
                + (f", {self.detail}" if self.detail else ""))
