"""How every Almanac task runs, and the outbox relay.

Tasks are thin: they take ids, load, call a service, and may run twice (a redelivery after a
lost worker) with the effect of once. `background` gives each the same delivery rules:
acknowledged after it ran (`acks_late`), requeued when its worker dies, retried with
exponential backoff on database and network errors (at most `MAX_RETRIES` times), and
stopped by time limits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import DatabaseError

from jobs import outbox

MAX_RETRIES = 5
OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError, OSError),  # OSError: SMTP and connection errors too
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
    "soft_time_limit": 240,
    "time_limit": 300,
}


def background(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`@background("app.verb")`: a Celery task with the house's delivery rules."""
    return shared_task(name=name, **{**OPTIONS, **options})


@background("jobs.relay_outbox", time_limit=120, soft_time_limit=100)
def relay_outbox() -> dict[str, int]:
    published, waiting = outbox.relay()
    return {"published": published, "waiting": waiting}
