"""Classes named in settings.REST_FRAMEWORK. Kept apart from config/api.py because DRF
imports these while it is still loading, so nothing here may import rest_framework.views."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _CountingThrottle(SimpleRateThrottle):
    """A window of `duration` seconds from a client's first request, counted with one atomic
    increment.

    DRF's own throttles keep the time of every request in the window as a list in the cache,
    read and rewritten whole on each request: at 2000/min that is up to 2000 floats pickled
    both ways (and, with Redis, sent both ways) per request, growing with the rate. Here each
    request costs an `add` (a no-op once the window exists) and an `incr`, whatever the rate.
    The rate is read at request time, so settings overrides (and tests) take effect.
    """

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        return self.count()

    def count(self) -> bool:
        """Count one request against `self.key`; False once past the rate."""
        now = self.timer()
        if self.cache.add(self.key, 0, self.duration):  # this request opens a window
            self.cache.set(f"{self.key}:ends", now + self.duration, self.duration)
        try:
            count = self.cache.incr(self.key)
        except ValueError:  # the window closed between add and incr: this opens the next
            self.cache.set(self.key, 1, self.duration)
            count = 1
        if count <= self.num_requests:
            return True
        self.window_ends = self.cache.get(f"{self.key}:ends", now + self.duration)
        return False

    def wait(self) -> float:
        return max(self.window_ends - self.timer(), 1.0)


class UserThrottle(_CountingThrottle, UserRateThrottle):
    pass


class AnonThrottle(_CountingThrottle, AnonRateThrottle):
    pass


def count_failed_authentication(request: Any) -> float | None:
    """A request whose credentials failed counts against the anonymous rate of its address
    (it never reaches the throttles: authentication fails first). None while within the rate,
    else the seconds to wait."""
    throttle = AnonThrottle()
    if throttle.rate is None:
        return None
    throttle.key = throttle.cache_format % {"scope": throttle.scope, "ident": throttle.get_ident(request)}
    return None if throttle.count() else throttle.wait()


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """The API answers JSON whatever the Accept header asks (a browser's text/html included):
    an answer in the first renderer rather than a 406."""

    def select_renderer(self, request: Any, renderers: list, format_suffix: str | None = None) -> tuple:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
