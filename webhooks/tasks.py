"""Webhook deliveries, as Celery tasks: thin, taking ids, safe to run twice."""

from __future__ import annotations

from collections.abc import Iterable

from celery import shared_task
from django.db import transaction

from webhooks import services
from webhooks.models import Delivery


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=services.MAX_ATTEMPTS,
             time_limit=60, soft_time_limit=45)
def deliver(self, delivery_id: int) -> str:
    """One attempt; when it failed and another is due, the task retries itself at that time."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if services.attempt(delivery):
        return "done"
    delivery.refresh_from_db()
    if self.request.is_eager:
        return "retry later"  # eager (no broker): the periodic sweep retries it
    countdown = max(1, int(services.retry_delay(delivery.attempts).total_seconds()))
    raise self.retry(countdown=countdown)


@shared_task(acks_late=True, time_limit=300)
def deliver_due() -> int:
    """Periodic: attempt every pending delivery whose retry time has come."""
    due = services.due_deliveries()
    for delivery_id in due:
        services.attempt(Delivery(pk=delivery_id))
    return len(due)


def send_after_commit(deliveries: Iterable[Delivery]) -> None:
    """Queue a `deliver` task for each delivery once the surrounding transaction commits (a
    rolled-back write sends nothing)."""
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver.delay(pk))
