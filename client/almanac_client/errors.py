"""Exceptions raised by the client. An answer that is not a success is an `ApiError` carrying
the API's error body: `{"detail": "...", "errors": {"field": ["message"]}, ...}`."""

from __future__ import annotations

from typing import Any


class AlmanacError(Exception):
    """Base of every error the client raises."""


class ConfigurationError(AlmanacError):
    """No server address (ALMANAC_URL) or no token (ALMANAC_TOKEN) where one is needed."""


class TransportError(AlmanacError):
    """The server could not be reached (after the retries)."""


class ApiError(AlmanacError):
    """The server answered with an error status; `body` is its JSON body (or the text)."""

    def __init__(self, status: int, body: Any, *, method: str = "", url: str = "") -> None:
        self.status = status
        self.body = body
        self.method = method
        self.url = url
        if isinstance(body, dict):
            self.detail = str(body.get("detail", ""))
            errors = body.get("errors")
            self.errors: dict[str, list[str]] = errors if isinstance(errors, dict) else {}
        else:
            self.detail = str(body or "")[:500]
            self.errors = {}
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status}: {self.detail or 'error'}"
        if self.errors:
            fields = "; ".join(
                f"{field}: {' '.join(map(str, messages)) if isinstance(messages, list) else messages}"
                for field, messages in self.errors.items())
            text += f" ({fields})"
        return text


class BadRequest(ApiError):
    """400: a field is wrong; `errors` names it."""


class Unauthorized(ApiError):
    """401: no token, or an invalid, expired or revoked one."""


class Forbidden(ApiError):
    """403: visible but not yours to change, or a read-only token."""


class NotFound(ApiError):
    """404: unknown, or not visible to you."""


class Conflict(ApiError):
    """409: a rule refuses the change (a gate, a duplicate); the body says which."""


class RateLimited(ApiError):
    """429 after every retry."""


class ServerError(ApiError):
    """5xx after every retry."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 429: RateLimited,
}


def error_for(status: int, body: Any, *, method: str = "", url: str = "") -> ApiError:
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, body, method=method, url=url)
