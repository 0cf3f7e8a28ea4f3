"""Classes named in settings.REST_FRAMEWORK. Kept apart from config/api.py because DRF
imports these while it is still loading, so nothing here may import rest_framework.views."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _RatesFromSettings:
    """Read the rate at request time, so settings overrides (and tests) take effect."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    pass


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    pass
