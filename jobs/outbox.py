"""Enqueue background work through the outbox.

    from jobs.outbox import enqueue
    enqueue("notifications.review_requested", review_request_id=request.pk)

`enqueue` writes an `OutboxMessage` in the caller's transaction, already claimed by this
process, and publishes it after commit: two statements, its INSERT and the UPDATE that marks it
sent. A process that dies in between leaves the claim to expire; the relay then sends it.
Tasks are named, not imported, so an app enqueues work that a higher app runs without
importing it. With the broker down the request still succeeds at once (the publish fails fast
and is logged); `relay` publishes what is left when the broker is back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone

from jobs.models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 60
# The broker's visibility timeout (settings) must be longer than this.
MAX_COUNTDOWN = 3600
RELAY_BATCH = 500


def enqueue(task: str, *, countdown: int = 0, **kwargs: object) -> OutboxMessage:
    """Run `task` with `kwargs` (ids and plain values) once the current transaction commits."""
    if not 0 <= countdown <= MAX_COUNTDOWN:
        raise ValueError(f"countdown must be between 0 and {MAX_COUNTDOWN} seconds")
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs, countdown=countdown,
                                           claimed_until=_claim_ends())
    transaction.on_commit(lambda: _publish_own(message), robust=True)
    return message


def _claim_ends():
    return timezone.now() + timedelta(seconds=CLAIM_SECONDS)


def _publish_own(message: OutboxMessage) -> bool:
    """After commit, the message this process wrote and claimed; claimed again first if the
    transaction outlasted the claim (the relay may have sent it meanwhile)."""
    if message.claimed_until <= timezone.now():
        return publish(message.pk)
    return _send(message)


def find_task(name: str) -> Task:
    """The task registered as `name`. A worker imports every app's tasks.py when it starts; a
    web process does on the first publish."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def claim(message_id: int) -> OutboxMessage | None:
    """Take the message for `CLAIM_SECONDS` unless it is published or someone else holds it."""
    now = timezone.now()
    taken = OutboxMessage.objects.filter(pk=message_id, published_at__isnull=True).exclude(
        claimed_until__gt=now).update(claimed_until=_claim_ends())
    return OutboxMessage.objects.get(pk=message_id) if taken else None


def publish(message_id: int) -> bool:
    """Send one message to the broker; True when it was sent (or already had been)."""
    message = claim(message_id)
    return False if message is None else _send(message)


def _send(message: OutboxMessage) -> bool:
    """Hand a claimed message to the broker and mark it sent, or release it with its error."""
    try:
        task = find_task(message.task)
        # retry=False: with the broker down, fail now and leave the message to the relay
        task.apply_async(kwargs=message.kwargs, countdown=message.countdown or None, retry=False)
    except Exception as error:  # whatever the broker or the task says, the message waits
        logger.warning("outbox: could not publish %s (message %s): %s", message.task, message.pk,
                       type(error).__name__)
        OutboxMessage.objects.filter(pk=message.pk).update(
            claimed_until=None, attempts=message.attempts + 1,
            last_error=f"{type(error).__name__}: {error}"[:300])
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        published_at=timezone.now(), claimed_until=None, attempts=message.attempts + 1, last_error="")
    return True


def relay(*, limit: int = RELAY_BATCH) -> tuple[int, int]:
    """Publish waiting messages, oldest first; (published, still waiting). Stops at the first
    refusal: the broker is down, the rest would fail too."""
    published = 0
    ids = list(OutboxMessage.objects.filter(published_at__isnull=True)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for message_id in ids:
        if publish(message_id):
            published += 1
        elif OutboxMessage.objects.filter(pk=message_id, published_at__isnull=True,
                                          claimed_until__isnull=True).exists():
            break
    return published, OutboxMessage.objects.filter(published_at__isnull=True).count()


def waiting() -> int:
    return OutboxMessage.objects.filter(published_at__isnull=True).count()
