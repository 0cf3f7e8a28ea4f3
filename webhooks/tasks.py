"""Webhook deliveries, as tasks: thin, taking ids, safe to run twice (an attempt on a delivery
that is no longer pending does nothing). Queued through the outbox, so a delivery is never lost
to a broker that is down when the event happens."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from jobs import outbox
from jobs.tasks import background
from webhooks import services
from webhooks.models import Delivery

DELIVER = "webhooks.deliver"


@background(DELIVER, time_limit=60, soft_time_limit=45)
def deliver(delivery_id: int) -> str:
    """One attempt; when it failed and another is due, the next attempt is queued for then."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if services.attempt(delivery):
        return "done"
    delivery.refresh_from_db()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "retry due"  # run in-process: `deliver_due` (beat) makes the next attempt
    countdown = max(1, int(services.retry_delay(delivery.attempts).total_seconds()))
    outbox.enqueue(DELIVER, countdown=countdown, delivery_id=delivery.pk)
    return "retry queued"


@background("webhooks.deliver_due", time_limit=300, soft_time_limit=240)
def deliver_due() -> int:
    """Periodic: attempt every pending delivery whose retry time has come (or that no task
    picked up, say after a lost worker)."""
    due = services.due_deliveries()
    for delivery_id in due:
        services.attempt(Delivery(pk=delivery_id))
    return len(due)


def send_after_commit(deliveries: Iterable[Delivery]) -> None:
    """Queue a `deliver` task for each delivery, through the outbox: published once the
    surrounding transaction commits (a rolled-back write sends nothing)."""
    for delivery in deliveries:
        outbox.enqueue(DELIVER, delivery_id=delivery.pk)
