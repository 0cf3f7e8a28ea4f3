"""Named personas around one team and its private project."""

import itertools
import os
from collections.abc import Callable

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.services import api_token_create
from registry.models import Project, Role, RoleAssignment
from tests.factories import (
    DatasetFactory,
    DatasetVersionFactory,
    MembershipFactory,
    MLModelFactory,
    ModelVersionFactory,
    PersonFactory,
    ProjectFactory,
    TeamFactory,
)


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASE_IS_POSTGRES
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(
                reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)"))
        if "redis" in item.keywords and not os.environ.get("REDIS_URL", "").startswith("redis://"):
            item.add_marker(pytest.mark.skip(
                reason="needs Redis: run with REDIS_URL=redis://... (CI does)"))


@pytest.fixture(autouse=True)
def _commit_hooks_run_as_in_production(monkeypatch):
    """A test's writes are nested in its own atomic blocks, so `transaction.on_commit` hooks (the
    search index is written by one) would wait for a commit that never comes. Run them as
    production does: at once for a write outside any block the code opened (autocommit), and
    when the outermost block the code opened closes without error (its commit)."""
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper

    def only_test_blocks(connection) -> bool:
        return all(block._from_testcase for block in connection.atomic_blocks)

    original_on_commit = BaseDatabaseWrapper.on_commit

    def on_commit(self, func, robust=False):
        if self.in_atomic_block and only_test_blocks(self) and not self.needs_rollback:
            func()
        else:
            original_on_commit(self, func, robust)

    original_exit = transaction.Atomic.__exit__

    def exit(self, exc_type, exc_value, traceback):
        connection = transaction.get_connection(self.using)
        result = original_exit(self, exc_type, exc_value, traceback)
        if (exc_type is None and not self._from_testcase and connection.in_atomic_block
                and only_test_blocks(connection) and not connection.needs_rollback):
            hooks, connection.run_on_commit = connection.run_on_commit, []
            for _, func, _ in hooks:
                func()
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit)


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser tests, races, a real worker) run in a database flushed
    after each of them: put back the rows that data migrations install (roles, templates, gate
    requirements), with the same functions, unless a serialized rollback already did."""
    marker = request.node.get_closest_marker("django_db")
    if not _transactional(request) or (marker and marker.kwargs.get("serialized_rollback")):
        return  # not flushed, or put back from its serialized copy
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    if not (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    if Role.objects.exists():
        return
    # the functions write to the database their schema editor is connected to
    editor = SimpleNamespace(connection=connection)
    for module, function in [("registry.migrations.0002_default_roles", "add_roles"),
                             ("wiki.migrations.0002_builtin_templates_and_global_space", "install"),
                             ("lifecycle.migrations.0002_default_requirements", "add_defaults")]:
        getattr(import_module(module), function)(apps, editor)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate counters live in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def team(db):
    return TeamFactory(slug="risk", name="Risk")


@pytest.fixture
def other_team(db):
    return TeamFactory(slug="growth", name="Growth")


@pytest.fixture
def lead(team):
    return MembershipFactory(team=team, person=PersonFactory(username="lead"), level="lead").person


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, person=PersonFactory(username="member")).person


@pytest.fixture
def viewer(team):
    return MembershipFactory(team=team, person=PersonFactory(username="viewer"),
                             level="viewer").person


@pytest.fixture
def outsider(other_team):
    return MembershipFactory(team=other_team, person=PersonFactory(username="outsider")).person


@pytest.fixture
def staff(db):
    return PersonFactory(username="staff", is_staff=True)


@pytest.fixture
def project(team):
    return ProjectFactory(team=team, slug="fraud", name="Fraud")


@pytest.fixture
def private_project(team):
    return ProjectFactory(team=team, slug="secret", name="Secret limits", visibility="private")


@pytest.fixture
def private_dataset(private_project):
    return DatasetFactory(team=private_project.team, home_project=private_project,
                          slug="secret-data", name="Secret data")


@pytest.fixture
def private_model(private_project):
    return MLModelFactory(project=private_project, slug="secret-model", name="Secret model")


@pytest.fixture
def dataset(team):
    return DatasetFactory(team=team, slug="transactions", name="Transactions")


@pytest.fixture
def dataset_version(dataset, member):
    return DatasetVersionFactory(dataset=dataset, label="2026.01", created_by=member)


@pytest.fixture
def model(project):
    return MLModelFactory(project=project, slug="scorer", name="Scorer")


@pytest.fixture
def model_version(model, member):
    return ModelVersionFactory(model=model, number=1, created_by=member)


@pytest.fixture
def role(db):
    return lambda slug: Role.objects.get(slug=slug)


@pytest.fixture
def reviewer(project, role):
    person = PersonFactory(username="reviewer")
    RoleAssignment.objects.create(role=role("reviewer"), person=person, project=project)
    return person


# --- documentation: pages from the built-in templates -------------------------------
def filled(kind: str, **overrides: str) -> str:
    """A body with every required section of the template filled in."""
    from wiki.models import Template

    template = Template.objects.get(kind=kind)
    return "\n\n".join(f"## {title}\n\n{overrides.get(title, f'Written text about {title.lower()}.')}"
                       for title in template.required_sections)


@pytest.fixture
def write():
    count = itertools.count(1)

    def write(kind: str, target, *, by, body: str | None = None, **overrides: str):
        from wiki.models import Template
        from wiki.services import page_create, space_for

        project = target if isinstance(target, Project) else getattr(target, "project", None)
        space = space_for(project or target.team)
        template = Template.objects.get(kind=kind)
        return page_create(space=space, title=f"{template.name} of {target} ({next(count)})", by=by,
                           body=filled(kind, **overrides) if body is None else body,
                           template=template, documents=[target])

    return write


@pytest.fixture
def edit():
    def edit(page, *, by, body: str):
        from wiki.services import page_update

        return page_update(page=page, title=page.title, body=body, base_revision=page.revision, by=by)

    return edit


# --- API clients --------------------------------------------------------------------
@pytest.fixture
def token_client(db) -> Callable[..., APIClient]:
    def make(user, *, read_only: bool = False) -> APIClient:
        _, token = api_token_create(user=user, name="test", read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make
