"""The client against a live server (pytest-django's `live_server`: a real HTTP server in a
thread, over a flushed transactional database)."""

from importlib import import_module
from types import SimpleNamespace

import pytest

from accounts.services import api_token_create


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from a flushed database: put back the rows data migrations
    install (roles, templates, gate requirements), with the migrations' own functions."""
    from django.apps import apps
    from django.db import connection

    editor = SimpleNamespace(connection=connection)
    for module, function in [("registry.migrations.0002_default_roles", "add_roles"),
                             ("wiki.migrations.0002_builtin_templates_and_global_space", "install"),
                             ("lifecycle.migrations.0002_default_requirements", "add_defaults")]:
        getattr(import_module(module), function)(apps, editor)


@pytest.fixture
def almanac(live_server, reference_data):
    """`almanac(user)`: a client of the live server with a new token of `user`."""
    from almanac_client import Almanac

    def make(user, *, read_only: bool = False, **options) -> Almanac:
        _, token = api_token_create(user=user, name="client test", read_only=read_only)
        return Almanac(live_server.url, token, **options)

    return make
