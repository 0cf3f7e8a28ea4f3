"""Notifications in the background. The event tasks are enqueued by name from the apps below
(`jobs.outbox.enqueue("notifications.review_requested", review_request_id=...)`); each calls
one function of `notifications.events`, which a second delivery turns into a no-op."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from jobs.tasks import MAX_RETRIES, background
from notifications import events, services
from notifications.models import Notification


@background("notifications.review_requested")
def review_requested(review_request_id: int) -> int:
    return events.review_requested(review_request_id=review_request_id)


@background("notifications.page_reviewed")
def page_reviewed(approval_id: int) -> int:
    return events.page_reviewed(approval_id=approval_id)


@background("notifications.page_saved")
def page_saved(page_id: int, revision: int) -> int:
    return events.page_saved(page_id=page_id, revision=revision)


@background("notifications.gates_check")
def gates_check(project_id: int) -> int:
    return events.gates_check(project_id=project_id)


@background("notifications.version_added")
def version_added(model_version_id: int = 0, dataset_version_id: int = 0) -> int:
    return events.version_added(model_version_id=model_version_id, dataset_version_id=dataset_version_id)


@background("notifications.action_item_assigned")
def action_item_assigned(action_item_id: int, by_id: int | None = None) -> int:
    return events.action_item_assigned(action_item_id=action_item_id, by_id=by_id)


@background("notifications.caveat_raised")
def caveat_raised(dataset_version_id: int, summary: str, caveat_key: str, url: str = "") -> int:
    return events.caveat_raised(dataset_version_id=dataset_version_id, summary=summary,
                                caveat_key=caveat_key, url=url)


@background("notifications.drift_detected")
def drift_detected(drift_event_id: int) -> int:
    return events.drift_detected(drift_event_id=drift_event_id)


@background("notifications.remind", time_limit=600, soft_time_limit=540)
def remind() -> dict[str, int]:
    return events.remind()


@background("notifications.send_email", bind=True, autoretry_for=())
def send_email(self: Any, notification_id: int) -> str:
    """Email one notification; on a failure, retried with backoff, then marked failed."""
    try:
        return services.email_send(notification_id=notification_id)
    except Exception as error:  # any backend failure: SMTP, DNS, refused, timeouts
        if self.request.retries >= MAX_RETRIES:
            services.email_failed(notification_id=notification_id, error=f"{type(error).__name__}: {error}")
            return Notification.Email.FAILED
        raise self.retry(exc=error, countdown=min(600, 5 * 2 ** self.request.retries)) from error


@background("notifications.send_digests")
def send_digests() -> int:
    """Once a day per person, whoever has notifications waiting for their digest."""
    people = (Notification.objects.filter(email=Notification.Email.DIGEST)
              .values_list("recipient_id", flat=True).distinct())
    today = timezone.localdate()
    return sum(services.digest_send(person_id=pk, day=today)
               for pk in get_user_model().objects.filter(pk__in=list(people)).values_list("pk", flat=True))
