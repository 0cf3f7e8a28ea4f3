"""An activity row that is a webhook event becomes deliveries to the subscriptions that want it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from registry.models import Activity
from webhooks.models import Subscription
from webhooks.services import fan_out, forget_subscribed_teams
from webhooks.tasks import send_after_commit


@receiver(post_save, sender=Activity, dispatch_uid="webhooks-fan-out")
def activity_saved(sender: type, instance: Activity, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        send_after_commit(fan_out(instance))


@receiver(post_save, sender=Subscription, dispatch_uid="webhooks-subscription-saved")
@receiver(post_delete, sender=Subscription, dispatch_uid="webhooks-subscription-deleted")
def subscription_changed(sender: type, **kwargs: Any) -> None:
    forget_subscribed_teams()
