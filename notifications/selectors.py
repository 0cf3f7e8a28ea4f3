"""Reads of notifications: a person's list, their unread count, their preferences."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Kind, Notification, Preference


def unread_count(*, user: object) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.of(user).unread().count()


def notification_list(*, user: object, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.of(user).select_related("actor")  # the actor's name per row
    return notifications.unread() if unread_only else notifications


def preferences(*, user: object) -> dict[str, str]:
    """{kind: mode} for every kind, the default (email each one) where none is set."""
    chosen = dict(Preference.objects.filter(person=user).values_list("kind", "mode"))
    return {kind: chosen.get(kind, Preference.Mode.INSTANT) for kind in Kind.values}
