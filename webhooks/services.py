"""Subscribing, fanning an activity row out to deliveries, and delivering them: one HTTP POST
per attempt, signed with HMAC-SHA256 over the body, retried with exponential backoff."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registry.models import Activity, Person, Team
from registry.services import save_validated
from webhooks import events, permissions
from webhooks.models import Delivery, Event, Subscription

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Almanac-Signature"  # "sha256=" + hex HMAC-SHA256 of the raw body
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)  # then 1, 2, 4 and 8 minutes
TIMEOUT_SECONDS = 10
USER_AGENT = "Almanac-Webhooks/1"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return FIRST_RETRY * (2 ** (attempts - 1))


# --- subscriptions ---------------------------------------------------------------------------
@transaction.atomic
def subscription_create(*, team: Team, url: str, events: list[str], by: Person,
                        description: str = "") -> Subscription:
    if not permissions.can_manage_webhooks(by, team):
        raise PermissionDenied
    subscription = Subscription(team=team, url=url.strip(), events=sorted(set(events)),
                                description=description.strip(), created_by=by)
    save_validated(subscription)
    return subscription


@transaction.atomic
def subscription_update(*, subscription: Subscription, by: Person, **fields: Any) -> Subscription:
    if not permissions.can_manage_webhooks(by, subscription.team):
        raise PermissionDenied
    for name in ("url", "events", "description", "active"):
        if name in fields:
            value = fields[name]
            setattr(subscription, name, sorted(set(value)) if name == "events" else value)
    save_validated(subscription)
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by: Person) -> None:
    if not permissions.can_manage_webhooks(by, subscription.team):
        raise PermissionDenied
    subscription.delete()


# --- events to deliveries -----------------------------------------------------------------
# The teams with an active subscription, cached: most writes belong to a team with none, and
# they should not pay a query for it. Subscription changes clear the cache (signals.py); with
# a per-process cache (no REDIS_URL) other processes see a change within the timeout.
SUBSCRIBED_TEAMS_KEY = "webhooks:subscribed-teams"
SUBSCRIBED_TEAMS_TIMEOUT = 30


def subscribed_team_ids() -> set[int]:
    teams = cache.get(SUBSCRIBED_TEAMS_KEY)
    if teams is None:
        teams = set(Subscription.objects.filter(active=True).values_list("team_id", flat=True))
        cache.set(SUBSCRIBED_TEAMS_KEY, teams, SUBSCRIBED_TEAMS_TIMEOUT)
    return teams


def forget_subscribed_teams() -> None:
    cache.delete(SUBSCRIBED_TEAMS_KEY)


def fan_out(activity: Activity) -> list[Delivery]:
    """Deliveries of `activity` to the active subscriptions of the team whose work it is about
    that asked for its kind (`tasks.send_after_commit` sends them)."""
    kind = events.event_of(activity)
    if kind is None:
        return []
    subscribed = subscribed_team_ids()
    team_id = events.team_of(activity) if subscribed else None
    if team_id not in subscribed:
        return []
    subscriptions = [s for s in Subscription.objects.filter(team_id=team_id, active=True)
                     if kind in s.events]
    if not subscriptions:
        return []
    payload = events.payload_of(activity, kind)
    return [_queue(subscription, kind, payload) for subscription in subscriptions]


def ping(*, subscription: Subscription, by: Person) -> Delivery:
    """A test event, sent now (to check the URL and the secret)."""
    if not permissions.can_manage_webhooks(by, subscription.team):
        raise PermissionDenied
    return _queue(subscription, Event.PING, {
        "event": Event.PING, "occurred_at": timezone.now().isoformat(), "actor": by.username,
        "target": {"type": "team", "name": subscription.team.name, "slug": subscription.team.slug},
        "changes": {},
    })


def redeliver(*, delivery: Delivery, by: Person) -> Delivery:
    """Send a delivery's payload again, as a new delivery (the log keeps both)."""
    if not permissions.can_manage_webhooks(by, delivery.subscription.team):
        raise PermissionDenied
    payload = {key: value for key, value in delivery.payload.items() if key != "delivery"}
    return _queue(delivery.subscription, delivery.event, payload)


def _queue(subscription: Subscription, kind: str, payload: dict[str, Any]) -> Delivery:
    key = uuid.uuid4()  # also in the body, for receivers that drop duplicates
    return Delivery.objects.create(subscription=subscription, event=kind, uuid=key,
                                   payload={"delivery": str(key), **payload})


# --- delivering ------------------------------------------------------------------------------
def _refused_address(url: str) -> str:
    """Why `url` may not be called ('' when it may): only http(s), and no private, loopback or
    link-local address unless settings.WEBHOOKS_ALLOW_PRIVATE_URLS."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "only http and https URLs are called"
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as error:
        return f"cannot resolve {parts.hostname}: {error}"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return f"{parts.hostname} is a private address ({address}); not called"
    return ""


def attempt(delivery: Delivery) -> bool:
    """One attempt: POST the payload, record the outcome. True when delivered or when no
    further attempt will be made; False when the caller should retry at `next_attempt_at`."""
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery.pk)
    if delivery.status != Delivery.Status.PENDING:
        return True  # delivered already (a task delivered twice), or given up
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    refusal = _refused_address(subscription.url)
    code, error = None, refusal
    if not refusal:
        request = urllib.request.Request(subscription.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "X-Almanac-Event": delivery.event, "X-Almanac-Delivery": str(delivery.uuid),
            SIGNATURE_HEADER: sign(subscription.secret, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
                code = response.status
        except urllib.error.HTTPError as failure:
            code, error = failure.code, f"HTTP {failure.code}"
        except (urllib.error.URLError, OSError, ValueError) as failure:
            error = str(getattr(failure, "reason", failure))[:300]
    delivery.response_code = code
    delivery.last_error = error[:300]
    done = code is not None and 200 <= code < 300
    if done:
        delivery.status, delivery.next_attempt_at = Delivery.Status.DELIVERED, None
    elif refusal or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_attempt_at", "response_code", "last_error",
                                 "status", "next_attempt_at"])
    log.info("webhook delivery", extra={"delivery": str(delivery.uuid), "event": delivery.event,
                                        "status": delivery.status, "response_code": code,
                                        "attempt": delivery.attempts})
    return delivery.status != Delivery.Status.PENDING


def due_deliveries(now: Any = None) -> list[int]:
    """Pending deliveries whose retry time has come, or that no task picked up in 5 minutes."""
    now = now or timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True,
                                          created_at__lte=now - timedelta(minutes=5))
    return list(Delivery.objects.filter(due, status=Delivery.Status.PENDING)
                .values_list("pk", flat=True)[:500])
