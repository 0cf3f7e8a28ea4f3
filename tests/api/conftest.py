"""API clients for the personas: a real Bearer token each, as a script would use."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(token_client, member) -> APIClient:
    """A team member's read-write token: the client of the happy paths and bad input."""
    return token_client(member)


@pytest.fixture
def as_persona(request, token_client) -> Callable[[str], APIClient]:
    """A client for a persona fixture by name; "read_only" is the member's read-only token."""
    def make(name: str) -> APIClient:
        if name == "read_only":
            return token_client(request.getfixturevalue("member"), read_only=True)
        return token_client(request.getfixturevalue(name))

    return make


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def assert_error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "errors"}
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], dict)
    return body


def names_field(body: dict, field: str) -> bool:
    """The error body names `field` (nested errors come as `field.0.sub`)."""
    return any(key == field or key.startswith(f"{field}.") for key in body["errors"])
