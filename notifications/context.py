"""The bell in every page's header: the signed-in person's unread count, counted only when a
page shows it."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from notifications import selectors


class Bell:
    def __init__(self, user: object) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return selectors.unread_count(user=self.user)


def bell(request: HttpRequest) -> dict[str, Bell]:
    return {"bell": Bell(request.user)} if getattr(request, "user", None) else {}
