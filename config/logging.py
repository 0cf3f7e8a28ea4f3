"""Structured logs: one JSON object per line, the same shape from Django, gunicorn and Celery.

Every line has `time` (ISO 8601, UTC), `level`, `logger`, `message`, `request_id` and
`user_id`, plus whatever a line adds (`status_code`, `method`, `path`, `exception`…).

The request id is django-guid's: taken from an incoming `X-Request-ID` (when it is a UUID)
or made, returned in the response's `X-Request-ID`, and carried to Celery tasks in a task
header, so a task's lines carry the id of the request that queued it. The user is read from
the request being served (`RequestLogContext` keeps it at hand), and only once authentication
has resolved it: formatting a line never runs a query. gunicorn's access line is built from
its atoms: it takes the request id from the response header and the user from the WSGI
environ, where `RequestLogContext` leaves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from django_guid import clear_guid, get_guid
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The WSGI environ key under which the access log finds the signed-in user's id.
ENVIRON_USER_ID = "almanac.user_id"

current_request: ContextVar[HttpRequest | None] = ContextVar("almanac_current_request", default=None)

# What LogRecord carries that a line should not repeat (or that is no JSON: a request, a socket).
DROPPED = {"request", "server_time", "color_message"}


def resolved_user_id(request: HttpRequest | None) -> int | None:
    """The signed-in user's id if authentication has already resolved it, else None."""
    user = getattr(request, "__dict__", {}).get("user") if request is not None else None
    wrapped = getattr(user, "_wrapped", user)  # SimpleLazyObject until something reads it
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class JsonFormatter(BaseJsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *DROPPED])
        kwargs.setdefault("rename_fields", {"exc_info": "exception"})
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        request = getattr(record, "request", None)
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data["request_id"] = get_guid()
        log_data["user_id"] = resolved_user_id(
            request if isinstance(request, HttpRequest) else current_request.get())
        if isinstance(request, HttpRequest):  # django.request's lines about a 4xx or 5xx
            log_data["method"] = request.method
            log_data["path"] = request.path
        super().add_fields(log_data, record, message_dict)


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access log: one line per request, its fields from gunicorn's atoms."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        atoms = record.args if isinstance(record.args, dict) else {}

        def atom(key: str) -> Any:
            value = atoms.get(key)
            # gunicorn escapes quotes for its text format; JSON escapes them itself
            return value.replace('\\"', '"') if isinstance(value, str) else value

        user_id, status, micros = atom(f"{{{ENVIRON_USER_ID}}}e"), str(atom("s")), atom("D")
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = f"{atom('m')} {atom('U')} {status}"
        log_data["request_id"] = atom("{x-request-id}o")
        log_data["user_id"] = int(user_id) if user_id and user_id.isdigit() else None
        log_data["method"] = atom("m")
        log_data["path"] = atom("U")
        log_data["query"] = atom("q") or ""
        log_data["status"] = int(status) if status.isdigit() else status
        log_data["bytes"] = atom("B")
        log_data["duration_ms"] = round(micros / 1000, 1) if isinstance(micros, int) else None
        log_data["remote_addr"] = atom("h")
        log_data["user_agent"] = atom("a")


class RequestLogContext:
    """The outermost middleware: keeps the request at hand for log lines while it is served,
    and leaves the user's id in the WSGI environ for gunicorn's access line (read after the
    view: DRF authenticates a Bearer token only there). Both the request and its id are
    forgotten when the response is finished (`request_finished`), after Django's own last
    line about it (a 4xx or 5xx is logged once the middleware has returned), so a worker's
    next line outside a request carries neither."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        request_finished.connect(forget_request, dispatch_uid="almanac-forget-request")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current_request.set(request)
        response = self.get_response(request)
        user_id = resolved_user_id(request)
        if user_id is not None:
            request.META[ENVIRON_USER_ID] = str(user_id)
        return response


def forget_request(**kwargs: Any) -> None:
    current_request.set(None)
    clear_guid()


def logging_config(level: str) -> dict[str, Any]:
    """The `LOGGING` dict (and gunicorn's `logconfig_dict`): JSON lines on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "access": {"()": "config.logging.AccessJsonFormatter"},
        },
        "handlers": {
            "json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "access",
                       "stream": "ext://sys.stdout"},
        },
        "root": {"handlers": ["json"], "level": level},
        "loggers": {
            # django-guid says at INFO whether each request brought an id: noise
            "django_guid": {"level": "WARNING"},
            # Django's own handlers (plain text on the console when DEBUG) give way to ours
            "django": {"handlers": ["json"], "level": level, "propagate": False},
            "django.server": {"handlers": ["json"], "level": level, "propagate": False},
            "gunicorn.error": {"handlers": ["json"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
