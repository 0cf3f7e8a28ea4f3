"""Every write of notifications: deliver one, send its email or a digest, mark read, set a
preference. Who is told about what is decided in `notifications.events`."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone

from jobs.outbox import enqueue
from notifications.models import Digest, Kind, Notification, Preference
from registry.models import Person, Project
from registry.services.common import activity_home

logger = logging.getLogger(__name__)


def can_read(person: Person, target: Model) -> bool:
    """Whether `person` may read `target` now: through its own `visible_to` rule when its
    model has one, else through the project it lives under."""
    manager = type(target)._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(person).filter(pk=target.pk).exists()
    home = activity_home(target)
    return home is None or Project.objects.visible_to(person).filter(pk=home.pk).exists()


def mode_for(person: Person, kind: str) -> str:
    found = Preference.objects.filter(person=person, kind=kind).values_list("mode", flat=True).first()
    return found or Preference.Mode.INSTANT


def notify(*, recipient: Person, kind: str, text: str, target: Model, key: str, url: str = "",
           actor: Person | None = None, also_about: tuple[Model, ...] = ()) -> Notification | None:
    """Tell `recipient` `text` about `target`, once per `key`. Nothing when they muted the kind,
    are not active, or may not read `target` (or anything in `also_about` the text names)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    if not all(can_read(recipient, thing) for thing in (target, *also_about)):
        return None
    mode = mode_for(recipient, kind)
    if mode == Preference.Mode.MUTED:
        return None
    email = Notification.Email.NONE
    if recipient.email and mode == Preference.Mode.INSTANT:
        email = Notification.Email.PENDING
    elif recipient.email and mode == Preference.Mode.DIGEST:
        email = Notification.Email.DIGEST
    url = url or (target.get_absolute_url() if hasattr(target, "get_absolute_url") else "")
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, text=text[:300], url=url, actor=actor,
                scope_project=activity_home(target), key=key[:200], email=email)
    except IntegrityError:
        return None  # told already: a task delivered twice, or a reminder seen again
    if email == Notification.Email.PENDING:
        enqueue("notifications.send_email", notification_id=notification.pk)
    return notification


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def email_send(*, notification_id: int) -> str:
    """Email one notification; what became of it. Sent at most once (the row is locked and its
    state checked), withheld if its subject is no longer visible to the recipient; a failure
    raises (the task retries) and leaves it pending, never marked sent."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update().select_related("recipient")
                        .filter(pk=notification_id).first())
        if notification is None or notification.email != Notification.Email.PENDING:
            return "skipped"
        recipient = notification.recipient
        if not Notification.objects.of(recipient).filter(pk=notification.pk).exists():
            notification.email = Notification.Email.WITHHELD
            notification.save(update_fields=["email"])
            return notification.email
        context = {"notification": notification, "link": _absolute(notification.url),
                   "settings_link": _absolute("/notifications/settings/")}
        try:
            send_mail(subject=f"[Almanac] {notification.text}"[:150],
                      message=render_to_string("notifications/email.txt", context),
                      from_email=None, recipient_list=[recipient.email], fail_silently=False)
        except Exception as error:
            logger.warning("email of notification %s failed: %s", notification.pk, type(error).__name__)
            raise
        notification.email = Notification.Email.SENT
        notification.emailed_at = timezone.now()
        notification.email_error = ""
        notification.save(update_fields=["email", "emailed_at", "email_error"])
        return notification.email


def email_failed(*, notification_id: int, error: str) -> None:
    """Retries ran out: the notification says its email could not be sent."""
    Notification.objects.filter(pk=notification_id, email=Notification.Email.PENDING).update(
        email=Notification.Email.FAILED, email_error=error[:300])


def digest_send(*, person_id: int, day: date) -> int:
    """Send `person` one email with every notification waiting for their digest; at most once
    a day. How many it listed (0: nothing sent)."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        if Digest.objects.filter(person=person, day=day).exists():
            return 0
        waiting = Notification.objects.filter(recipient=person, email=Notification.Email.DIGEST)
        visible = list(Notification.objects.of(person).filter(pk__in=waiting.values("pk"))
                       .order_by("created_at"))
        waiting.exclude(pk__in=[n.pk for n in visible]).update(email=Notification.Email.WITHHELD)
        if not visible:
            return 0
        items = [{"text": n.text, "link": _absolute(n.url)} for n in visible]
        send_mail(subject=f"[Almanac] Your daily digest: {len(items)} notification"
                          f"{'s' if len(items) != 1 else ''}",
                  message=render_to_string("notifications/digest.txt", {
                      "person": person, "items": items,
                      "settings_link": _absolute("/notifications/settings/")}),
                  from_email=None, recipient_list=[person.email], fail_silently=False)
        Notification.objects.filter(pk__in=[n.pk for n in visible]).update(
            email=Notification.Email.SENT, emailed_at=timezone.now())
        Digest.objects.create(person=person, day=day, count=len(items))
        return len(items)


def notification_read(*, notification: Notification, by: Person) -> Notification:
    if notification.recipient_id != by.pk:
        raise PermissionError("not your notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, by: Person) -> int:
    return Notification.objects.of(by).unread().update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, person: Person, modes: dict[str, str]) -> None:
    for kind, mode in modes.items():
        if kind not in Kind.values or mode not in Preference.Mode.values:
            raise ValueError(f"unknown kind or mode: {kind}={mode}")
        if mode == Preference.Mode.INSTANT:
            Preference.objects.filter(person=person, kind=kind).delete()
        else:
            Preference.objects.update_or_create(person=person, kind=kind, defaults={"mode": mode})


