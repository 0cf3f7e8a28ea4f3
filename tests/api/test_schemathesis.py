"""Fuzz every operation of the live OpenAPI schema through the WSGI app, authenticated with a
real token of a staff user on seeded data: no 5xx, and every answer conforms to the schema.

Positive and negative data (schemathesis' default modes); path parameters are half the time
the slugs of seeded objects, so requests reach real rows and not only 404s.
"""

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_create
from config.wsgi import application
from registry.models import Lineage, RoleAssignment
from tests.factories import DatasetVersionFactory, ModelVersionFactory

MAX_EXAMPLES = 50
pytestmark = pytest.mark.django_db


# Loaded when the module is collected: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_the_test_connection() -> Any:
    """As django.test.Client does: the WSGI app must not close the connection that holds
    the test's transaction (PostgreSQL would lose it between requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(keep_the_test_connection, db, staff, lead, member, viewer, outsider, project,
           private_project, private_dataset, private_model, dataset, dataset_version, model,
           model_version, reviewer, role) -> dict:
    DatasetVersionFactory(dataset=private_dataset, label="p1", created_by=member)
    Lineage.objects.create(model_version=model_version, dataset_version=dataset_version)
    ModelVersionFactory(model=private_model, number=1, created_by=member)
    assignment = RoleAssignment.objects.create(role=role("owner"), person=member, dataset=dataset)
    _, token = api_token_create(user=staff, name="schemathesis")
    return {"token": token, "assignment": assignment.pk}


KNOWN_SLUGS = {"teams": "risk", "projects": "fraud", "datasets": "transactions", "models": "scorer",
               "roles": "reviewer"}


def known_path(case: Any, seeded: dict) -> None:
    resource = case.operation.path.split("/")[3]
    values = {"slug": KNOWN_SLUGS.get(resource), "username": "member", "label": "2026.01",
              "number": 1, "id": seeded["assignment"]}
    for name in list(case.path_parameters or {}):
        if values.get(name) is not None:
            case.path_parameters[name] = values[name]


@schema.parametrize()
@schema.given(use_known=st.booleans())
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_errors_and_conforms_to_its_schema(case, use_known, seeded):
    if use_known:
        known_path(case, seeded)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
